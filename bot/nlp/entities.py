"""Find application numbers and phone-number endings in LINE chat text.

An application number as printed on the office receipt is ``YY/NNNN``: the last
two digits of the Buddhist-era year and a running number, e.g. ``67/0012``.
Producers type it many ways: Thai digits, ``-`` or spaces instead of ``/``,
without leading zeros (``67-12``), with the full year (``2567/12``), inside a
sentence. Things that look similar and are rejected:

* dates ``24/11/2569``, ``24/11`` and phone numbers ``081-234-5678``: more
  than two digit groups, or a first group that cannot be a year;
* standard codes ``มผช. 129/2546``: preceded by มผช./มอก./มาตรฐาน, or a
  first group that is not a two-digit year;
* decimals and times ``10.30``;
* ranges and other numbers given away by a neighbouring word (heuristic):
  ``ปี 67-68``, ``ราคา 60-70 บาท``, ``2567-2568``.

The year must lie in :data:`YEAR_MIN`..:data:`YEAR_MAX` (two-digit BE years,
2555–2599). This also rules out day/month pairs, since a day is at most 31.

Some offices print the number run together: ``690012`` (``YYNNNN``) or
``25690012`` (``25YYNNNN``). Those are read as ``69/0012`` only where that is
unambiguous: exactly 6 or 8 digits (a Thai phone number has 9–10, a last-four
answer 4), the year in range, a running number other than 0000, and the digits
either typed alone (polite words and punctuation aside: ``690012 ค่ะ``) or right
after a keyword (``คำขอ 690012 ถึงไหนแล้ว``). Five or seven digits (``69012``) could be
split two ways and are never read as an application number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlp.normalize import normalize_text

__all__ = [
    "YEAR_MAX",
    "YEAR_MIN",
    "ApplicationMention",
    "canonical_application_number",
    "extract_application_number",
    "extract_last4",
    "find_application_mentions",
    "find_application_numbers",
]

#: Plausible two-digit Buddhist-era years of an application (2555–2599).
YEAR_MIN, YEAR_MAX = 55, 99

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"})
# Digit groups joined by / - . (optionally spaced) or by a short run of spaces.
_CHAIN = re.compile(r"\d+(?:(?:[ \t]*[/\-.][ \t]*|[ \t]{1,2})\d+)*")
_GROUP = re.compile(r"\d+")
_SEPARATOR = re.compile(r"(?<=\d)([^\d]+)(?=\d)")
# Words right before a number that make it something else: a standard code
# (มผช. 129/2546), a year or year range, a price, a phone number, a date, an age.
_NOT_BEFORE = re.compile(
    r"(มผช|มอก|มาตรฐาน|tcps|พ\.ศ|ค\.ศ|ปี(?:งบ(?:ประมาณ)?)?|ราคา|โทร(?:ศัพท์)?|เบอร์(?:โทร)?"
    r"|วันที่|อายุ|เวลา)[\s.:#]*(?:เลขที่|ที่)?[\s.:#]*$"
)
# Units right after a number: "60-70 บาท", "55-60 วัน" are ranges, not applications.
_NOT_AFTER = re.compile(
    r"^[ \t]*(บาท|วัน|ปี|เดือน|สัปดาห์|คน|ชิ้น|กิโล|กก|กรัม|ลิตร|ซม|เมตร|ชม|ชั่วโมง|นาที"
    r"|ครั้ง|ขวด|ถุง|กล่อง|แผ่น|ผืน|ใบ|%)"
)
_KEYWORD = re.compile(r"(เลขที่|คำขอ|เลขคำขอ|หมายเลข|no\.?|#)")
# A full Thai phone number: 0 or +66, then 8–9 digits, optionally grouped.
_PHONE = re.compile(r"(?<!\d)(?:\+?66|0)(?:[ \t\-.]?\d){8,9}(?!\d)")
_JOINED = re.compile(r"\d+(?:[ \t]*[/\-.][ \t]*\d+)+")
_FOUR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_OFFICER_FORM = re.compile(r"(\d{2}|25\d{2})[ \t]*([/\- ])[ \t]*(\d{1,4})")
# Run-together forms printed by some offices: YYNNNN and 25YYNNNN.
_COMPACT = re.compile(r"(?:25)?(\d{2})(\d{4})")
# What may surround a run-together number typed alone: spaces, punctuation, polite words.
_ALONE = re.compile(r"^[\s.,!?:;()\"'‘’“”]*(?:(?:นะ)?(?:ค่ะ|คะ|ครับ|คับ|จ้า|จ้ะ|ka|krub|krap)[\s.,!?]*)?$")
_KEYWORD_BEFORE = re.compile(r"(?:เลขที่|คำขอ|เลขคำขอ|หมายเลข|no\.?|#|application)[\s.:#]*$")


def _prepare(text: str) -> str:
    return normalize_text((text or "").translate(_DASHES))


def _canonical(year: str, number: str) -> str | None:
    if len(year) == 4:
        if not year.startswith("25"):
            return None
        year = year[2:]
    if len(year) != 2 or not 1 <= len(number) <= 4:
        return None
    if not YEAR_MIN <= int(year) <= YEAR_MAX or int(number) == 0:
        return None
    return f"{year}/{int(number):04d}"


def _compact(chain: str, before: str, after: str) -> str | None:
    """``690012`` / ``25690012`` typed alone or after a keyword (see the module's rules)."""
    match = _COMPACT.fullmatch(chain)
    if match is None or len(chain) not in (6, 8):
        return None
    alone = _ALONE.match(before) and _ALONE.match(after)
    if not (alone or _KEYWORD_BEFORE.search(before[-24:]) and not _NOT_AFTER.match(after)):
        return None
    return _canonical(*match.groups())


def _candidate(chain: str, before: str, after: str) -> str | None:
    groups = _GROUP.findall(chain)
    if len(groups) == 1:
        return _compact(chain, before, after)
    if len(groups) != 2:
        return None
    if len(groups[0]) == 4 and groups[1].startswith("25") and len(groups[1]) == 4:
        return None  # a year range "2567-2568"
    separator = _SEPARATOR.search(chain)
    sep = separator.group(1).strip() if separator else ""
    if sep not in ("/", "-", ""):
        return None
    if sep == "" and len(groups[1]) != 4:
        return None  # "67 12" is too weak; "67 0012" is fine
    if _NOT_BEFORE.search(before[-24:]) or _NOT_AFTER.match(after):
        return None
    return _canonical(*groups)


@dataclass(frozen=True)
class ApplicationMention:
    """One application number in a message: canonical, and as written (after normalisation)."""

    number: str  # YY/NNNN
    written: str  # "๖๗-๑๒" → "67-12"
    start: int  # position in the normalised text

    @property
    def running(self) -> str:
        """The running number's digits as written ("12" in "67-12", "0012" in "690012")."""
        groups = _GROUP.findall(self.written)
        return groups[-1] if len(groups) > 1 else groups[0][-4:]


def find_application_mentions(text: str) -> list[ApplicationMention]:
    """Every application number in ``text``, in order (the same number may appear twice)."""
    prepared = _prepare(text)
    found = []
    for match in _CHAIN.finditer(prepared):
        start = match.start()
        if start and prepared[start - 1] in "+/-.":
            continue  # "+66 ...", or the tail of a chain cut by other characters
        number = _candidate(match.group(), prepared[:start], prepared[match.end():])
        if number:
            found.append(ApplicationMention(number, match.group(), start))
    return found


def find_application_numbers(text: str) -> list[str]:
    """All application numbers in ``text``, canonical, in order, without repeats."""
    return list(dict.fromkeys(m.number for m in find_application_mentions(text)))


def extract_application_number(text: str) -> str | None:
    """The application number a chat message refers to, as ``YY/NNNN``, or None.

    With several different numbers, the one right after a keyword (เลขที่,
    คำขอ, no.) wins; if none is marked that way the message is ambiguous
    and None is returned (use :func:`find_application_numbers` to ask).
    """
    found = find_application_mentions(text)
    distinct = {m.number for m in found}
    if len(distinct) <= 1:
        return found[0].number if found else None
    prepared = _prepare(text)
    marked = [m.number for m in found if _KEYWORD.search(prepared[max(0, m.start - 16):m.start])]
    return marked[0] if len(set(marked)) == 1 else None


def canonical_application_number(raw: str) -> str | None:
    """Canonical ``YY/NNNN`` for a number typed by an officer (whole string, also run together:
    ``670012``, ``25670012``), else None."""
    prepared = _prepare(raw).strip()
    match = _OFFICER_FORM.fullmatch(prepared)
    if match:
        return _canonical(match.group(1), match.group(3))
    compact = _COMPACT.fullmatch(prepared)
    return _canonical(*compact.groups()) if compact and len(prepared) in (6, 8) else None


def extract_last4(text: str) -> str | None:
    """The last four digits of the applicant's phone number from a verification answer.

    Accepts exactly four digits (``5678``, ``๕๖๗๘``, ``เบอร์ลงท้าย 5678 ค่ะ``) or
    a full Thai phone number (``081-234-5678``, ``+66 81 234 5678``), of which the
    last four digits are returned. Other numbers in the message are ignored;
    no candidate or several different ones give None.
    """
    prepared = _prepare(text)
    found: list[str] = []

    def take_phone(match: re.Match[str]) -> str:
        found.append(re.sub(r"\D", "", match.group())[-4:])
        return " "

    rest = _PHONE.sub(take_phone, prepared)
    rest = _JOINED.sub(" ", rest)  # dates, application numbers, codes
    found.extend(_FOUR.findall(rest))
    distinct = set(found)
    return distinct.pop() if len(distinct) == 1 else None
