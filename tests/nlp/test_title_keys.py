"""Standards known only by their official titles (as they arrive from TISI's list) are still found."""
from __future__ import annotations

import dataclasses

import pytest

from bot.nlp.knowledge import KnowledgeBundle
from bot.nlp.matcher import Matcher
from bot.nlp.preprocess import title_words as split_title
from bot.nlp.records import CHOOSE, MATCH, NOT_IN_KNOWLEDGE, StandardRecord
from bot.nlp.title_keys import (
    WEIGHT_HEAD,
    WEIGHT_KIND,
    WEIGHT_STRIPPED,
    WEIGHT_VARIANT,
    TitleWords,
    derive_title_terms,
    plain_heads,
)


def record(number: int, name: str, name_en: str = "") -> StandardRecord:
    return StandardRecord(number, 2567, f"มผช. {number}/2567", name, "food", (), "test", None, name_en=name_en)


@pytest.fixture(scope="module")
def vocab(bundle: KnowledgeBundle) -> TitleWords:
    return bundle.lexicons["title_words"]


def terms(vocab: TitleWords, *records: StandardRecord) -> dict[str, float]:
    return {term: weight for term, _number, weight in derive_title_terms(records, vocab, split_title)}


def test_generic_prefix_is_dropped(vocab: TitleWords) -> None:
    found = terms(vocab, record(23, "ผลิตภัณฑ์เครื่องเงิน"))
    assert found["เครื่องเงิน"] == WEIGHT_STRIPPED


def test_made_from_gives_a_broad_key_and_no_verb_head(vocab: TitleWords) -> None:
    found = terms(vocab, record(970, "ผลิตภัณฑ์ประดิษฐ์จากเมล็ดพืช", "PRODUCTS MADE FROM SEED"))
    assert found["เมล็ดพืช"] == WEIGHT_HEAD and found["seed"] == WEIGHT_HEAD
    assert "ประดิษฐ์" not in found


def test_parts_of_a_and_b_are_keys(vocab: TitleWords) -> None:
    found = terms(vocab, record(9001, "ผ้าห่มและผ้านวม"), record(990, "ชุดกูรง", "BLOUSES AND SKIRTS, GU-RONG STYLE"))
    assert found["ผ้าห่ม"] == WEIGHT_STRIPPED and found["ผ้านวม"] == WEIGHT_STRIPPED
    # one English word alone is broad; the style after the comma qualifies both
    assert found["blouse"] == WEIGHT_HEAD and found["skirt"] == WEIGHT_HEAD


def test_head_noun_first_in_thai_last_in_english(vocab: TitleWords) -> None:
    found = terms(vocab, record(2, "ไวน์ผลไม้", "FRUIT WINE"), record(840, "ชุดสตรีไทยพระราชนิยม",
                                                                     "THAI CLASSICAL COSTUME FOR LADIES"))
    assert found["ไวน์"] == WEIGHT_HEAD and found["wine"] == WEIGHT_HEAD
    assert found["fruit wine"] == WEIGHT_STRIPPED
    assert found["costume"] == WEIGHT_HEAD and "ladie" not in found


def test_a_broad_first_word_takes_the_next_one_along(vocab: TitleWords) -> None:
    found = terms(vocab, record(281, "น้ำเฉาก๊วย"), record(167, "ใบบัวบกผงชงดื่ม"))
    assert found["เฉาก๊วย"] == WEIGHT_HEAD and found["ใบบัวบก"] == WEIGHT_HEAD
    assert "น้ำ" not in found and "ใบ" not in found


def test_everyday_words_replace_title_words(vocab: TitleWords) -> None:
    found = terms(vocab, record(907, "ผลิตภัณฑ์ทำความสะอาดมือ"))
    assert "ล้างมือ" in found and found["ล้างมือ"] < WEIGHT_STRIPPED


def test_superseded_and_withdrawn_editions_give_no_keys(vocab: TitleWords) -> None:
    old = dataclasses.replace(record(2, "ไวน์ผลไม้"), superseded_by="มผช. 2/2567")
    gone = dataclasses.replace(record(5, "ผ้าขาวม้า"), withdrawn=True)
    assert terms(vocab, old, gone) == {}


def test_a_title_word_that_lost_its_tone_marks_still_has_its_everyday_words(vocab: TitleWords) -> None:
    found = terms(vocab, record(36, "ข้าวแตน"))  # as PDF text spells ข้าวแต๋น
    assert found["ข้าวแต๋น"] == WEIGHT_VARIANT and found["นางเล็ด"] == WEIGHT_VARIANT


def test_well_known_kinds_of_a_title_word_are_broad_keys(vocab: TitleWords) -> None:
    found = terms(vocab, record(1, "ขนมไทย"), record(40, "ผลิตภัณฑ์จักสานไม้ไผ่"))
    assert found["ทองหยอด"] == WEIGHT_KIND and found["กระด้ง"] == WEIGHT_KIND
    assert "กระด้ง" not in terms(vocab, record(9002, "ผลิตภัณฑ์จักสานหวาย"))  # กระด้ง are bamboo


def test_kinds_need_the_general_word_as_a_key() -> None:
    vocab = TitleWords.from_mapping({"kinds": {"ขนมไทย": ["ทองหยอด"]}})
    assert "ทองหยอด" not in terms(vocab, record(1044, "ขนมเบื้อง"))
    assert "ทองหยอด" in terms(vocab, record(1, "ขนมไทย"))


def test_a_head_and_a_process_word_name_the_head_in_general(vocab: TitleWords) -> None:
    heads = plain_heads([record(321, "น้ำพริกผัด"), record(129, "น้ำพริกแกง"), record(9003, "ผลิตภัณฑ์กล้วยอบ")], vocab)
    assert heads["น้ำพริก"] == {321} and heads["กล้วย"] == {9003}
    assert all(129 not in numbers for numbers in heads.values())


def test_malformed_title_words_are_refused() -> None:
    with pytest.raises(ValueError, match="synonyms"):
        TitleWords.from_mapping({"synonyms": ["ล้างมือ"]})
    with pytest.raises(ValueError, match="prefixes"):
        TitleWords.from_mapping({"prefixes": "ผลิตภัณฑ์"})
    with pytest.raises(ValueError, match="kinds"):
        TitleWords.from_mapping({"kinds": {"ขนมไทย": "ทองหยอด"}})


# ------------------------------------------------------------------ titles only, end to end
def numbers(result) -> list[int]:
    return [c.number for c in result.candidates]


@pytest.mark.parametrize(("query", "number"), [
    ("ทำเครื่องเงินขายครับ", 23),        # "ผลิตภัณฑ์…" left out
    ("จักสานไม้ไผ่ค่ะ", 40),
    ("เจลล้างมือค่ะ", 907),              # an everyday word for a title word
    ("fruit wine please", 2),            # the English title
    ("hair conditioner", 93),
])
def test_titles_alone_give_a_confident_match(titles_only: Matcher, query: str, number: int) -> None:
    result = titles_only.match(query)
    assert result.verdict == MATCH and numbers(result) == [number], result


@pytest.mark.parametrize(("query", "expected"), [
    ("ไส้กรอกไก่", {144, 330}),          # shares only its head: a choice, never a match
    ("น้ำพริกเผา", {129, 321}),
    ("ไวน์มะเม่าสกลนครค่ะ", {2}),
    ("เฉาก๊วยน้ำ", {281}),
    ("ใบบัวบกอบแห้ง", {167, 1437}),
])
def test_a_shared_head_offers_the_close_standards(titles_only: Matcher, query: str, expected: set[int]) -> None:
    result = titles_only.match(query)
    assert result.verdict == CHOOSE and expected <= set(numbers(result)), result


def test_the_words_after_a_shared_head_order_the_choice(titles_only: Matcher) -> None:
    assert numbers(titles_only.match("ใบบัวบกอบแห้ง"))[0] == 1437  # ใบบัวบก*แห้ง*ชงดื่ม
    assert numbers(titles_only.match("ใบบัวบกผงค่ะ"))[0] == 167     # ใบบัวบก*ผง*ชงดื่ม


def test_a_not_covered_head_is_not_taken_over_by_what_describes_it(titles_only: Matcher) -> None:
    # "สบู่เหลว" is a community product outside our list; "ล้างมือ" only says what it is for
    assert titles_only.match("สบู่เหลวล้างมือ").verdict == NOT_IN_KNOWLEDGE
    assert titles_only.match("เทียนหอมไขถั่วเหลือง").verdict == NOT_IN_KNOWLEDGE


def test_english_question_words_are_not_part_of_the_product(matcher: Matcher) -> None:
    assert matcher.match("I make dried mango, which standard?").products == ("dried mango",)
    assert matcher.match("We sell banana chips. Which TCPS do we need?").products == ("banana chips",)
    result = matcher.match("orange juice please")  # "or" inside "orange" is not the word "or"
    assert result.products == ("orange juice",)


@pytest.mark.parametrize(("query", "first"), [
    ("ทองหยอด ฝอยทอง ขายที่ตลาด", 1),   # well-known kinds of ขนมไทย
    ("กระด้ง กระบุง ค่ะ", 40),          # … and of จักสานไม้ไผ่
    ("ขนมฝอยทองค่ะ", 1),               # a class word glued before a kind: the kind decides
    ("ชาลูกใต้ใบ", 1196),              # ชา|ลูกใต้ใบ: a drink of ลูกใต้ใบ first, ชา after
    ("น้ำพริกนรก", 321),               # no word tells them apart: น้ำพริก|ผัด is the plain kind
    ("เครื่องแกงใต้ค่ะ", 129),          # an everyday word for น้ำพริกแกง
])
def test_general_knowledge_finds_and_orders_the_standard(titles_only: Matcher, query: str, first: int) -> None:
    result = titles_only.match(query)
    assert result.verdict in (MATCH, CHOOSE) and numbers(result)[0] == first, result


def test_a_kind_of_one_material_is_not_offered_for_another(titles_only: Matcher) -> None:
    assert titles_only.match("ตะกร้าหวาย").verdict == NOT_IN_KNOWLEDGE  # rattan, not bamboo


def test_a_short_head_inside_a_compound_word_is_only_a_choice(titles_only: Matcher) -> None:
    result = titles_only.match("ชาเขียวค่ะ")  # ชา|เขียว: a kind of ชา
    assert result.verdict == CHOOSE and numbers(result) == [120]
    assert titles_only.match("น้ำปลาค่ะ").verdict == NOT_IN_KNOWLEDGE  # น้ำ|ปลา holds no ปลา
