"""Parse and format community product standard codes (มผช. N/YYYY, TCPS N-YYYY)."""
from __future__ import annotations

import re

from bot.nlp.normalize import to_arabic_digits

# "มผช." / "มผช" / "ม.ผ.ช." / "TCPS", then the number, then optionally "/" or "-" and
# a four-digit Buddhist-era year. Spaces are allowed around each part.
_PREFIX = r"(?:ม\s*\.?\s*ผ\s*\.?\s*ช\s*\.?|tcps\.?)"
_REF = re.compile(
    _PREFIX + r"\s*(?:เลขที่\s*|no\.?\s*)?(\d{1,4})(?:\s*[/\-–]\s*(\d{4}))?(?!\d)",
    re.IGNORECASE,
)
_FULL_REF = re.compile(r"^\s*" + _REF.pattern + r"\s*$", re.IGNORECASE)
# A bare "N/YYYY" or "N-YYYY" (for spreadsheet cells that hold only the number part).
_BARE = re.compile(r"^\s*(\d{1,4})\s*[/\-–]\s*(\d{4})\s*$")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")

MIN_YEAR_BE = 2500
MAX_YEAR_BE = 2700


def _valid(number: int, year: int | None) -> bool:
    return number > 0 and (year is None or MIN_YEAR_BE <= year <= MAX_YEAR_BE)


def parse_standard_ref(text: str) -> tuple[int, int | None] | None:
    """Parse a whole string as a standard reference; the year may be missing.

    >>> parse_standard_ref("มผช.129")
    (129, None)
    >>> parse_standard_ref("tcps 129-2546")
    (129, 2546)
    """
    text = to_arabic_digits(text or "")
    m = _FULL_REF.match(text) or _BARE.match(text)
    if not m:
        return None
    number = int(m.group(1))
    year = int(m.group(2)) if m.group(2) else None
    return (number, year) if _valid(number, year) else None


def parse_standard_code(text: str) -> tuple[int, int] | None:
    """Parse a full code with number and Buddhist-era year, e.g. ``มผช. ๑๒๙/๒๕๔๖`` → (129, 2546)."""
    ref = parse_standard_ref(text)
    if ref is None or ref[1] is None:
        return None
    return ref[0], ref[1]


def parse_code_cell(text: str) -> tuple[int, int | None] | None:
    """Parse a spreadsheet cell: a full reference, ``N/YYYY`` or a bare number."""
    ref = parse_standard_ref(text)
    if ref is not None:
        return ref
    m = _BARE_NUMBER.match(to_arabic_digits(text or ""))
    if m and int(m.group(1)) > 0:
        return int(m.group(1)), None
    return None


def find_standard_refs(text: str) -> list[tuple[int, int | None, tuple[int, int]]]:
    """Every standard reference inside free text: (number, year or None, (start, end))."""
    text = to_arabic_digits(text or "")
    found = []
    for m in _REF.finditer(text):
        number = int(m.group(1))
        year = int(m.group(2)) if m.group(2) else None
        if _valid(number, year):
            found.append((number, year, m.span()))
    return found


def format_code(number: int, year: int) -> str:
    """The canonical code string, ``มผช. N/YYYY``."""
    return f"มผช. {number}/{year}"
