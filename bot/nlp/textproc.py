"""Shared text preparation for intent routing and FAQ search: synonyms, tokens, particles.

Word lists live in ``knowledge/lexicon.yaml``; this module only applies them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pythainlp.corpus.common import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from bot.config import knowledge_file
from bot.nlp.normalize import normalize_text

_THAI = "\u0e00-\u0e7f"
# Spaces between two Thai characters carry no meaning in chat ("ขอ มผช ได้ไหม").
_THAI_GAP = re.compile(rf"(?<=[{_THAI}])\s+(?=[{_THAI}])")
_PUNCT_TOKEN = re.compile(r"^[\W_]+$")
_TOKEN_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Lexicon:
    """Word lists from ``lexicon.yaml``."""

    synonyms: dict[str, str]
    particles_th: frozenset[str]
    stopwords_en: frozenset[str]
    extra_words: frozenset[str]
    light_words: frozenset[str] = frozenset()
    light_weight: float = 1.0

    @property
    def ignorable(self) -> frozenset[str]:
        """Tokens that never carry meaning (particles and English function words)."""
        return self.particles_th | self.stopwords_en


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """Read ``lexicon.yaml`` (default: the knowledge directory's); raise ``ValueError`` if a section has the wrong shape."""
    path = path or knowledge_file("lexicon.yaml")
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    synonyms = data.get("synonyms") or {}
    if not isinstance(synonyms, dict):
        raise ValueError(f"{path}: 'synonyms' must be a mapping")
    lists = {}
    for key in ("particles_th", "stopwords_en", "extra_words", "light_words"):
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{path}: '{key}' must be a list of strings")
        lists[key] = frozenset(normalize_text(v) for v in value)
    light_weight = data.get("light_weight", 1.0)
    if not isinstance(light_weight, (int, float)) or not 0 <= light_weight <= 1:
        raise ValueError(f"{path}: 'light_weight' must be a number between 0 and 1")
    return Lexicon(
        synonyms={normalize_text(str(k)): normalize_text(str(v)) for k, v in synonyms.items()},
        light_weight=float(light_weight),
        **lists,
    )


def default_lexicon() -> Lexicon:
    """The knowledge directory's lexicon (loaded once per directory)."""
    return _lexicon_at(knowledge_file("lexicon.yaml"))


@lru_cache(maxsize=4)
def _lexicon_at(path: Path) -> Lexicon:
    return load_lexicon(path)


@lru_cache(maxsize=8)
def _trie(extra: frozenset[str]) -> Trie:
    return Trie(set(thai_words()) | set(extra))


class TextPrep:
    """Normalise and tokenise chat text with one lexicon and dictionary (build once, reuse)."""

    def __init__(self, lexicon: Lexicon | None = None, extra_words: Iterable[str] = ()) -> None:
        self.lexicon = lexicon or default_lexicon()
        words = {normalize_text(w) for w in extra_words if w and w.strip()}
        self._trie = _trie(frozenset(self.lexicon.extra_words | words))
        self._token_cache: dict[str, tuple[str, ...]] = {}
        keys = sorted(self.lexicon.synonyms, key=len, reverse=True)
        self._syn = re.compile("|".join(map(re.escape, keys))) if keys else None

    def prepare(self, text: str) -> str:
        """Normalised text with synonyms applied and spaces between Thai letters removed."""
        text = normalize_text(text)
        if self._syn is not None:
            text = self._syn.sub(lambda m: self.lexicon.synonyms[m.group(0)], text)
        return _THAI_GAP.sub("", text).strip()

    def tokens(self, prepared: str) -> list[str]:
        """newmm tokens of already-prepared text, without spaces and punctuation."""
        if not prepared:
            return []
        cached = self._token_cache.get(prepared)
        if cached is None:
            words = word_tokenize(prepared, custom_dict=self._trie, engine="newmm", keep_whitespace=False)
            cached = tuple(w for w in (w.strip() for w in words) if w and not _PUNCT_TOKEN.match(w))
            if len(self._token_cache) >= _TOKEN_CACHE_SIZE:
                self._token_cache.clear()
            self._token_cache[prepared] = cached
        return list(cached)

    def clear_cache(self) -> None:
        """Forget cached tokenisations (for benchmarks that time cold messages)."""
        self._token_cache.clear()

    def weight(self, token: str) -> float:
        """Multiplier for a token's importance: ``light_weight`` for question/function words."""
        return self.lexicon.light_weight if token in self.lexicon.light_words else 1.0

    def content_tokens(self, prepared: str) -> list[str]:
        """Tokens minus particles and English function words."""
        ignore = self.lexicon.ignorable
        return [t for t in self.tokens(prepared) if t not in ignore]
