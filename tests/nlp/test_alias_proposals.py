"""What officers are offered as an alias: the product of the user's message, not the sentence; several
products split, one unspaced name kept whole; and whether a new alias answers a stored query."""
from __future__ import annotations

import pytest

from bot.nlp.alias_proposals import (
    ProposalWords,
    alias_answers,
    product_key,
    proposal_words,
    propose_aliases,
    same_product,
)

WORDS = ProposalWords(frozenset({"อยากได้", "have", "sell"}), frozenset({"กิโล", "kg", "บาท"}))


@pytest.mark.parametrize(("message", "expected"), [
    ("i sell chili paste", ["chili paste"]),
    ("I want a standard for my banana chips please", ["banana chips"]),
    ("do you have a standard for coconut oil?", ["coconut oil"]),
    ("กระเป๋าผักตบชวา ต้องขอ มผช อะไร", ["กระเป๋าผักตบชวา"]),  # one name, not two products
    ("กระเป๋า ผักตบชวา ต้องขอมาตรฐานอะไรคะ", ["กระเป๋าผักตบชวา"]),
    ("กระเป๋า, ผักตบชวา", ["กระเป๋า", "ผักตบชวา", "กระเป๋าผักตบชวา"]),  # a comma only: perhaps one product
    ("หนูขายผ้ามัดย้อมกับกระเป๋าผ้าค่ะ", ["ผ้ามัดย้อม", "กระเป๋าผ้า"]),  # "กับ": two products
    ("ผลิตข้าวเกรียบ กับ กล้วยตาก ค่ะ", ["ข้าวเกรียบ", "กล้วยตาก"]),
    ("อยากได้ มผช. น้ำปลาร้า", ["น้ำปลาร้า"]),
    ("สวัสดีค่ะ แม่ทำขนมเปี๊ยะขาย ต้องขอ มผช อะไร", ["ขนมเปี๊ยะ"]),
    ("ขนมจีนน้ำยา 2 กิโล", ["ขนมจีนน้ำยา"]),
    ("มีมาตรฐานของน้ำผึ้งป่าไหมครับ", ["น้ำผึ้งป่า"]),
    ("ค่ะ", []),
])
def test_the_product_of_a_real_message_is_proposed(matcher, message, expected):
    phrases = [p.display for p in matcher.preprocessor.prepare(message).phrases if p.is_meaningful]
    assert propose_aliases(phrases, proposal_words(), message) == expected


def test_leftover_chat_words_quantities_and_repeats_are_dropped():
    assert propose_aliases(["อยากได้น้ำพริก", "have", "น้ำพริก", "12 บาท"], WORDS) == ["น้ำพริก"]
    assert propose_aliases(["sell dried mango 5 kg"], WORDS) == ["dried mango"]
    assert propose_aliases(["น้ำพริก", "ปลาส้ม"], WORDS, "น้ำพริกและปลาส้ม") == ["น้ำพริก", "ปลาส้ม"]


def test_spellings_of_one_product():
    assert product_key("ผ้าไหม มัดหมี่") == product_key("ผ้าไหมมัดหมี่")
    assert same_product("น้ำพริกเผา", "น้ำพริกเผ่า") and same_product("Chili Paste", "chili paste")
    assert not same_product("ผ้าไหม", "ผ้าฝ้าย") and not same_product("", "")


def test_an_alias_answers_a_query_with_that_product_or_containing_it():
    assert alias_answers("ผักตบชวา", ["กระเป๋าผักตบชวา"])
    assert alias_answers("กระเป๋าผักตบชวา", ["กระเป๋า ผักตบชวา"])
    assert not alias_answers("ผ้าไหม", ["สบู่สมุนไพร", "กระเป๋าผ้า"])
    assert not alias_answers("ก", ["ก"])  # too short to mean anything
