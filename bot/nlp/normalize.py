"""Normalise chat text typed in LINE: Thai digits, odd Unicode, repeated letters, spacing."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.util import normalize as thai_normalize

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Zero-width and formatting characters that LINE users paste by accident.
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")
# The same letter three or more times in a row ("มากกกก" → "มาก", "555555" kept: digits excluded).
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_THAI_REPEAT_MARK = re.compile(r"\s*ๆ+")
_SPACES = re.compile(r"\s+")
# What must not be stored: NUL (PostgreSQL text cannot hold it), other control characters (tab and
# newline kept), zero-width and direction marks, the byte-order mark.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
# How files saved by Excel or Thai systems are encoded: UTF-8 (with or without BOM), else TIS-620.
FILE_ENCODINGS = ("utf-8-sig", "cp874")


def clean_text(value: object, limit: int, *, one_line: bool = True) -> str:
    """Text from a user, a form or a file made fit to store: NFC, no control or zero-width characters,
    spaces squeezed to one line (or, with ``one_line=False``, only trimmed), at most ``limit`` characters."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = _UNSTORABLE.sub("", text)
    text = " ".join(text.split()) if one_line else text.strip()
    return text[:limit]


def decode_text(data: bytes) -> str | None:
    """The text of a file in one of :data:`FILE_ENCODINGS`, or None when it is in neither."""
    for encoding in FILE_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with ASCII digits."""
    return text.translate(_THAI_DIGITS)


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """Return a canonical form of a chat message for matching.

    NFC, invisible characters dropped, Thai digits to ASCII, PyThaiNLP's
    vowel/tone-mark normalisation, letters repeated 3+ times collapsed,
    ``ๆ`` dropped, whitespace collapsed, Latin letters case-folded.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    text = to_arabic_digits(text)
    text = thai_normalize(text)
    text = _REPEATS.sub(r"\1", text)
    text = _THAI_REPEAT_MARK.sub(" ", text)
    return _SPACES.sub(" ", text).strip().casefold()
