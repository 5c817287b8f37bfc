"""Parse and format community product standard codes (มผช. N/YYYY, TCPS N-YYYY)."""
from __future__ import annotations

import re
from dataclasses import dataclass

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


# ---- codes named in chat messages (the intent classifier) ----------------------------------------
_UNIT_AFTER = r"(?!\s*(?:ปี|วัน|เดือน|บาท|ราย|แห่ง|ฉบับ|มาตรฐาน|ชิ้น|คน|ครั้ง|จังหวัด|years?\b|days?\b|months?\b))"
_CODE_PREFIXED = re.compile(
    r"(?:มผช|tcps|มาตรฐานผลิตภัณฑ์ชุมชน|มาตรฐานเลขที่|มาตรฐานที่|standard)"
    r"[\s.\-:#]*(?:เลขที่|ที่|รหัส|เลข|no\.?|number|#)?[\s.:#]*"
    r"(\d{1,4})(?:\s*[/\-–]\s*(\d{4}|\d{2}))?(?!\d)" + _UNIT_AFTER
)
_FORM_WORDS = ("แบบ", "ฟอร์ม", "แบบฟอร์ม", "แบบคำขอ", "form")
_CODE_BARE = re.compile(r"(?<![\d/])(\d{1,4})\s*[/\-–]\s*(2[45]\d{2})(?![\d/])")


@dataclass(frozen=True)
class CodeMention:
    """A standard code named in a chat message: the number, the edition year if given, and whether
    it was written with a prefix (มผช., TCPS, "standard no."), which makes it certain."""

    number: int
    year: int | None
    prefixed: bool

    def entities(self) -> dict[str, object]:
        """As intent entities: ``standard_number`` and, when given, ``standard_year``."""
        found: dict[str, object] = {"standard_number": self.number}
        if self.year is not None:
            found["standard_year"] = self.year
        return found


def _be_year(raw: str | None) -> int | None:
    """Buddhist-era year from "2546", "46" or a Christian-era "2003"."""
    if not raw:
        return None
    year = int(raw)
    if len(raw) == 2:
        year += 2500
    elif 1900 <= year < 2200:
        year += 543
    return year if 2400 <= year <= 2700 else None


def find_code_mention(text: str) -> CodeMention | None:
    """A standard code in prepared chat text: "มผช 129/2546", "tcps 129-2546" or a bare "129/2546"."""
    for m in _CODE_PREFIXED.finditer(text):
        # "แบบ มผช.1" names a form, not standard no. 1.
        if int(m.group(1)) > 0 and not text[: m.start()].rstrip().endswith(_FORM_WORDS):
            return CodeMention(int(m.group(1)), _be_year(m.group(2)), True)
    bare = _CODE_BARE.search(text)
    if bare and int(bare.group(1)) > 0:
        return CodeMention(int(bare.group(1)), _be_year(bare.group(2)), False)
    return None
