"""Which province a message names: Thai or English names and short names from knowledge/offices.yaml,
"จ." / "จังหวัด" prefixes, and small typos (RapidFuzz). Bangkok comes back as `BANGKOK`."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.directory.data import BANGKOK, Directory, directory

_THAI_CHARS = re.compile(r"[\u0e01-\u0e4e]")
_NOT_THAI = re.compile(r"[^\u0e01-\u0e4e]+")
_NOT_THAI_OR_DOT = re.compile(r"[^\u0e01-\u0e4e.]+")
_NOT_LATIN = re.compile(r"[^a-z]+")
# Words before a province name that mark it as one ("จังหวัดเลย", "จ.เลย"; not "สอจ. เลย", "contact it at once").
FUZZY_CUTOFF = 85  # RapidFuzz ratio of a misspelt name ("ขอนแกน", "chaing mai")
FUZZY_MIN_LEN = 5  # shorter names must be written exactly ("ตาก", "trat")


@dataclass(frozen=True)
class _Index:
    thai: tuple[tuple[str, str], ...]  # (name without spaces, province), longest first
    latin: dict[str, str]  # lower-case letters only → province
    needs_prefix: frozenset[str]


@lru_cache(maxsize=4)
def _index(book: Directory) -> _Index:
    thai: dict[str, str] = {}
    latin: dict[str, str] = {}
    for contact in (*book.offices.values(), book.bangkok):
        for name in (contact.province, contact.province_en, *contact.aliases):
            if _THAI_CHARS.search(name):
                thai.setdefault(_NOT_THAI.sub("", unicodedata.normalize("NFC", name)), contact.province)
            else:
                latin.setdefault(_NOT_LATIN.sub("", name.lower()), contact.province)
    ordered = tuple(sorted(thai.items(), key=lambda kv: -len(kv[0])))
    return _Index(thai=ordered, latin=latin, needs_prefix=book.needs_prefix)


def find_province(text: str) -> str | None:
    """The Thai name of the province ``text`` names (`BANGKOK` for Bangkok), else None."""
    index = _index(directory())
    thai = _NOT_THAI_OR_DOT.sub("", unicodedata.normalize("NFC", text))
    words = _NOT_LATIN.sub(" ", text.lower()).split()
    return _exact_thai(index, thai) or _exact_latin(index, words) or _fuzzy(index, thai.replace(".", ""), words)


def _prefixed(before: str) -> bool:
    return before.endswith("จังหวัด") or before.endswith("จ.") and not before.endswith("สอจ.")


def _exact_thai(index: _Index, thai: str) -> str | None:
    for name, province in index.thai:
        start = thai.find(name)
        while start >= 0:
            if name not in index.needs_prefix or thai.strip(".") == name or _prefixed(thai[:start]):
                return province
            start = thai.find(name, start + 1)
    return None


def _grams(words: list[str], longest: int = 4) -> list[str]:
    return ["".join(words[i:i + n]) for n in range(longest, 0, -1) for i in range(len(words) - n + 1)]


def _exact_latin(index: _Index, words: list[str]) -> str | None:
    return next((index.latin[g] for g in _grams(words) if g in index.latin), None)


def _fuzzy(index: _Index, thai: str, words: list[str]) -> str | None:
    names = [(n, p) for n, p in index.thai if len(n) >= FUZZY_MIN_LEN and n not in index.needs_prefix]
    if len(thai) >= FUZZY_MIN_LEN - 1:
        best = max(((fuzz.partial_ratio(n, thai), p) for n, p in names), default=(0.0, None))
        if best[0] >= FUZZY_CUTOFF:
            return best[1]
    choices = [n for n in index.latin if len(n) >= FUZZY_MIN_LEN]
    for gram in (g for g in _grams(words, 3) if len(g) >= FUZZY_MIN_LEN - 1):
        hit = process.extractOne(gram, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if hit is not None:
            return index.latin[hit[0]]
    return None


__all__ = ["BANGKOK", "find_province"]
