"""Thai date formatting (Buddhist era)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pythainlp.util import thai_strftime

from bot.cases.thaidate import (
    format_thai_date,
    format_thai_date_en,
    format_thai_date_long,
    to_buddhist_year,
)


def test_examples() -> None:
    d = date(2026, 11, 24)
    assert format_thai_date(d) == "24 พ.ย. 2569"
    assert format_thai_date_long(d) == "24 พฤศจิกายน 2569"
    assert format_thai_date_en(d) == "24 Nov 2026"


def test_year_boundaries_and_no_leading_zero() -> None:
    assert format_thai_date(date(2025, 12, 31)) == "31 ธ.ค. 2568"
    assert format_thai_date(date(2026, 1, 1)) == "1 ม.ค. 2569"
    assert format_thai_date_long(date(2024, 2, 29)) == "29 กุมภาพันธ์ 2567"
    assert format_thai_date_en(date(2026, 5, 1)) == "1 May 2026"


def test_datetime_input() -> None:
    assert format_thai_date(datetime(2026, 7, 28, 23, 59)) == "28 ก.ค. 2569"


@pytest.mark.parametrize(
    ("month", "short", "long", "en"),
    [
        (1, "ม.ค.", "มกราคม", "Jan"), (2, "ก.พ.", "กุมภาพันธ์", "Feb"),
        (3, "มี.ค.", "มีนาคม", "Mar"), (4, "เม.ย.", "เมษายน", "Apr"),
        (5, "พ.ค.", "พฤษภาคม", "May"), (6, "มิ.ย.", "มิถุนายน", "Jun"),
        (7, "ก.ค.", "กรกฎาคม", "Jul"), (8, "ส.ค.", "สิงหาคม", "Aug"),
        (9, "ก.ย.", "กันยายน", "Sep"), (10, "ต.ค.", "ตุลาคม", "Oct"),
        (11, "พ.ย.", "พฤศจิกายน", "Nov"), (12, "ธ.ค.", "ธันวาคม", "Dec"),
    ],
)
def test_every_month(month: int, short: str, long: str, en: str) -> None:
    d = date(2026, month, 15)
    assert format_thai_date(d) == f"15 {short} 2569"
    assert format_thai_date_long(d) == f"15 {long} 2569"
    assert format_thai_date_en(d) == f"15 {en} 2026"


def test_buddhist_year() -> None:
    assert to_buddhist_year(2026) == 2569
    assert to_buddhist_year(2024) == 2567


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)))
def test_agrees_with_pythainlp(d: date) -> None:
    """An independent implementation (PyThaiNLP) as oracle."""
    assert format_thai_date(d) == thai_strftime(d, "%-d %b %Y")
    assert format_thai_date_long(d) == thai_strftime(d, "%-d %B %Y")
