"""Query preprocessing: normalisation, chat fillers, phrase splitting, references."""
from __future__ import annotations

import pytest
from pythainlp.tokenize import word_tokenize

from bot.nlp.matcher import Matcher
from bot.nlp.preprocess import LayeredTrie, Phrase, QueryPreprocessor, StandardRef, default_word_trie


@pytest.fixture(scope="module")
def prep(matcher: Matcher) -> QueryPreprocessor:
    return matcher.preprocessor


def texts(prep: QueryPreprocessor, query: str) -> list[str]:
    return [p.text for p in prep.prepare(query).phrases]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ", ["น้ำพริกตาแดง"]),
        ("สวัสดีค่ะ รบกวนสอบถามค่ะ ไข่เค็มใช้มาตรฐานอะไรคะ", ["ไข่เค็ม"]),
        ("หมูยอได้ไหมครับ", ["หมูยอ"]),
        ("ผลิตภัณฑ์จากเปลือกปูค่ะ", ["เปลือกปู"]),
        ("ขอเลขมผช.หน่อยค่ะ", []),
    ],
)
def test_fillers_are_dropped(prep: QueryPreprocessor, query: str, expected: list[str]) -> None:
    assert texts(prep, query) == expected


@pytest.mark.parametrize(
    "query",
    ["ไข่เค็มกับปลาส้ม", "ไข่เค็ม และ ปลาส้ม", "ไข่เค็ม, ปลาส้ม", "ไข่เค็ม+ปลาส้ม", "ไข่เค็มแล้วก็ปลาส้ม",
     "ทำไข่เค็ม ขายปลาส้ม"],
)
def test_separators_split_products(prep: QueryPreprocessor, query: str) -> None:
    assert texts(prep, query) == ["ไข่เค็ม", "ปลาส้ม"]


def test_glue_word_is_dropped_without_splitting(prep: QueryPreprocessor) -> None:
    [phrase] = prep.prepare("ทำชาจากใบหม่อนขาย").phrases
    assert phrase.text == "ชาใบหม่อน"
    assert phrase.display == "ชาจากใบหม่อน"


def test_spaces_inside_a_product_are_kept_for_display_only(prep: QueryPreprocessor) -> None:
    [phrase] = prep.prepare("Hand  Sanitizer ค่ะ").phrases
    assert phrase.text == "handsanitizer"
    assert phrase.display == "hand sanitizer"
    assert phrase.display_span(0, 4) == "hand"


def test_thai_digits_and_repeated_letters_are_normalised(prep: QueryPreprocessor) -> None:
    assert texts(prep, "กาแฟ ๓ in ๑ ค่าาาา") == ["กาแฟ3in1"]


def test_references_are_taken_out_in_order(prep: QueryPreprocessor) -> None:
    items = prep.prepare("มผช. ๒๗/๒๕๔๖ กับ หมูยอ และ TCPS 93").items
    assert items[0] == StandardRef(27, 2546)
    assert isinstance(items[1], Phrase) and items[1].text == "หมูยอ"
    assert items[2] == StandardRef(93, None)


def test_digits_only_phrase_is_not_meaningful(prep: QueryPreprocessor) -> None:
    assert [p.is_meaningful for p in prep.prepare("ไข่เค็ม, 30").phrases] == [True, False]


def test_layered_trie_adds_words_without_copying_the_default_one() -> None:
    trie = LayeredTrie(default_word_trie(), ["ข้าวแต๋นน้ำแตงโม"])
    assert "ข้าวแต๋นน้ำแตงโม" in trie and "ข้าว" in trie and "ข้าวแต๋นน้ำแตงโม" not in default_word_trie()
    assert len(trie) == len(default_word_trie()) + 1
    assert word_tokenize("ข้าวแต๋นน้ำแตงโมค่ะ", custom_dict=trie, engine="newmm")[0] == "ข้าวแต๋นน้ำแตงโม"


def test_a_compound_token_ends_its_short_head_but_no_key_starts_inside_it(prep: QueryPreprocessor) -> None:
    [tea] = prep.prepare("ชาเขียวค่ะ").phrases
    assert tea.boundaries == {7} and tea.head_ends == {2}  # ชา|เขียว: a green tea is a ชา
    [sauce] = prep.prepare("น้ำปลา").phrases
    assert 3 in sauce.head_ends and 3 not in sauce.boundaries  # น้ำ|ปลา holds no ปลา to match
