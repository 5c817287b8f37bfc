"""Matcher behaviour on the kinds of messages producers send in LINE."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlp.knowledge import KnowledgeBundle
from bot.nlp.matcher import CHOOSE_THRESHOLD, MATCH_THRESHOLD, Matcher
from bot.nlp.records import (
    CHOOSE,
    MATCH,
    NOT_COMMUNITY_PRODUCT,
    NOT_IN_KNOWLEDGE,
    VERDICTS,
    AliasRecord,
    MatchResult,
)


def numbers(result: MatchResult) -> list[int]:
    return [c.number for c in result.candidates]


def assert_match(result: MatchResult, number: int) -> None:
    assert result.verdict == MATCH, result
    assert numbers(result)[0] == number, result


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("ทำน้ำพริกแกงขายค่ะ ต้องขอ มผช. อะไรคะ", 129),
        ("หมูยอ ใช้มาตรฐานไรครับ", 102),
        ("ขอเลขมผช.ของไข่เค็มหน่อยจ้า", 27),
        ("ปลาส้มนะคะ ได้ไหม", 26),
        ("ผลิตหมูหยองค่า", 99),
    ],
)
def test_chat_particles_and_question_words_are_ignored(matcher: Matcher, query: str, number: int) -> None:
    result = matcher.match(query)
    assert_match(result, number)
    assert all(w not in "".join(result.products) for w in ("ค่ะ", "คะ", "ครับ", "มผช", "ขาย", "ทำ"))


def test_product_phrase_is_reported(matcher: Matcher) -> None:
    assert matcher.match("ทำน้ำพริกแกงขายค่ะ ต้องขอ มผช. อะไรคะ").products == ("น้ำพริกแกง",)


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("ใส้กรอกอีสาน", 144),   # ใ instead of ไ
        ("ไข่เยียวม้า", 149),     # missing tone mark
        ("น้ำพิกแกงคั่ว", 129),   # dropped ร
        ("ข้าวตังหน้าหมูยอง", 28),  # dropped ห
        ("หมุยอค่ะ", 102),         # ุ for ู
    ],
)
def test_misspellings(matcher: Matcher, query: str, number: int) -> None:
    assert numbers(matcher.match(query))[:1] == [number]


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("ขนมนางเล็ดค่ะ", 36),   # central name of ข้าวแต๋น
        ("ปาส้มค่ะ", 26),         # Isan spelling of ปลาส้ม
        ("เครื่องแกงใต้", 129),    # southern word for curry paste
        ("บาจูกูรง", 990),
    ],
)
def test_regional_names(matcher: Matcher, query: str, number: int) -> None:
    assert_match(matcher.match(query), number)


def test_thai_digits_in_a_code_reference(matcher: Matcher) -> None:
    result = matcher.match("ผ้าพันคอ มผช ๒๔๗ ใช่ไหมคะ")
    assert_match(result, 247)


def test_thai_digits_inside_a_product_name(matcher: Matcher) -> None:
    assert_match(matcher.match("กาแฟ ๓ in ๑ ค่ะ"), 1315)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ทำน้ำพริกแกงกับหมูยอขาย", [129, 102]),
        ("ขายไข่เค็ม และ ปลาส้ม", [27, 26]),
        ("หมูหยอง, หมูยอ", [99, 102]),
        ("ไข่เค็มปลาส้ม", [27, 26]),  # no separator at all
        ("ขายหมูยอ หมูหยอง และกุนเชียงปลา", [102, 99, 104]),
    ],
)
def test_several_products(matcher: Matcher, query: str, expected: list[int]) -> None:
    result = matcher.match(query)
    assert result.verdict == MATCH
    assert numbers(result) == expected
    assert len(result.products) == len(expected)


@pytest.mark.parametrize(
    ("query", "number"),
    [("shampoo สมุนไพร", 92), ("ทำ wine ผลไม้", 2), ("hand sanitizer ค่ะ", 907), ("Salted Egg", 27)],
)
def test_english_and_mixed(matcher: Matcher, query: str, number: int) -> None:
    assert_match(matcher.match(query), number)


@pytest.mark.parametrize(
    "query",
    ["ขายรถยนต์มือสองครับ", "ร้านซ่อมมอเตอร์ไซค์", "ขายมือถือค่ะ", "ยาแก้ไอเด็ก", "ตัดผมชาย", "ร้านกาแฟสด"],
)
def test_not_community_products(matcher: Matcher, query: str) -> None:
    result = matcher.match(query)
    assert result.verdict == NOT_COMMUNITY_PRODUCT
    assert result.candidates == ()


@pytest.mark.parametrize(
    "query",
    ["สบู่สมุนไพรค่ะ", "ลูกประคบสมุนไพร", "ผ้าไหมมัดหมี่", "น้ำส้มสายชูหมัก", "กาแฟคั่วบด", "แคบหมูไร้มัน"],
)
def test_community_products_not_in_our_data(matcher: Matcher, query: str) -> None:
    result = matcher.match(query)
    assert result.verdict == NOT_IN_KNOWLEDGE
    assert result.candidates == ()


def test_unknown_words_are_not_in_knowledge(matcher: Matcher) -> None:
    result = matcher.match("หมอนขิดค่ะ")
    assert result.verdict == NOT_IN_KNOWLEDGE
    assert result.products == ("หมอนขิด",)


def test_code_we_do_not_have_is_not_in_knowledge(matcher: Matcher) -> None:
    assert matcher.match("มผช. 1234/2550 คืออะไร").verdict == NOT_IN_KNOWLEDGE


def test_broad_word_gives_a_short_list(matcher: Matcher) -> None:
    result = matcher.match("ทำน้ำพริกขายค่ะ")
    assert result.verdict == CHOOSE
    assert set(numbers(result)) == {129, 321}
    assert all(CHOOSE_THRESHOLD <= c.score < MATCH_THRESHOLD for c in result.candidates)


def test_shared_alias_gives_a_short_list(matcher: Matcher) -> None:
    result = matcher.match("ใบบัวบก")
    assert result.verdict == CHOOSE
    assert set(numbers(result)) == {167, 1437}


@pytest.mark.parametrize(
    ("query", "number", "code"),
    [
        ("ครีมนวดผม", 93, "มผช. 93/2553"),            # name of the 2547 edition
        ("เสื้อเตอะโละบลางอ", 1280, "มผช. 1280/2555"),  # old spelling of the name
        ("มผช. 907/2554", 907, "มผช. 907/2563"),       # explicit old code
        ("ผ้าพันคอ", 247, "มผช. 247/2552"),
    ],
)
def test_superseded_editions_never_win(matcher: Matcher, query: str, number: int, code: str) -> None:
    result = matcher.match(query)
    assert_match(result, number)
    assert result.candidates[0].code == code
    assert len({c.number for c in result.candidates}) == len(result.candidates)


def test_head_word_beats_a_similar_whole_phrase(matcher: Matcher) -> None:
    # "ข้าวแต๋นหน้าหมูหยอง" looks like ข้าวตังหน้าหมูหยอง (28) but is ข้าวแต๋น.
    assert numbers(matcher.match("ข้าวแต๋นหน้าหมูหยอง"))[0] == 36


def test_short_key_inside_a_longer_word_is_not_a_hit(matcher: Matcher) -> None:
    # "ชา" (tea) must not be found inside "ชาวบ้าน" (villagers).
    assert 120 not in numbers(matcher.match("ชาวบ้านทำไข่เค็ม"))


def test_k_limits_candidates(matcher: Matcher) -> None:
    assert len(matcher.match("ไส้กรอก", k=1).candidates) == 1
    assert len(matcher.match("ขายหมูยอ หมูหยอง และกุนเชียงปลา", k=2).candidates) == 2


def test_empty_and_filler_only_messages(matcher: Matcher) -> None:
    for query in ("", "   ", "สวัสดีครับ", "ต้องขอ มผช. อะไรคะ"):
        result = matcher.match(query)
        assert result.verdict == NOT_IN_KNOWLEDGE
        assert result.candidates == () and result.products == ()


def test_rebuild_picks_up_a_new_alias(bundle: KnowledgeBundle, matcher: Matcher) -> None:
    assert matcher.match("จ๊อกกี้แป้งทอด").verdict == NOT_IN_KNOWLEDGE
    extra = AliasRecord("จ๊อกกี้แป้งทอด", 1044, "colloquial")
    rebuilt = Matcher.build(bundle.standards, [*bundle.aliases, extra], **bundle.lexicons)
    assert_match(rebuilt.match("จ๊อกกี้แป้งทอดค่ะ"), 1044)


def test_concurrent_reads_give_the_same_answers(matcher: Matcher) -> None:
    queries = ["ไข่เค็มค่ะ", "ปลาตะเพียนส้ม", "ขายรถ", "ทำน้ำพริกแกงกับหมูยอขาย", "สบู่", "ใบบัวบก"] * 20
    expected = [matcher.match(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(matcher.match, queries))
    assert got == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from("กขคงมยรลวสหอะาิีุูเแโไ่้๊๋็์ัำ ๑๒ abc,+/.?!"), max_size=40),
       st.integers(1, 5))
def test_any_text_gives_a_well_formed_result(matcher: Matcher, text: str, k: int) -> None:
    result = matcher.match(text, k=k)
    assert result.verdict in VERDICTS
    assert len(result.candidates) <= k
    assert all(0.0 <= c.score <= 1.0 for c in result.candidates)
    assert (result.verdict in (MATCH, CHOOSE)) == bool(result.candidates)
    assert len({c.number for c in result.candidates}) == len(result.candidates)


def test_products_keep_the_users_spelling(matcher: Matcher) -> None:
    assert matcher.match("silver jewelry handmade ค่ะ").products == ("silver jewelry",)
    assert matcher.match("ขายไข่เค็ม และ ปลาส้มค่ะ").products == ("ไข่เค็ม", "ปลาส้ม")


def test_separator_keeps_a_fuzzy_second_product(matcher: Matcher) -> None:
    # Without splitting on "กับ" the second, misspelled product would be lost.
    result = matcher.match("ไข่เค็มกับปลาตะเพียนส้ม")
    assert numbers(result) == [27, 26]
    assert result.verdict == CHOOSE  # the second product is only a fuzzy guess


def _tiny(names: dict[int, str]) -> Matcher:
    from bot.nlp.records import StandardRecord

    standards = [StandardRecord(n, 2550, f"มผช. {n}/2550", name, "food", (), "http://example", None)
                 for n, name in names.items()]
    return Matcher.build(standards, [], fillers=["ค่ะ"], separators=["กับ"])


def test_two_equally_close_standards_are_a_choice_not_a_match() -> None:
    tiny = _tiny({1: "ขนมถั่วกวนพิเศษ", 2: "ขนมถั่วกวนพิเศด"})
    result = tiny.match("ขนมถั่วกวนพิเศค่ะ")  # one letter short of both names
    assert result.verdict == CHOOSE
    assert sorted(numbers(result)) == [1, 2]
    assert min(c.score for c in result.candidates) >= MATCH_THRESHOLD  # close, yet not a match


def test_a_clear_fuzzy_winner_is_a_match() -> None:
    tiny = _tiny({1: "ขนมถั่วกวนพิเศษ", 2: "น้ำมะพร้าวเผา"})
    assert_match(tiny.match("ขนมถั่วกวนพิเศค่ะ"), 1)


@pytest.mark.parametrize(("query", "number"), [("หมุยอค่ะ", 102), ("โอ่งดินค่ะ", 46)])
def test_sound_alike_spelling_is_confident(matcher: Matcher, query: str, number: int) -> None:
    # Edit distance alone leaves these at "choose"; the LK82 soundex agrees and makes them a match.
    assert_match(matcher.match(query), number)


def test_words_inserted_inside_a_known_name(matcher: Matcher) -> None:
    # หิน|สี|วาด|ลาย|การ์ตูน contains every word of "หินวาดลาย", in order.
    assert_match(matcher.match("หินสีวาดลายการ์ตูน"), 799)


def test_partial_overlap_with_a_name_is_a_choice(matcher: Matcher) -> None:
    result = matcher.match("ปลาตะเพียนส้มครับ")
    assert result.verdict == CHOOSE and numbers(result)[0] == 26


def test_short_name_inside_a_longer_phrase_is_only_a_suggestion(matcher: Matcher) -> None:
    assert_match(matcher.match("ชาค่ะ"), 120)
    result = matcher.match("ชากุหลาบ")  # a rose (herbal) tea, not necessarily มผช. ชา
    assert result.verdict == CHOOSE
    assert numbers(result) == [120] and result.candidates[0].score < MATCH_THRESHOLD


def test_code_reference_keeps_its_place_among_products(matcher: Matcher) -> None:
    result = matcher.match("อยากขาย หมูยอ ค่ะ มผช.129/2546 ใช่มั้ย")
    assert result.products == ("หมูยอ", "มผช. 129/2546")
    assert numbers(result) == [102, 129]
