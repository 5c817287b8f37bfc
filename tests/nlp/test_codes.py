"""Standard code parsing: every spelling producers and TISI files use."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlp.codes import (
    find_standard_refs,
    format_code,
    parse_code_cell,
    parse_standard_code,
    parse_standard_ref,
)

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.mark.parametrize(
    "text",
    [
        "มผช.129/2546",
        "มผช. 129/2546",
        "มผช 129-2546",
        "มผช. ๑๒๙/๒๕๔๖",
        "TCPS 129/2546",
        "tcps 129-2546",
        "  ม.ผ.ช. 129 / 2546 ",
        "มผช.เลขที่ 129/2546",
    ],
)
def test_full_code_variants(text: str) -> None:
    assert parse_standard_code(text) == (129, 2546)


@pytest.mark.parametrize("text", ["มผช.129", "มผช 129", "TCPS 129", "มผช. ๑๒๙"])
def test_reference_without_year(text: str) -> None:
    assert parse_standard_ref(text) == (129, None)
    assert parse_standard_code(text) is None


@pytest.mark.parametrize(
    "text",
    ["", "129", "มผช.", "มผช. abc", "มผช. 129/46", "มผช. 129/1999", "มผช. 0/2546", "ไข่เค็ม 129/2546 ฟอง"],
)
def test_rejects_non_codes(text: str) -> None:
    assert parse_standard_code(text) is None


def test_cell_accepts_bare_number_and_number_year() -> None:
    assert parse_code_cell("129") == (129, None)
    assert parse_code_cell("๑๒๙/๒๕๔๖") == (129, 2546)
    assert parse_code_cell("ไข่เค็ม") is None


def test_finds_references_inside_chat() -> None:
    refs = find_standard_refs("ผ้าพันคอ มผช ๒๔๗ กับ มผช.27/2546 ใช่ไหมคะ")
    assert [(n, y) for n, y, _ in refs] == [(247, None), (27, 2546)]


def test_format_code() -> None:
    assert format_code(93, 2553) == "มผช. 93/2553"


@given(number=st.integers(1, 9999), year=st.integers(2500, 2700), thai=st.booleans(),
       sep=st.sampled_from(["/", "-", " / "]), prefix=st.sampled_from(["มผช.", "มผช. ", "มผช ", "TCPS ", "tcps"]))
def test_round_trip(number: int, year: int, thai: bool, sep: str, prefix: str) -> None:
    text = f"{prefix}{number}{sep}{year}"
    if thai:
        text = text.translate(THAI_DIGITS)
    assert parse_standard_code(text) == (number, year)
