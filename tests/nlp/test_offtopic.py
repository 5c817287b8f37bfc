"""Off-topic messages (weather, prices, lottery, recipes, sport, chit-chat) and the in-scope messages
that contain the same words. Examples are separate from tests/data/intent_offtopic*.tsv (the benchmark)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.nlp.offtopic import CUED, GUESSED

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("text", [
    "ราคาทองวันนี้เท่าไหร่",
    "ราคาทองวันนี้เท่าไหร่คะ",
    "ขอเลขเด็ดงวดนี้ด้วยค่ะ",
    "หวยงวด ๑๖ ออกอะไร",  # Thai digits: not a standard number
    "วิธีทำต้มยำ",
    "ผลบอลคืนนี้",
    "นายกคนใหม่ชื่ออะไร",
    "เล่ามุกตลกหน่อย",
    "ดูดวงราศีตุลย์ให้หน่อยค่ะ",
    "ฝนจะตกมั้ยวันนี้",
    "หวยออกยัง",  # not a status question
    "What's the gold price today?",
    "tell me your horoscope",
])
def test_off_topic_is_recognised(classifier, text):
    result = classifier.classify(text)
    assert (result.intent, result.confidence) == ("off_topic", CUED), result
    assert "faq_id" not in result.entities


@pytest.mark.parametrize(("text", "intent"), [
    ("ค่าธรรมเนียมขอ มผช. ราคาเท่าไหร่", "faq"),
    ("ทำน้ำพริกขาย ต้องขอ มผช. อะไร", "product_standard"),
    ("สูตรน้ำพริกต้องขอมาตรฐานไหม", "product_standard"),
    ("ทองหยอด", "product_standard"),
    ("ข้าวหลาม", "product_standard"),
    ("ทองหยอดขายดี ขอ มผช ได้ไหม", "product_standard"),
    ("หุ้นส่วนของกลุ่มต้องลงชื่อในคำขอไหม", "faq"),
    ("ขอคุยกับเจ้าหน้าที่เรื่องราคาทอง", "officer"),
    ("I make banana chips", "product_standard"),
    ("which standard for dried mango?", "product_standard"),
    ("บริษัทขอได้มั้ยคะ", "faq"),  # real words, no FAQ close, but a producer's question: not guessed off-topic
])
def test_in_scope_messages_with_off_topic_words_stay_in_scope(classifier, text, intent):
    assert classifier.classify(text).intent == intent, classifier.classify(text)


def test_fee_faq_is_not_taken_for_a_gold_price(classifier):
    assert classifier.classify("ค่าธรรมเนียมขอ มผช. ราคาเท่าไหร่").entities["faq_id"] == "fee"
    assert classifier.classify("ราคาทองวันนี้เท่าไหร่").intent == "off_topic"


def test_real_words_about_nothing_known_are_guessed_off_topic(classifier):
    result = classifier.classify("ทำไมพระอาทิตย์ขึ้นทางทิศตะวันออก")
    assert (result.intent, result.confidence) == ("off_topic", GUESSED)


@pytest.mark.parametrize("text", ["asdfghjkl", "zzz", "qwerty zxcv", "ๅ/-ภถุ"])
def test_keyboard_mashing_is_not_guessed_off_topic(classifier, text):
    assert classifier.classify(text).intent != "off_topic"


@pytest.mark.parametrize(("text", "intent"), [
    ("ขอบคุณค่ะ 555", "thanks"),  # laughter after thanks is thanks
    ("555", "off_topic"),
    ("สวัสดีค่ะ วันนี้ฝนจะตกไหม", "off_topic"),
    ("how do I make green curry", "off_topic"),  # a cooking question, not a producer's "I make …"
    ("I make green curry paste", "product_standard"),
])
def test_social_words_and_cooking_questions(classifier, text, intent):
    assert classifier.classify(text).intent == intent


@pytest.mark.parametrize(("name", "minimum"), [("intent_offtopic", 80), ("intent_offtopic_holdout", 30)])
def test_the_off_topic_benchmark_sets_are_there(name, minimum):
    with (DATA / f"{name}.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:]
    assert len(rows) >= minimum
    assert {row[1] for row in rows} == {"off_topic"}
    assert any(not any("\u0e00" <= ch <= "\u0e7f" for ch in row[0]) for row in rows)  # English too
