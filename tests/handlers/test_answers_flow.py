"""Answers through the webhook: greeting, help, FAQ (answer / choice / offer to pass it on; the hand-off
itself is in test_handoff_flow.py), standard lookup by code and by category, thanks, cancel, and the English versions."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.config import DEFAULT_TISI_STANDARD_LIST_URL
from bot.db import db
from bot.handlers.router import FLOWS, INTENTS, POSTBACK_ACTIONS
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line.gateway import validate_messages
from bot.models import OfficerQuestion, UnmatchedQuery
from bot.nlp.categories import load_categories
from bot.nlp.intent import INTENTS as CLASSIFIED_INTENTS
from bot.office.questions import pending_questions
from tests.helpers import flex_texts, say, send_to_officer, tap

USER = "U" + "1" * 32
OTHER = "U" + "2" * 32
TISI_LIST = DEFAULT_TISI_STANDARD_LIST_URL


def chat(app, fake, text: str, user: str = USER) -> list[dict[str, Any]]:
    """Say ``text``; the bot's messages, checked against LINE's own models."""
    messages = say(app, fake, user, text)
    assert messages, f"no answer to {text!r}"
    validate_messages(messages)
    return messages


def press(app, fake, data: str, user: str = USER) -> list[dict[str, Any]]:
    messages = tap(app, fake, user, data)
    assert messages, f"no answer to postback {data!r}"
    validate_messages(messages)
    return messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or m.get("altText", "") for m in messages)


def quick(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def flex_actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["action"]] if isinstance(node.get("action"), dict) else []
        return own + [a for key, value in node.items() if key != "action" for a in flex_actions(value)]
    if isinstance(node, list):
        return [a for value in node for a in flex_actions(value)]
    return []


def questions_in_db(app) -> list[OfficerQuestion]:
    with app.app_context():
        return list(db.session.scalars(select(OfficerQuestion).order_by(OfficerQuestion.id)))


# ---- wiring ----------------------------------------------------------------------------------------


def test_every_intent_and_flow_has_a_handler():
    assert set(CLASSIFIED_INTENTS) <= set(INTENTS)
    assert {"faq", "officer", "lookup"} <= set(FLOWS)
    assert {"ask_question", "faq", "officer", "lookup_code", "lookup", "category"} <= set(POSTBACK_ACTIONS)


def test_button_labels_fit_lines_20_characters_without_clipping():
    from bot.knowledge.replies import catalog
    from bot.line.messages import MAX_LABEL, utf16_len

    keys = [k for k in catalog() if k.startswith(("button_", "lookup_button_", "category_short_"))
            or k == "lookup_category_more"]
    assert {f"category_short_{c.key}" for c in load_categories()} <= set(keys)
    for key in keys:
        for lang, text in catalog()[key].items():
            assert utf16_len(text) <= MAX_LABEL, (key, lang, text)


# ---- greeting, help, thanks, cancel ----------------------------------------------------------------


def test_greeting_in_thai_and_english(app, fake_line):
    thai = chat(app, fake_line, "สวัสดีค่ะ")
    assert thai[0]["text"] == phrase("greeting", "th")
    assert [a["data"] for a in quick(thai[0])] == ["action=find_standard", "action=track_status", "action=ask_question"]
    english = chat(app, fake_line, "hello", OTHER)
    assert english[0]["text"] == phrase("greeting", "en")
    assert quick(english[0])[0]["label"] == phrase("button_find_standard", "en")


def test_help_asked_explains_every_job_but_unclear_text_gets_a_gentle_not_sure(app, fake_line):
    asked = chat(app, fake_line, "วิธีใช้งาน")
    assert asked[0]["text"] == phrase("how_to_use", "th")
    assert "action=officer" in [a["data"] for a in quick(asked[0])]
    assert "action=lookup_code" in [a["data"] for a in quick(asked[0])]
    english = chat(app, fake_line, "help", OTHER)
    assert english[0]["text"] == phrase("how_to_use", "en")
    unclear = chat(app, fake_line, "🙂🙂")
    assert unclear[0]["text"] in (phrase("help", "th"), phrase("thanks", "th"))


def test_thanks_in_thai_and_english(app, fake_line):
    assert chat(app, fake_line, "ขอบคุณมากค่ะ")[0]["text"] == phrase("thanks", "th")
    assert chat(app, fake_line, "thank you", OTHER)[0]["text"] == phrase("thanks", "en")


def test_cancel_leaves_the_officer_flow_and_nothing_is_recorded(db_app, fake_line):
    chat(db_app, fake_line, "ขอคุยกับเจ้าหน้าที่")
    assert chat(db_app, fake_line, "ยกเลิก")[0]["text"] == phrase("cancelled", "th")
    reply = chat(db_app, fake_line, "อากาศวันนี้ดีจัง")  # no longer taken as the officer question
    assert phrase("officer_sent", "th").split("\n")[0] not in texts(reply)
    assert "pending" not in [q.status for q in questions_in_db(db_app)]
    assert chat(db_app, fake_line, "cancel", OTHER)[0]["text"] == phrase("cancelled", "en")


# ---- FAQ --------------------------------------------------------------------------------------------


def test_confident_faq_answer_with_unverified_note_and_sources(app, fake_line):
    faq = get_brain().faq
    fee = faq.entry("fee")
    assert fee is not None and fee.unverified
    message = chat(app, fake_line, "ขอ มผช ต้องเสียเงินไหม")[0]
    assert message["text"].startswith(faq.answer_text(fee, "th"))
    assert faq.unverified_note_th in message["text"]
    assert phrase("faq_sources", "th", urls="\n".join(fee.sources)) in message["text"]
    data = [a["data"] for a in quick(message)]
    assert "action=ask_question" in data and "action=officer" in data


def test_greeting_before_the_question_does_not_hide_the_answer(app, fake_line):
    renewal = get_brain().faq.entry("renewal")
    assert chat(app, fake_line, "ขอบคุณค่ะ แล้วต่ออายุยังไง")[0]["text"].startswith(renewal.answer_th)
    unsure = chat(app, fake_line, "สวัสดีค่ะ ขอ มผช ต้องเสียเงินไหม")[0]
    assert quick(unsure)[0]["data"] == "action=faq&id=fee"


def test_verified_faq_answer_has_no_warning(app, fake_line):
    faq = get_brain().faq
    entry = faq.entry("apply_by_post")
    assert entry is not None and not entry.unverified
    message = chat(app, fake_line, "ยื่นทางไปรษณีย์ได้ไหม")[0]
    assert message["text"].startswith(entry.answer_th)
    assert faq.unverified_note_th not in message["text"]
    assert all(url in message["text"] for url in entry.sources)


def test_english_question_gets_the_english_answer(app, fake_line):
    faq = get_brain().faq
    entry = faq.entry("validity")
    message = chat(app, fake_line, "how long is the certificate valid")[0]
    assert message["text"].startswith(faq.answer_text(entry, "en"))
    assert faq.unverified_note_en in message["text"]
    assert "Source: " in message["text"]


def test_unsure_question_offers_close_questions_and_a_tap_answers(db_app, fake_line):
    message = chat(db_app, fake_line, "How much is the fee?")[0]
    assert message["text"].startswith(phrase("faq_pick", "en", questions="").split("\n")[0])
    actions = quick(message)
    faq_buttons = [a for a in actions if a["data"].startswith("action=faq&id=")]
    assert 1 <= len(faq_buttons) <= 3
    assert faq_buttons[0]["data"] == "action=faq&id=fee"
    assert faq_buttons[0]["displayText"] == get_brain().faq.entry("fee").question("en")
    assert actions[-1]["data"].startswith("action=officer&q=")
    answer = press(db_app, fake_line, faq_buttons[0]["data"])[0]
    assert answer["text"].startswith(get_brain().faq.entry("fee").answer_en)
    assert [q.status for q in questions_in_db(db_app)] == ["withdrawn"]  # answered: nothing for officers


def test_unknown_question_offers_an_officer_and_recording_needs_consent(db_app, fake_line):
    message = chat(db_app, fake_line, "ส่งสินค้าไปขายญี่ปุ่นได้ไหม")[0]
    assert message["text"] == phrase("faq_no_answer", "th")
    send, decline = quick(message)
    assert send["data"].startswith("action=officer&q=") and decline["data"].startswith("action=officer&decline=")
    with db_app.app_context():
        assert pending_questions(db.session) == []
        gap = db.session.scalars(select(UnmatchedQuery).where(UnmatchedQuery.kind == "faq")).one()
        assert gap.example == "ส่งสินค้าไปขายญี่ปุ่นได้ไหม" and gap.count == 1
    shown = press(db_app, fake_line, send["data"])[0]
    assert '"ส่งสินค้าไปขายญี่ปุ่นได้ไหม"' in shown["text"]  # shown before anything is queued
    with db_app.app_context():
        assert pending_questions(db.session) == []
    sent = send_to_officer(db_app, fake_line, USER, shown)[0]["text"]
    assert "ส่งสินค้าไปขายญี่ปุ่นได้ไหม" in sent and "LINE" in sent and "วันและเวลาราชการ" in sent
    with db_app.app_context():
        waiting = pending_questions(db.session)
        assert [(q.text, q.reason, q.user.line_user_id) for q in waiting] == [
            ("ส่งสินค้าไปขายญี่ปุ่นได้ไหม", "unanswered", USER)]
        assert waiting[0].asked_at is not None
    # tapping the same button again does not queue it twice
    assert press(db_app, fake_line, send["data"])[0]["text"].startswith(
        phrase("officer_already_waiting", "th", question="").split("\n")[0])
    with db_app.app_context():
        assert len(pending_questions(db.session)) == 1


def test_declined_offer_records_nothing_for_officers(db_app, fake_line):
    message = chat(db_app, fake_line, "ขายในเซเว่นได้ไหม")[0]
    decline = quick(message)[1]
    assert press(db_app, fake_line, decline["data"])[0]["text"] == phrase("officer_offer_declined", "th")
    assert [q.status for q in questions_in_db(db_app)] == ["withdrawn"]
    with db_app.app_context():
        assert pending_questions(db.session) == []


def test_someone_elses_offer_cannot_be_sent(db_app, fake_line):
    send = quick(chat(db_app, fake_line, "ขายในเซเว่นได้ไหม")[0])[0]
    reply = press(db_app, fake_line, send["data"], OTHER)[0]
    assert reply["text"] == phrase("officer_ask_question", "th")
    assert [q.status for q in questions_in_db(db_app)] == ["offered"]


def test_ask_button_invites_a_question_with_popular_ones(app, fake_line):
    message = press(app, fake_line, "action=ask_question")[0]
    assert message["text"] == phrase("ask_question", "th")
    popular = get_brain().faq.popular
    assert [a["data"] for a in quick(message)] == [f"action=faq&id={i}" for i in popular]
    # "may I ask…" keeps the invitation open; the next text is taken as the question
    assert chat(app, fake_line, "ขอถามหน่อยค่ะ")[0]["text"] == phrase("ask_question", "th")
    validity = get_brain().faq.entry("validity")
    assert chat(app, fake_line, "ใบรับรองมีอายุกี่ปี")[0]["text"].startswith(validity.answer_th)
    # after the answer the invitation is over: a greeting is a greeting again
    assert chat(app, fake_line, "สวัสดีค่ะ")[0]["text"] == phrase("greeting", "th")


def test_ask_button_then_a_clear_other_request_is_routed_as_usual(app, fake_line):
    press(app, fake_line, "action=ask_question")
    reply = chat(app, fake_line, "มผช. 129/2546")
    assert reply[-1]["type"] == "flex" and "มผช. 129/2546" in reply[-1]["altText"]


def test_unknown_faq_id_is_handled(app, fake_line):
    assert press(app, fake_line, "action=faq&id=no_such_entry")[0]["text"] == phrase("faq_unknown_entry", "th")


# ---- standard lookup -------------------------------------------------------------------------------------


def standard_card(messages: list[dict[str, Any]]) -> dict[str, Any]:
    flex = [m for m in messages if m["type"] == "flex"]
    assert len(flex) == 1
    return flex[0]


@pytest.mark.parametrize("text", ["มผช. 129/2546 คืออะไร", "มผช 129", "TCPS 129-2546", "มผช. ๑๒๙/๒๕๔๖"])
def test_lookup_by_code_shows_the_card(app, fake_line, text):
    card = standard_card(chat(app, fake_line, text))
    assert card["altText"] == "มผช. 129/2546 น้ำพริกแกง"
    shown = flex_texts(card["contents"])
    assert "มผช. 129/2546" in shown and "น้ำพริกแกง" in shown
    assert "อาหาร" in shown  # the Thai category label from categories.yaml
    assert phrase("lookup_edition_current", "th", code="มผช. 129/2546", name="").join(["• ", ""]) in shown
    uris = [a["uri"] for a in flex_actions(card["contents"]) if a["type"] == "uri"]
    assert "https://www.foodnetworksolution.com/wiki/word/3357" in uris and TISI_LIST in uris


def test_lookup_shows_what_the_standard_covers(app, fake_line):
    record = next(s for s in get_brain().bundle.standards if s.number == 1)
    shown = flex_texts(standard_card(chat(app, fake_line, "มผช. 1/2546"))["contents"])
    assert ", ".join(record.keywords) in shown


def test_superseded_edition_points_to_the_current_one_with_history(app, fake_line):
    messages = chat(app, fake_line, "มผช. 247/2547 คืออะไรคะ")
    assert messages[0]["text"] == phrase("lookup_superseded", "th", code="มผช. 247/2547", current="มผช. 247/2552")
    shown = flex_texts(standard_card(messages)["contents"])
    assert "มผช. 247/2552" in shown
    history = [t for t in shown if t.startswith("• ")]
    assert history == [
        "• " + phrase("lookup_edition_current", "th", code="มผช. 247/2552", name=""),
        "• " + phrase("lookup_edition_old", "th", code="มผช. 247/2547", name="", current="มผช. 247/2552"),
    ]


def test_history_names_an_old_edition_that_had_another_name(app, fake_line):
    shown = flex_texts(standard_card(chat(app, fake_line, "มผช 93"))["contents"])
    assert "ผลิตภัณฑ์ปรับสภาพเส้นผม" in shown
    assert "• " + phrase("lookup_edition_old", "th", code="มผช. 93/2547", name=" ครีมนวดผม",
                         current="มผช. 93/2553") in shown


def test_edition_year_not_in_our_data_is_said_plainly(app, fake_line):
    messages = chat(app, fake_line, "มผช. 129/2560")
    assert messages[0]["text"] == phrase("lookup_year_not_found", "th", number=129, year=2560, editions="มผช. 129/2546")
    assert standard_card(messages)["altText"].startswith("มผช. 129/2546")


def test_unknown_code_is_not_invented(app, fake_line):
    messages = chat(app, fake_line, "มผช. 9876 คืออะไร")
    assert len(messages) == 1 and messages[0]["type"] == "text"
    assert messages[0]["text"] == phrase("lookup_not_found", "th", number=9876, url=TISI_LIST)


def test_lookup_in_english(app, fake_line):
    messages = chat(app, fake_line, "What is TCPS 27?", OTHER)
    card = standard_card(messages)
    shown = flex_texts(card["contents"])
    assert "TCPS 27/2546" in shown and "Salted egg" in shown and "Food" in shown
    assert shown.index("Salted egg") < shown.index("ไข่เค็ม")  # the English name first, the official Thai one too
    assert phrase("lookup_header", "en") in shown


def test_english_readers_see_tisis_english_title(app, fake_line):
    card = standard_card(chat(app, fake_line, "What is TCPS 1?", OTHER))
    assert card["altText"] == "TCPS 1/2552 Thai Desserts"
    shown = flex_texts(card["contents"])
    assert "Thai Desserts" in shown and "ขนมไทย" not in shown
    thai = standard_card(chat(app, fake_line, "มผช. 1 คืออะไร"))
    assert thai["altText"] == "มผช. 1/2552 ขนมไทย"


def test_lookup_button_then_a_bare_number(app, fake_line):
    ask = press(app, fake_line, "action=lookup_code")[0]
    assert ask["text"] == phrase("lookup_ask_code", "th")
    assert next(a["data"] for a in quick(ask)) == "action=category&key=food"
    card = standard_card(chat(app, fake_line, "๑๒๙ ค่ะ"))
    assert card["altText"] == "มผช. 129/2546 น้ำพริกแกง"


def test_lookup_button_then_something_else_is_routed_as_usual(app, fake_line):
    press(app, fake_line, "action=lookup_code")
    assert chat(app, fake_line, "ขอบคุณค่ะ")[0]["text"] == phrase("thanks", "th")
    press(app, fake_line, "action=lookup_code")
    assert chat(app, fake_line, "อะไรนะ")[0]["text"] == phrase("lookup_not_understood", "th")
    assert chat(app, fake_line, "อะไรนะ")[0]["text"] != phrase("lookup_not_understood", "th")  # asked once only


# ---- category ---------------------------------------------------------------------------------------------


def test_category_lists_our_standards_of_that_group(app, fake_line):
    messages = chat(app, fake_line, "มาตรฐานหมวดอาหารมีอะไรบ้าง")
    assert len(messages) == 1 and messages[0]["type"] == "flex"
    food = sorted((s for s in get_brain().bundle.standards if s.category == "food" and s.is_current),
                  key=lambda s: s.number)
    contents = messages[0]["contents"]
    assert contents["type"] == "carousel"
    shown = flex_texts(contents)
    assert all(s.name in shown and s.code in shown for s in food)
    picks = [a["data"] for a in flex_actions(contents) if a["type"] == "postback"]
    assert picks == [f"action=lookup&n={s.number}" for s in food]
    assert TISI_LIST in [a["uri"] for a in flex_actions(contents) if a["type"] == "uri"]
    assert phrase("lookup_category_count", "th", count=len(food)) in shown
    assert [a["data"] for a in quick(messages[0])] == [f"action=lookup&n={s.number}" for s in food[:13]]
    card = standard_card(press(app, fake_line, picks[-1]))
    assert card["altText"] == f"{food[-1].code} {food[-1].name}"


def test_category_in_english_and_by_button(app, fake_line):
    messages = chat(app, fake_line, "list textile standards", OTHER)
    shown = flex_texts(messages[0]["contents"])
    assert phrase("lookup_category_title", "en", label="Textiles and clothing") in shown
    assert "TCPS 247/2552" in shown and "TCPS 247/2547" not in shown  # current editions only
    by_button = press(app, fake_line, "action=category&key=herbal")
    assert "มาตรฐานหมวดสมุนไพรที่ไม่ใช่อาหารและยา" in flex_texts(by_button[0]["contents"])


@pytest.mark.parametrize("data", ["action=category&key=nope", "action=lookup&n=abc", "action=lookup",
                                  "action=lookup&n=" + "9" * 40, "action=lookup&n=-5"])
def test_bad_postbacks_fall_back_to_the_code_question(app, fake_line, data):
    assert press(app, fake_line, data)[0]["text"] == phrase("lookup_ask_code", "th")


def test_strange_characters_in_unanswered_and_officer_questions_are_stored(db_app, fake_line):
    odd = "\u200bขายใน\u0000เซเว่นได้ไหม 🙏🏽\ufeff ก\u0e49\u0e49"
    send = quick(chat(db_app, fake_line, odd)[0])[0]
    sent = send_to_officer(db_app, fake_line, USER, press(db_app, fake_line, send["data"])[0])
    assert sent[0]["text"].startswith(phrase("officer_sent", "th", question="")[:20])
    chat(db_app, fake_line, "ขอคุยกับเจ้าหน้าที่")
    send_to_officer(db_app, fake_line, USER, chat(db_app, fake_line, "ถาม\u0000อีกข้อ")[0])
    with db_app.app_context():
        stored = [q.text for q in pending_questions(db.session)]
        assert len(stored) == 2 and all("\u0000" not in t for t in stored)
        assert "เซเว่น" in stored[0] and stored[1] == "ถามอีกข้อ"


@pytest.mark.parametrize("q", ["99999999999999999999", "abc", "-1", "๑"])
def test_forged_officer_postbacks_just_ask_for_the_question(db_app, fake_line, q):
    assert press(db_app, fake_line, f"action=officer&q={q}")[0]["text"] == phrase("officer_ask_question", "th")
    assert questions_in_db(db_app) == []


def test_phone_and_id_numbers_are_never_stored_with_questions(db_app, fake_line):
    chat(db_app, fake_line, "ขอคุยกับเจ้าหน้าที่")
    shown = chat(db_app, fake_line, "โทรกลับที่ 081-234-5678 หรือเช็คบัตร 1-2345-67890-12-3 ได้ไหม")[0]
    assert "5678" not in shown["text"] and "[ปกปิด]" in shown["text"]  # the confirmation shows what is stored
    sent = send_to_officer(db_app, fake_line, USER, shown)[0]["text"]
    assert "5678" not in sent and "[ปกปิด]" in sent
    chat(db_app, fake_line, "ขอคุยกับเจ้าหน้าที่", OTHER)
    shown = chat(db_app, fake_line, "ติดต่อกลับเบอร์ 0812345678 นะคะ ร้านอยู่ข้างตลาด", OTHER)[0]
    send_to_officer(db_app, fake_line, OTHER, shown)
    with db_app.app_context():
        asked = [q.text for q in questions_in_db(db_app)]
        stored = asked + list(db.session.scalars(select(UnmatchedQuery.example)))
        assert len(asked) == 2 and all("5678" not in t and "67890" not in t for t in stored)
