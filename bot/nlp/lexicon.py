"""The matcher's lexicon: every known product word with what it points to.

A *key* is a normalised term with spaces removed. Each key points to one kind
of thing: standard numbers (names and aliases), a community product whose
standard is not in our data (``unlisted``), or something that is not a
community product at all (``not_community``).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.nlp.normalize import normalize_text
from bot.nlp.records import AliasRecord, StandardRecord

STANDARD = "standard"
UNLISTED = "unlisted"
NOT_COMMUNITY = "not_community"

# Strength of an exact hit on a key, by where the key comes from.
WEIGHT_CURRENT_NAME = 1.0
WEIGHT_OLD_NAME = 0.98
WEIGHT_ALIAS = 0.97
WEIGHT_MISSPELLING = 0.95
# A broad word ("น้ำพริก", "กาแฟ") or a key shared by several standards: never a
# confident match on its own, always a short list for the user to choose from.
WEIGHT_GENERIC = 0.6
GENERIC_SOURCES = frozenset({"generic"})
MISSPELLING_SOURCES = frozenset({"misspelling"})


def lexicon_key(term: str) -> str:
    """Normalise a term for lookups: :func:`normalize_text`, then drop spaces."""
    return normalize_text(term).replace(" ", "")


@dataclass(frozen=True)
class LexiconEntry:
    """One key and what an exact hit on it means.

    ``weights`` maps standard numbers to hit strength (standard keys only);
    ``detail`` is the lexicon kind for not-covered keys (``vehicle``, ``herbal`` …).
    """

    key: str
    kind: str
    weights: Mapping[int, float]
    detail: str = ""

    @property
    def numbers(self) -> frozenset[int]:
        """Standard numbers this key points to (empty for not-covered keys)."""
        return frozenset(self.weights)

    @property
    def broad(self) -> bool:
        """A standard key no stronger than a broad word ("น้ำพริก", "ขนม")."""
        return self.kind == STANDARD and max(self.weights.values(), default=0.0) <= WEIGHT_GENERIC


def _alias_weight(source: str) -> float:
    base = source.split(":", 1)[0].strip().lower()
    if base in GENERIC_SOURCES:
        return WEIGHT_GENERIC
    if base in MISSPELLING_SOURCES:
        return WEIGHT_MISSPELLING
    return WEIGHT_ALIAS


def build_entries(
    standards: Iterable[StandardRecord],
    aliases: Iterable[AliasRecord],
    unlisted: Mapping[str, str],
    not_community: Mapping[str, str],
    derived: Iterable[tuple[str, int, float]] = (),
) -> dict[str, LexiconEntry]:
    """Merge names, aliases, keys ``derived`` from titles (term, number, strength) and the two
    not-covered lexicons into key → entry.

    Standard keys win over not-covered keys with the same spelling; a key that
    points strongly to several standards is capped at :data:`WEIGHT_GENERIC` (a key that is one
    standard's name and only a broad word for others keeps pointing to that one first).
    """
    weights: dict[str, dict[int, float]] = defaultdict(dict)

    def add(term: str, number: int, weight: float) -> None:
        key = lexicon_key(term)
        if key:
            weights[key][number] = max(weight, weights[key].get(number, 0.0))

    for record in standards:
        add(record.name, record.number, WEIGHT_CURRENT_NAME if record.is_current else WEIGHT_OLD_NAME)
    for alias in aliases:
        add(alias.alias, alias.number, _alias_weight(alias.source))
    for term, number, weight in derived:  # already normalised by derive_title_terms
        key = term.replace(" ", "")
        if key:
            weights[key][number] = max(weight, weights[key].get(number, 0.0))

    entries: dict[str, LexiconEntry] = {}
    for key, by_number in weights.items():
        strong = [n for n, w in by_number.items() if w > WEIGHT_GENERIC]
        if len(strong) > 1:
            by_number = {n: min(w, WEIGHT_GENERIC) for n, w in by_number.items()}
        entries[key] = LexiconEntry(key, STANDARD, dict(by_number))
    for kind, terms in ((UNLISTED, unlisted), (NOT_COMMUNITY, not_community)):
        for term, detail in terms.items():
            key = lexicon_key(term)
            if key and key not in entries:
                entries[key] = LexiconEntry(key, kind, {}, detail)
    return entries


# A key may end inside a tokenizer token only when it is at least this long
# ("ร้านกาแฟ" inside "ร้าน|กาแฟสด"); short keys must end on a token boundary
# so that "ชา" is not found inside "ชาวบ้าน".
MIN_KEY_LEN_INSIDE_TOKEN = 6


class KeyTrie:
    """Character trie over lexicon keys for longest-match scanning of a phrase."""

    _END = "\0"

    def __init__(self, keys: Iterable[str]) -> None:
        self._root: dict[str, Any] = {}
        for key in keys:
            node = self._root
            for ch in key:
                node = node.setdefault(ch, {})
            node[self._END] = {}

    def longest_at(self, text: str, start: int, boundaries: frozenset[int]) -> int:
        """End of the longest key starting at ``start`` that ends acceptably, or -1."""
        node: dict[str, Any] | None = self._root
        best = -1
        for i in range(start, len(text)):
            node = node.get(text[i]) if node is not None else None
            if node is None:
                break
            end = i + 1
            if self._END in node and (end in boundaries or end - start >= MIN_KEY_LEN_INSIDE_TOKEN):
                best = end
        return best
