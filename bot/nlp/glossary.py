"""English product words in Thai, so that an English query finds a standard known by its Thai title.

Most standards have only a Thai title, and producers also write in English ("salted egg",
"bamboo basket"). :class:`Glossary` holds everyday English words and phrases with their commonest Thai
translation (``knowledge/en_th_glossary.yaml``); :meth:`Glossary.renderings` turns the English words
of a product phrase into Thai phrases for the matcher to look up like any Thai query. English puts
the head noun last and Thai puts it first, so the words of an English run are tried in reverse
order first ("salted egg" → ไข่เค็ม), then as written ("coffee mix" → กาแฟผสม).
Pure: no I/O, nothing changes after construction.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.nlp.normalize import normalize_text

_LATIN_WORD = re.compile(r"[a-z][a-z'-]*")
_THAI_WORD = re.compile("[\u0e01-\u0e4e]+")


@dataclass(frozen=True)
class Glossary:
    """English word or phrase (lower case, single spaces) → its Thai translation (no spaces)."""

    words: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Glossary:
        """Build from the parsed YAML: ``words: {english: thai}``."""
        raw = data.get("words") or {}
        if not isinstance(raw, dict):
            raise ValueError("en_th_glossary.yaml: words must map an English word to a Thai word")
        words: dict[str, str] = {}
        for english, thai in raw.items():
            key = " ".join(_LATIN_WORD.findall(normalize_text(str(english))))
            value = normalize_text(str(thai or "")).replace(" ", "")
            if not key or not _THAI_WORD.fullmatch(value):
                raise ValueError(f"en_th_glossary.yaml: {english!r}: {thai!r} is not an English word and a Thai one")
            words[key] = value
        return cls(words)

    @property
    def longest(self) -> int:
        """Words in the longest entry."""
        return max((key.count(" ") + 1 for key in self.words), default=0)

    def translate(self, words: Sequence[str]) -> list[str]:
        """The Thai of each known unit of ``words`` (English, in order), longest entries first; unknown
        words are left out ("handmade silver jewelry" → [ทำมือ, เงิน, เครื่องประดับ])."""
        units: list[str] = []
        i, longest = 0, self.longest
        while i < len(words):
            for size in range(min(longest, len(words) - i), 0, -1):
                found = self._lookup(" ".join(words[i:i + size]))
                if found:
                    units.append(found)
                    i += size
                    break
            else:
                i += 1
        return units

    def _lookup(self, phrase: str) -> str:
        """An entry, or the entry of the singular ("baskets", "cookies", "dishes")."""
        for candidate in (phrase, *_singulars(phrase)):
            if candidate in self.words:
                return self.words[candidate]
        return ""

    def renderings(self, tokens: Sequence[str]) -> list[str]:
        """Thai versions of a phrase's tokens, each run of English words translated (Thai tokens kept in
        place): head first, then in the user's order; none when no English word is known."""
        runs: list[tuple[bool, list[str]]] = []  # (is English, tokens)
        for token in (t.strip() for t in tokens):
            if not token:
                continue
            english = bool(_LATIN_WORD.fullmatch(token))
            if runs and runs[-1][0] == english:
                runs[-1][1].append(token)
            else:
                runs.append((english, [token]))
        translated = [(english, self.translate(words) if english else words) for english, words in runs]
        if not any(english and units for english, units in translated):
            return []
        out: list[str] = []
        for reverse in (True, False):
            text = "".join("".join(reversed(units) if reverse and english else units) for english, units in translated)
            if text not in out:
                out.append(text)
        return out


def _singulars(phrase: str) -> list[str]:
    """Singular forms of an English phrase's last word ("baskets" → basket, "berries" → berry)."""
    head, _, last = phrase.rpartition(" ")
    prefix = f"{head} " if head else ""
    forms = []
    if last.endswith("ies") and len(last) > 4:
        forms.append(last[:-3] + "y")
    if last.endswith("es") and len(last) > 4:
        forms.append(last[:-2])
    if last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        forms.append(last[:-1])
    return [prefix + form for form in forms]
