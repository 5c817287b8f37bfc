"""Normalise chat text typed in LINE: Thai digits, odd Unicode, repeated letters, spacing."""
from __future__ import annotations

import re
import unicodedata

from pythainlp.util import normalize as thai_normalize

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Zero-width and formatting characters that LINE users paste by accident.
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")
# The same letter three or more times in a row ("มากกกก" → "มาก", "555555" kept: digits excluded).
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_THAI_REPEAT_MARK = re.compile(r"\s*ๆ+")
_SPACES = re.compile(r"\s+")


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with ASCII digits."""
    return text.translate(_THAI_DIGITS)


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
