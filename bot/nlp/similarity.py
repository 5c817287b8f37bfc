"""Similarity signals for phrases that hit no lexicon key exactly.

* :class:`CharNgramIndex` – TF-IDF cosine over character 2/3-grams of each
  standard's names, aliases and scope keywords (finds partial overlaps such as
  "ปลาตะเพียนส้ม" ~ ปลาส้ม).
* :class:`FuzzyKeys` – RapidFuzz edit-distance similarity against every key
  (typos, missing tone marks, extra modifiers).
* :class:`SoundexKeys` – PyThaiNLP's LK82 Thai soundex (spelling by ear:
  "แชมภู" ~ แชมพู, "เกษรผึ้ง" ~ เกสรผึ้ง).

All classes are immutable after construction and safe to share between threads.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from pythainlp.soundex import lk82
from rapidfuzz import fuzz, process

_THAI = range(0x0E01, 0x0E4F)


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> Counter[str]:
    """Character n-grams of ``text`` padded with spaces, for each size."""
    padded = f" {text} "
    grams: Counter[str] = Counter()
    for n in sizes:
        grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class CharNgramIndex:
    """TF-IDF (sublinear tf, smoothed idf) over char n-grams, one document per label."""

    def __init__(self, documents: Mapping[int, Iterable[str]]) -> None:
        counts: dict[int, Counter[str]] = {}
        for label, texts in documents.items():
            grams: Counter[str] = Counter()
            for text in texts:
                grams.update(char_ngrams(text))
            counts[label] = grams
        n_docs = max(len(counts), 1)
        df: Counter[str] = Counter()
        for grams in counts.values():
            df.update(grams.keys())
        self._idf = {g: math.log((1 + n_docs) / (1 + d)) + 1.0 for g, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for label, grams in counts.items():
            vec = {g: (1.0 + math.log(c)) * self._idf[g] for g, c in grams.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            for g, v in vec.items():
                postings[g].append((label, v / norm))
        self._postings = dict(postings)

    def scores(self, text: str) -> dict[int, float]:
        """Cosine similarity in [0, 1] between ``text`` and each document that shares a gram."""
        grams = char_ngrams(text)
        vec = {g: (1.0 + math.log(c)) * self._idf[g] for g, c in grams.items() if g in self._idf}
        # Unknown grams still count in the query norm: text we know nothing about dilutes the score.
        unknown = sum(((1.0 + math.log(c)) * 1.0) ** 2 for g, c in grams.items() if g not in self._idf)
        norm = math.sqrt(sum(v * v for v in vec.values()) + unknown) or 1.0
        out: dict[int, float] = defaultdict(float)
        for g, v in vec.items():
            for label, w in self._postings[g]:
                out[label] += v / norm * w
        return {label: min(s, 1.0) for label, s in out.items()}


class FuzzyKeys:
    """Edit-distance similarity of a phrase against lexicon keys.

    ``similarity = max(ratio, partial)``; ``partial`` (the key found inside a
    longer phrase) is discounted by how little of the phrase the key covers and
    is used only for keys of at least ``min_partial_len`` characters. Partial
    matching is costly, so it only looks at the keys sharing the most
    character trigrams with the phrase.
    """

    def __init__(self, keys: Sequence[str], min_partial_len: int = 3, shortlist: int = 40) -> None:
        self.keys = list(keys)
        self._shortlist = shortlist
        postings: dict[str, list[int]] = defaultdict(list)
        for idx, key in enumerate(self.keys):
            if len(key) >= min_partial_len:
                for gram in set(_trigrams(key)):
                    postings[gram].append(idx)
        self._postings = {g: tuple(v) for g, v in postings.items()}

    def whole(self, text: str, cutoff: float, limit: int = 5) -> list[tuple[int, float]]:
        """Keys most similar to the whole of ``text`` (plain ratio ≥ ``cutoff``), best first."""
        found = process.extract(text, self.keys, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff * 100)
        return [(idx, score / 100) for _key, score, idx in found]

    def top(self, text: str, limit: int = 12, cutoff: float = 0.5) -> list[tuple[int, float]]:
        """(key index, similarity in [0, 1]) for the best keys, best first."""
        best: dict[int, float] = {}
        for _key, score, idx in process.extract(
            text, self.keys, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff * 100
        ):
            best[idx] = score / 100
        shared: Counter[int] = Counter()
        for gram in set(_trigrams(text)):
            shared.update(self._postings.get(gram, ()))
        for idx, _count in shared.most_common(self._shortlist):
            key = self.keys[idx]
            if len(key) >= len(text):
                continue
            score = fuzz.partial_ratio(key, text, score_cutoff=cutoff * 100)
            adjusted = score / 100 * (0.6 + 0.4 * len(key) / len(text))
            if adjusted >= cutoff and adjusted > best.get(idx, 0.0):
                best[idx] = adjusted
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]


def _trigrams(text: str) -> list[str]:
    return [text[i : i + 3] for i in range(len(text) - 2)] or [text]


def is_thai(text: str) -> bool:
    """True when most characters are Thai letters."""
    thai = sum(1 for ch in text if ord(ch) in _THAI)
    return thai * 2 > len(text)


class SoundexKeys:
    """LK82 soundex code → key indexes (Thai keys of three or more characters)."""

    def __init__(self, keys: Sequence[str], min_len: int = 3) -> None:
        index: dict[str, list[int]] = defaultdict(list)
        for idx, key in enumerate(keys):
            if len(key) >= min_len and is_thai(key):
                index[lk82(key)].append(idx)
        self._index = {code: tuple(v) for code, v in index.items()}
        self._keys = keys

    def lookup(self, text: str, min_ratio: float = 0.6) -> list[tuple[int, float]]:
        """Keys that sound like ``text``, with their plain edit similarity (guards collisions)."""
        if len(text) < 3 or not is_thai(text):
            return []
        out = []
        for idx in self._index.get(lk82(text), ()):
            ratio = fuzz.ratio(text, self._keys[idx]) / 100
            if ratio >= min_ratio:
                out.append((idx, ratio))
        return out


class TokenSubsequenceKeys:
    """Multi-word keys whose words all occur among a phrase's words, in order or not.

    Finds "หิน|สี|วาด|ลาย|การ์ตูน" ⊇ "หิน|วาด|ลาย" when words were inserted between the
    words of a known name, and "ยอ|หมู" for "หมู|ยอ" when the user put them the other way
    round. Keys and phrases are split with the same tokenizer; only keys of two or more
    words of 2+ characters count.
    """

    def __init__(self, keys: Sequence[str], tokenize: Callable[[str], Sequence[str]]) -> None:
        self._tokens: dict[int, tuple[str, ...]] = {}
        by_word: dict[str, list[int]] = defaultdict(list)
        for idx, key in enumerate(keys):
            words = tuple(w for w in tokenize(key) if w.strip())
            if len(words) >= 2 and all(len(w) >= 2 for w in words):
                self._tokens[idx] = words
                by_word[min(words, key=len)].append(idx)  # index by a word every match must hold
        self._by_word = {w: tuple(v) for w, v in by_word.items()}
        self._tokenize = tokenize

    def lookup(self, text: str) -> list[tuple[int, bool]]:
        """(key index, True when in the key's order) for every key whose words ``text`` holds."""
        words = [w for w in self._tokenize(text) if w.strip()]
        present = set(words)
        found = []
        for word in present:
            for idx in self._by_word.get(word, ()):
                needed = self._tokens[idx]
                if present.issuperset(needed):
                    found.append((idx, _is_subsequence(needed, words)))
        return found


def _is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    it = iter(haystack)
    return all(any(w == h for h in it) for w in needle)
