"""Turn a chat message into product phrases: normalise, tokenise, drop chat fillers, split."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pythainlp.tokenize import word_dict_trie, word_tokenize
from pythainlp.util import Trie

from bot.nlp.codes import find_standard_refs
from bot.nlp.lexicon import lexicon_key
from bot.nlp.normalize import normalize_text

# A token with no letter or digit (punctuation, emoji, "%") ends a phrase.
_HAS_WORD_CHAR = re.compile(r"[0-9a-z\u0e01-\u0e4e]", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^[0-9.,]+$")
# "มผช." / "ม.ผ.ช." / "TCPS" without a number: part of the question, not of the product.
_CODE_PREFIX = re.compile(r"ม\.?ผ\.?ช\.?|tcps\.?", re.IGNORECASE)


@dataclass(frozen=True)
class Phrase:
    """A run of content tokens between fillers/separators.

    ``text`` has glue words and spaces removed (used for lookups); ``display``
    keeps the user's spacing (shown back to the user); ``boundaries`` are the
    token end offsets inside ``text``; ``offsets[i]`` is where ``text[i]``
    sits in ``display``.
    """

    tokens: tuple[str, ...]
    text: str
    display: str
    boundaries: frozenset[int]
    offsets: tuple[int, ...]

    @property
    def is_meaningful(self) -> bool:
        """False for phrases made only of digits (quantities, prices)."""
        return bool(self.text) and not _DIGITS_ONLY.match(self.text)

    def display_span(self, start: int, end: int) -> str:
        """The user's own spelling of ``text[start:end]`` (inner spaces kept)."""
        return self.display[self.offsets[start] : self.offsets[end - 1] + 1]


@dataclass(frozen=True)
class PreparedQuery:
    """A normalised message: explicit standard references and product phrases."""

    normalized: str
    refs: tuple[tuple[int, int | None], ...]
    phrases: tuple[Phrase, ...]


def default_word_trie() -> Trie:
    """PyThaiNLP's default word trie: built once per process (~0.5 s) and shared
    with every other PyThaiNLP tokenizer call in the process."""
    return word_dict_trie()


class LayeredTrie(Trie):
    """A read-only view of two tries: the shared default words plus our own words.

    newmm only asks a dictionary for ``prefixes`` (and its length), so the big
    default trie is built once per process and a rebuild of the matcher (an
    officer added an alias) only builds the small trie of our words.
    """

    def __init__(self, base: Trie, extra: Iterable[str]) -> None:
        super().__init__(w for w in extra if w and " " not in w)
        self._base = base

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        own = super().prefixes(text, start)
        if not own:
            return self._base.prefixes(text, start)
        return sorted(set(own).union(self._base.prefixes(text, start)), key=len)

    def __contains__(self, key: str) -> bool:
        return super().__contains__(key) or key in self._base

    def __len__(self) -> int:
        return super().__len__() + len(self._base)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for word in (*super().__iter__(), *self._base):
            if word not in seen:
                seen.add(word)
                yield word


def build_tokenizer_trie(extra_words: Iterable[str]) -> Trie:
    """PyThaiNLP's default word list plus our product words and chat words."""
    return LayeredTrie(default_word_trie(), extra_words)


class QueryPreprocessor:
    """Stateless after construction, so one instance can serve many threads."""

    def __init__(
        self,
        product_keys: Iterable[str],
        fillers: Iterable[str],
        separators: Iterable[str],
        glue_words: Iterable[str],
    ) -> None:
        self.fillers = frozenset(filter(None, (lexicon_key(w) for w in fillers)))
        self.separators = frozenset(filter(None, (lexicon_key(w) for w in separators)))
        self.glue = frozenset(filter(None, (lexicon_key(w) for w in glue_words)))
        self.trie = build_tokenizer_trie(
            [*product_keys, *self.fillers, *self.separators, *self.glue]
        )

    def tokenize(self, text: str) -> list[str]:
        """newmm tokens of normalised text (whitespace kept as tokens)."""
        return word_tokenize(text, custom_dict=self.trie, engine="newmm", keep_whitespace=True)

    def prepare(self, query: str) -> PreparedQuery:
        """Normalise ``query``, pull out ``มผช. N`` references and split it into phrases."""
        normalized = normalize_text(query)
        refs = find_standard_refs(normalized)
        text = normalized
        for _number, _year, (start, end) in reversed(refs):
            text = f"{text[:start]} , {text[end:]}"
        text = _CODE_PREFIX.sub(" , ", text)
        phrases = self._phrases(self.tokenize(text))
        return PreparedQuery(normalized, tuple((n, y) for n, y, _ in refs), tuple(phrases))

    def _phrases(self, tokens: list[str]) -> list[Phrase]:
        phrases: list[Phrase] = []
        current: list[tuple[str, bool]] = []  # (token, preceded by a space)
        space_before = False
        for raw in tokens:
            token = raw.strip()
            if not token:
                space_before = True
                continue
            if token in self.fillers or token in self.separators or not _HAS_WORD_CHAR.search(token):
                self._flush(current, phrases)
            else:
                current.append((token, space_before))
            space_before = False
        self._flush(current, phrases)
        return phrases

    def _flush(self, current: list[tuple[str, bool]], phrases: list[Phrase]) -> None:
        """Close the phrase collected in ``current`` (if it has content) and reset it."""
        text, display, ends, offsets = "", "", set(), []
        for token, space_before in current:
            if display and space_before:
                display += " "
            start = len(display)
            display += token
            if token not in self.glue:
                offsets.extend(range(start, start + len(token)))
                text += token
                ends.add(len(text))
        if text:
            tokens = tuple(t for t, _ in current)
            phrases.append(Phrase(tokens, text, display, frozenset(ends), tuple(offsets)))
        current.clear()
