"""Tell Thai from English in a chat message."""
from __future__ import annotations

import re
from typing import Literal

Lang = Literal["th", "en"]

_THAI_LETTER = re.compile("[\u0e01-\u0e4e]")
_LATIN_LETTER = re.compile("[A-Za-z]")
# Thai acronyms that English speakers paste into English sentences ("What is มผช.?").
_THAI_ACRONYMS = re.compile("ม\\.?\\s?ผ\\.?\\s?ช|สมอ|สอจ|มอก|อย\\.|มช\\.")
# Latin tokens that Thai writers use inside Thai sentences ("ขอ TCPS ได้ไหม", "OTOP ต้องมีไหม").
_LATIN_LOANS = re.compile(r"\b(?:tcps|tisi|otop|sme|line|ok|okay|fda|id|pdf|www\.\S+|https?://\S+)\b", re.IGNORECASE)


def detect_language(text: str) -> Lang:
    """Return ``'en'`` when Latin letters clearly dominate, else ``'th'`` (the default).

    Domain acronyms are discounted on both sides, so "TCPS คืออะไร" is Thai and
    "What is มผช.?" is English. Thai letters count double because Thai words are
    written without spaces and are often short.
    """
    text = text or ""
    thai = len(_THAI_LETTER.findall(_THAI_ACRONYMS.sub(" ", text)))
    latin = len(_LATIN_LETTER.findall(_LATIN_LOANS.sub(" ", text)))
    if latin == 0:
        return "th"
    return "th" if thai * 2 >= latin else "en"
