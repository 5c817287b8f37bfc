"""Application numbers and phone endings typed in LINE chats."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlp.entities import (
    canonical_application_number,
    extract_application_number,
    extract_last4,
    find_application_numbers,
)

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("67/0012", "67/0012"),
        ("คำขอเลขที่ ๖๗/๐๐๑๒ ถึงไหนแล้วคะ", "67/0012"),
        ("67-12", "67/0012"),
        ("๖๗ / ๐๐๑๒", "67/0012"),
        ("เลขที่คำขอ 67/0012 ค่ะ", "67/0012"),
        ("เลขที่67/12ค่ะ", "67/0012"),
        ("67 0012", "67/0012"),
        ("67–0012", "67/0012"),  # en dash from a phone keyboard
        ("67／0012", "67/0012"),  # full-width slash
        ("2567/12", "67/0012"),  # full Buddhist year
        ("ขอถามคำขอ 68/145 หน่อยครับ", "68/0145"),
        ("67/0012 โทร 081-234-5678", "67/0012"),
        ("คำขอ 67/0012 ยื่นวันที่ 24/11/2569", "67/0012"),
        ("67/0012 ครับ 67/12", "67/0012"),  # same number twice
        ("คำขอ 67/0012 ไม่ใช่ 67/0013", "67/0012"),  # keyword decides
        # The forms offices print (#15 item 7).
        ("2569/12", "69/0012"),
        ("๖๙-๑๒", "69/0012"),
        ("69-0012", "69/0012"),
        ("690012", "69/0012"),  # run together: YYNNNN
        ("๖๙๐๐๑๒", "69/0012"),
        ("690012 ค่ะ", "69/0012"),
        ("25690012", "69/0012"),  # run together with the four-digit year
        ("คำขอ 690012 ถึงไหนแล้วคะ", "69/0012"),  # after a keyword, in a sentence
        ("คำขอเลขที่ ๒๕๖๙๐๐๑๒ นะคะ", "69/0012"),
    ],
)
def test_finds_application_numbers(text: str, expected: str) -> None:
    assert extract_application_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "24/11/2569",  # date
        "24/11",  # day/month: 24 is not a plausible year
        "วันที่ 1-12",
        "2567-12-01",  # ISO-like date
        "081-234-5678",  # mobile phone
        "02-123-4567",
        "0812345678",
        "+66 81 234 5678",
        "มผช. 129/2546",  # standard code
        "มผช.67/2546",  # standard code with a plausible-looking first part
        "มาตรฐาน 67/2546",
        "ปี 67-68",  # year range
        "2567-2568",
        "ราคา 60-70 บาท",  # price range
        "รอมา 60-70 วันแล้ว",
        "10.30",  # time
        "67.0012",  # dot is not a separator
        "67/00012",  # five-digit running number
        "67/0000",
        "ชบ 32-3/2568",  # committee meeting number
        "67 12",  # space only and no padding: too weak
        "สวัสดีค่ะ",
        "",
        "67/0012 หรือ 67/0013",  # ambiguous
        # Run-together digits only where unambiguous.
        "69012",  # five digits: 69/012 or 6/9012
        "6900120",  # seven digits
        "690000",  # running number 0000
        "240012",  # 24 is not a plausible year
        "19690012",  # eight digits that do not start with 25
        "081234567",  # nine digits: a phone number
        "ราคา 690012 บาท",  # an amount
        "ขายได้ 690012",  # a number in a sentence without a keyword
        "เลขที่ 690012 บาท",
        "6912",  # four digits are a phone ending, never an application
        "มผช. 129/2555",  # a standard code
    ],
)
def test_rejects_look_alikes(text: str) -> None:
    assert extract_application_number(text) is None


def test_find_all_for_a_follow_up_question() -> None:
    assert find_application_numbers("67/0012 หรือ ๖๗-๑๓ หรือ 67/12") == ["67/0012", "67/0013"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("67/0012", "67/0012"),
        ("67/12", "67/0012"),
        (" ๖๗-๐๐๑๒ ", "67/0012"),
        ("67 12", "67/0012"),
        ("2567/0012", "67/0012"),
        ("99/9999", "99/9999"),
        ("55/1", "55/0001"),
        ("67/0012/1", None),
        ("24/0012", None),
        ("67/0", None),
        ("167/0012", None),
        ("1967/0012", None),
        ("670012", "67/0012"),  # run together, as some offices print it
        ("25670012", "67/0012"),
        ("6700120", None),
        ("19670012", None),
        ("คำขอ 67/0012", None),  # officer input must be the number alone
        ("", None),
    ],
)
def test_canonical_application_number(raw: str, expected: str | None) -> None:
    assert canonical_application_number(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5678", "5678"),
        ("๕๖๗๘", "5678"),
        ("เบอร์ลงท้าย 5678 ค่ะ", "5678"),
        ("081-234-5678", "5678"),
        ("๐๘๑ ๒๓๔ ๕๖๗๘", "5678"),
        ("0812345678", "5678"),
        ("+66 81 234 5678", "5678"),
        ("+66812345678", "5678"),
        ("053-123-456", "3456"),  # landline: last four digits across groups
        ("5678 555", "5678"),  # laughter ignored
        ("คำขอ 67/0012 เบอร์ 5678", "5678"),  # the application number is not a phone ending
        ("690012", None),  # an application number run together, not a phone ending
        ("0812345678 ลงท้าย 5678", "5678"),
        ("567", None),
        ("56789", None),
        ("5678 1234", None),  # two candidates
        ("0812345678 1234", None),
        ("24/11/2569", None),
        ("10.30", None),
        ("ไม่ทราบค่ะ", None),
    ],
)
def test_extract_last4(text: str, expected: str | None) -> None:
    assert extract_last4(text) == expected


# --- properties -------------------------------------------------------------------------------

years = st.integers(min_value=55, max_value=99)
running = st.integers(min_value=1, max_value=9999)
separators = st.sampled_from(["/", "-", " / ", " - ", "/ "])
prefixes = st.sampled_from(["", "คำขอ ", "เลขที่ ", "คำขอเลขที่ ", "เลขที่คำขอ ", "สอบถามคำขอ "])
suffixes = st.sampled_from(["", " ค่ะ", " ครับ", " ถึงไหนแล้วคะ", " นะคะ", "?"])


@given(years, running, separators, st.booleans(), st.booleans(), prefixes, suffixes)
def test_any_spelling_of_a_number_is_found(
    yy: int, n: int, sep: str, pad: bool, thai: bool, prefix: str, suffix: str
) -> None:
    number = f"{yy}{sep}{n:04d}" if pad else f"{yy}{sep}{n}"
    if thai:
        number = number.translate(THAI)
    text = f"{prefix}{number}{suffix}"
    assert extract_application_number(text) == f"{yy}/{n:04d}"
    assert canonical_application_number(number) == f"{yy}/{n:04d}"


@given(st.dates(), st.sampled_from(["/", "-", "."]), st.booleans(), st.booleans())
def test_dates_are_never_application_numbers(d, sep: str, buddhist: bool, thai: bool) -> None:
    year = d.year + 543 if buddhist else d.year
    text = f"วันที่ {d.day}{sep}{d.month}{sep}{year}"
    if thai:
        text = text.translate(THAI)
    assert extract_application_number(text) is None
    assert extract_application_number(f"{d.day:02d}{sep}{d.month:02d}") is None


phones = st.tuples(
    st.sampled_from(["06", "08", "09"]),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
)


@given(phones, st.sampled_from(["{a}{b}-{c}-{d}", "{a}{b} {c} {d}", "{a}{b}{c}{d}", "+66 {a1}{b} {c} {d}"]),
       st.booleans())
def test_phone_numbers(phone: tuple[str, str], shape: str, thai: bool) -> None:
    prefix, rest = phone
    a, b, c, d = prefix, rest[0], rest[1:4], rest[4:]
    text = shape.format(a=a, a1=a[1], b=b, c=c, d=d)
    if thai:
        text = text.translate(THAI)
    assert extract_application_number(text) is None
    assert extract_last4(f"เบอร์ {text} ค่ะ") == d


@given(st.text(alphabet="0123456789", min_size=4, max_size=4), st.booleans(), prefixes, suffixes)
def test_four_digits_are_a_phone_ending(digits: str, thai: bool, prefix: str, suffix: str) -> None:
    typed = digits.translate(THAI) if thai else digits
    assert extract_last4(f"{prefix}{typed}{suffix}") == digits
