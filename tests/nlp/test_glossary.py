"""English product words in Thai: an English query finds a standard that has only a Thai title."""
from __future__ import annotations

import re

import pytest

from bot.nlp.glossary import Glossary
from bot.nlp.knowledge import KnowledgeBundle
from bot.nlp.matcher import Matcher
from bot.nlp.records import CHOOSE, MATCH, NOT_COMMUNITY_PRODUCT, NOT_IN_KNOWLEDGE

SMALL = Glossary.from_mapping({"words": {
    "Salted": "เค็ม", "egg": "ไข่", "century egg": "ไข่เยี่ยวม้า", "coffee": "กาแฟ", "mix": "ผสม",
    "dried": "อบแห้ง", "basket": "ตะกร้า", "berry": "เบอร์รี่",
}})


def numbers(result) -> list[int]:
    return [c.number for c in result.candidates]


def test_entries_are_normalised() -> None:
    assert SMALL.words["salted"] == "เค็ม" and SMALL.longest == 2


def test_longest_entry_first_unknown_words_left_out_plurals_found() -> None:
    assert SMALL.translate(["century", "egg"]) == ["ไข่เยี่ยวม้า"]
    assert SMALL.translate(["salted", "duck", "eggs"]) == ["เค็ม", "ไข่"]
    assert SMALL.translate(["baskets", "berries"]) == ["ตะกร้า", "เบอร์รี่"]


def test_head_first_then_as_written() -> None:
    assert SMALL.renderings(["salted", "egg"]) == ["ไข่เค็ม", "เค็มไข่"]
    assert SMALL.renderings(["coffee", "mix"]) == ["ผสมกาแฟ", "กาแฟผสม"]
    assert SMALL.renderings(["basket"]) == ["ตะกร้า"]


def test_thai_words_stay_in_place() -> None:
    assert SMALL.renderings(["salted", "egg", "ไชยา"])[0] == "ไข่เค็มไชยา"
    assert SMALL.renderings(["ไข่", "smartphone"]) == []  # no English word it knows
    assert SMALL.renderings(["ไข่เค็ม"]) == []


@pytest.mark.parametrize("data", [{"words": ["mango"]}, {"words": {"mango": ["มะม่วง"]}},
                                  {"words": {"มะม่วง": "มะม่วง"}}, {"words": {"mango": ""}},
                                  {"words": {"mango": "mango"}}])
def test_malformed_glossary_is_refused(data: dict) -> None:
    with pytest.raises(ValueError, match="en_th_glossary"):
        Glossary.from_mapping(data)


def test_the_shipped_glossary_is_english_to_thai(bundle: KnowledgeBundle) -> None:
    glossary: Glossary = bundle.lexicons["glossary"]
    assert len(glossary.words) > 200
    assert all(re.fullmatch(r"[a-z' -]+", english) for english in glossary.words)
    assert all(re.fullmatch("[\u0e01-\u0e4e]+", thai) for thai in glossary.words.values())


# ------------------------------------------------------------------ through the matcher, titles only
@pytest.mark.parametrize(("query", "number"), [
    ("salted egg ค่ะ", 27),          # ไข่เค็ม
    ("crispy pork", 1153),           # หมูกรอบ
    ("isan sausage", 144),           # ไส้กรอกอีสาน
    ("painted stone", 799),          # หินเขียนลาย
    ("coffee mix ครับ", 1315),        # as written: กาแฟผสม
])
def test_an_english_query_finds_a_thai_title(titles_only: Matcher, query: str, number: int) -> None:
    result = titles_only.match(query)
    assert result.verdict == MATCH and numbers(result) == [number], result
    assert result.products == (query.split(" ค")[0],)  # shown as the user wrote it


def test_english_kinds_and_heads_are_a_choice(titles_only: Matcher) -> None:
    basket = titles_only.match("bamboo baskets")  # ตะกร้าไม้ไผ่, a kind of จักสานไม้ไผ่
    assert basket.verdict == CHOOSE and numbers(basket) == [40]
    assert set(numbers(titles_only.match("smoked sausage"))) == {144, 330}  # ไส้กรอก…: which one?


def test_english_without_a_standard_stays_not_covered(titles_only: Matcher) -> None:
    assert titles_only.match("dried mango").verdict == NOT_IN_KNOWLEDGE  # not มะม่วงแห้ง ~ มะม่วงกวน
    assert titles_only.match("rattan basket").verdict == NOT_IN_KNOWLEDGE
    assert titles_only.match("smartphone").verdict == NOT_COMMUNITY_PRODUCT


def test_a_confident_english_match_is_kept(matcher: Matcher, titles_only: Matcher) -> None:
    assert numbers(titles_only.match("fruit wine")) == [2]  # its English title
    assert numbers(matcher.match("salted egg")) == [27]
