"""Off-topic messages and English product questions through the webhook; the user's language is not
switched by keyboard mashing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import db
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.models import LineUser, OfficerQuestion, UnmatchedQuery
from tests.handlers.test_answers_flow import OTHER, USER, chat, press, quick, texts

MENU = ["action=find_standard", "action=track_status", "action=ask_question"]


def _recorded(app) -> tuple[list[OfficerQuestion], list[UnmatchedQuery]]:
    with app.app_context():
        return (list(db.session.scalars(select(OfficerQuestion))), list(db.session.scalars(select(UnmatchedQuery))))


def _language(app, user: str) -> str | None:
    with app.app_context():
        return db.session.scalars(select(LineUser.language).where(LineUser.line_user_id == user)).one()


def _assert_off_topic(messages, lang: str) -> None:
    assert len(messages) == 1
    assert messages[0]["text"] == phrase("off_topic", lang)
    assert [a["data"] for a in quick(messages[0])] == MENU


@pytest.mark.parametrize(("text", "lang"), [
    ("ราคาทองวันนี้เท่าไหร่", "th"),
    ("หวยงวดนี้ออกอะไรคะ", "th"),
    ("วิธีทำต้มยำกุ้ง", "th"),
    ("ผลบอลเมื่อคืนเป็นไงบ้าง", "th"),
    ("What's the weather like in Bangkok today?", "en"),
])
def test_off_topic_gets_a_polite_reply_with_the_menu_and_nothing_is_recorded(db_app, fake_line, text, lang):
    messages = chat(db_app, fake_line, text)
    _assert_off_topic(messages, lang)
    fee = get_brain().faq.entry("fee")
    assert fee is not None and fee.answer_th not in texts(messages) and fee.answer_en not in texts(messages)
    questions, unmatched = _recorded(db_app)
    assert [q for q in questions if q.status == "offered"] == [] and questions == []
    assert unmatched == []


def test_in_scope_questions_with_the_same_words_are_answered(db_app, fake_line):
    fee = get_brain().faq.entry("fee")
    assert fee is not None
    assert chat(db_app, fake_line, "ค่าธรรมเนียมขอ มผช. ราคาเท่าไหร่")[0]["text"].startswith(fee.answer_th)
    steps = get_brain().faq.entry("application_steps")
    assert steps is not None
    assert chat(db_app, fake_line, "ขอมผชต้องทำไง")[0]["text"].startswith(steps.answer_th)
    assert chat(db_app, fake_line, "ทองหยอด")[-1]["type"] == "flex"  # a product, not off-topic


@pytest.mark.parametrize(("button", "text"), [
    ("action=ask_question", "หวยออกอะไรคะ"),  # waiting for a question about มผช.
    ("action=find_standard", "ผลบอลเมื่อคืน"),  # waiting for a product name
    ("action=track_status", "ดูดวงให้หน่อย"),  # waiting for an application number
])
def test_off_topic_inside_a_flow_leaves_it_without_an_officer_offer(db_app, fake_line, button, text):
    press(db_app, fake_line, button)
    _assert_off_topic(chat(db_app, fake_line, text), "th")
    assert _recorded(db_app) == ([], [])


def test_laughter_while_an_officer_waits_for_the_question_is_not_queued(db_app, fake_line):
    chat(db_app, fake_line, "ขอคุยกับเจ้าหน้าที่")
    assert texts(chat(db_app, fake_line, "55555")) == phrase("officer_need_question", "th")  # asked again
    assert [q.status for q in _recorded(db_app)[0]] == []


def test_english_product_questions_are_answered_in_english_with_english_names(db_app, fake_line):
    messages = chat(db_app, fake_line, "I sell chili paste", OTHER)
    assert messages[-1]["type"] == "flex"
    card = str(messages[-1]["contents"])
    assert "Fried chili paste" in card and "TCPS 321/2556" in card and "Official name (Thai)" in card
    assert quick(messages[-1])[0]["label"].startswith("✅ Fried chili")
    for text in ("I make banana chips", "dried mango", "which standard for dried mango?"):
        reply = texts(chat(db_app, fake_line, text, OTHER))
        assert "Our list does not have the standard" in reply and phrase("off_topic", "en") not in reply
    assert _language(db_app, OTHER) == "en"


@pytest.mark.parametrize("mash", ["asdfghjkl", "zzz", "ๅ/-ภถุ", "qwerty zxcv"])
def test_a_thai_users_keyboard_mashing_does_not_switch_the_language(db_app, fake_line, mash):
    chat(db_app, fake_line, "สวัสดีค่ะ")
    reply = chat(db_app, fake_line, mash)
    assert _language(db_app, USER) == "th"
    assert all(not m.get("text") or any("\u0e00" <= ch <= "\u0e7f" for ch in m["text"]) for m in reply)


def test_real_english_switches_the_language_and_thai_switches_back(db_app, fake_line):
    chat(db_app, fake_line, "สวัสดีค่ะ")
    assert chat(db_app, fake_line, "hello")[0]["text"] == phrase("greeting", "en")
    assert _language(db_app, USER) == "en"
    chat(db_app, fake_line, "TCPS")  # a loan word says nothing about the language
    assert _language(db_app, USER) == "en"
    chat(db_app, fake_line, "ขอบคุณค่ะ")
    assert _language(db_app, USER) == "th"
