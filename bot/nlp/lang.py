"""Tell Thai from English in a chat message."""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
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


_LATIN_WORD = re.compile(r"[a-z]+")
_VOWEL = re.compile("[aeiouy]")
_MASHING = re.compile(r"[^aeiouy]{5}|(.)\1\1")  # "asdfghjkl", "zzz", "aaaa"
_MIN_WORD = 2


def english_words(texts: Iterable[str]) -> frozenset[str]:
    """The lower-case Latin words of ``texts`` (the English the bot knows: FAQ, cues, product names)."""
    return frozenset(w for text in texts for w in _LATIN_WORD.findall(text.lower()) if len(w) >= _MIN_WORD)


def _word_shaped(word: str) -> bool:
    return len(word) >= 3 and bool(_VOWEL.search(word)) and not _MASHING.search(word)


def shows_english(text: str, vocabulary: Collection[str]) -> bool:
    """True when ``text`` has real English: a word of ``vocabulary`` (beyond loans such as "OTOP") or two
    word-shaped words; keyboard mashing ("asdfghjkl", "zzz", "qwerty zxcv") is not."""
    words = _LATIN_WORD.findall(_LATIN_LOANS.sub(" ", (text or "").lower()))
    known = any(len(w) >= _MIN_WORD and w in vocabulary for w in words)
    return known or sum(_word_shaped(w) for w in words) >= 2


def shows_language(text: str, vocabulary: Collection[str]) -> bool:
    """True when ``text`` tells which language the user writes (so the user's language may follow it):
    Thai letters, or real English (:func:`shows_english`); digits, emoji, "TCPS" or "asdfghjkl" do not."""
    if detect_language(text) == "th":
        return bool(_THAI_LETTER.search(_THAI_ACRONYMS.sub(" ", text or "")))
    return shows_english(text, vocabulary)
