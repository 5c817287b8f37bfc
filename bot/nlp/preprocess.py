"""Turn a chat message into product phrases: normalise, tokenise, drop chat fillers, split."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pythainlp.tokenize import word_dict_trie, word_tokenize
from pythainlp.util import Trie

from bot.nlp.codes import find_standard_refs
from bot.nlp.lexicon import lexicon_key
from bot.nlp.normalize import normalize_text

# A token with no letter or digit (punctuation, emoji, "%") ends a phrase.
_HAS_WORD_CHAR = re.compile(r"[0-9a-z\u0e01-\u0e4e]", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[a-z'-]+", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^[0-9.,]+$")
# "มผช." / "ม.ผ.ช." / "TCPS" without a number: part of the question, not of the product.
_CODE_PREFIX = re.compile(r"ม\.?ผ\.?ช\.?|tcps\.?", re.IGNORECASE)
# Placeholder for the i-th reference; letters only, so newmm keeps it as one token.
_REF_TOKEN_RE = re.compile(r"zzref([a-j]+)zz")
_DIGIT_LETTERS = str.maketrans("0123456789", "abcdefghij")
_LETTER_DIGITS = str.maketrans("abcdefghij", "0123456789")


def _ref_token(index: int) -> str:
    return f"zzref{str(index).translate(_DIGIT_LETTERS)}zz"


@dataclass(frozen=True)
class Phrase:
    """A run of content tokens between fillers/separators.

    ``text`` has glue words and spaces removed (used for lookups); ``display``
    keeps the user's spacing (shown back to the user); ``boundaries`` are the
    token end offsets inside ``text``; ``offsets[i]`` is where ``text[i]``
    sits in ``display``; ``head_ends`` are where a compound token's short head
    ends ("ชา|เขียว"): a key may end there, but none starts there ("น้ำ|ปลา" holds no ปลา).
    """

    tokens: tuple[str, ...]
    text: str
    display: str
    boundaries: frozenset[int]
    offsets: tuple[int, ...]
    head_ends: frozenset[int] = frozenset()

    @property
    def is_meaningful(self) -> bool:
        """False for phrases made only of digits (quantities, prices)."""
        return bool(self.text) and not _DIGITS_ONLY.match(self.text)

    def display_span(self, start: int, end: int) -> str:
        """The user's own spelling of ``text[start:end]`` (inner spaces kept)."""
        return self.display[self.offsets[start] : self.offsets[end - 1] + 1]


class StandardRef(NamedTuple):
    """An explicit ``มผช. N[/YYYY]`` written in the message."""

    number: int
    year: int | None


@dataclass(frozen=True)
class PreparedQuery:
    """A normalised message split into product phrases and explicit references, in order."""

    normalized: str
    items: tuple[Phrase | StandardRef, ...]

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        return tuple(i for i in self.items if isinstance(i, Phrase))

    @property
    def refs(self) -> tuple[StandardRef, ...]:
        return tuple(i for i in self.items if isinstance(i, StandardRef))


def default_word_trie() -> Trie:
    """PyThaiNLP's default word trie: built once per process (~0.5 s) and shared
    with every other PyThaiNLP tokenizer call in the process."""
    return word_dict_trie()


SHORT_HEAD_LEN = 3  # ขนม, หมู, ไข่, ปลา


@lru_cache(maxsize=65536)
def default_words(text: str) -> tuple[str, ...]:
    """newmm with PyThaiNLP's own dictionary only (splits our multi-word keys); cached, as every
    rebuild of the matcher tokenises the same names again."""
    return tuple(word_tokenize(text, custom_dict=default_word_trie(), engine="newmm", keep_whitespace=False))


@lru_cache(maxsize=65536)
def head_split(word: str) -> int:
    """Where a one-word compound splits after a short generic noun ("ขนมไทย" → 3, "ชาเขียว" → 2), or 0.
    Longer first parts are left whole ("ดินสอพอง" is not a kind of ดินสอ)."""
    trie = default_word_trie()
    for head in sorted(trie.prefixes(word), key=len, reverse=True):
        rest = word[len(head):]
        if 2 <= len(head) <= SHORT_HEAD_LEN and len(rest) >= 2 and rest in trie:
            return len(head)
    return 0


def title_words(text: str) -> tuple[str, ...]:
    """:func:`default_words`, with a one-word compound split by :func:`head_split` when it can be
    ("ขนมไทย" → "ขนม|ไทย", "หมูหยอง" → "หมู|หยอง"): titles are named by their head word."""
    words = default_words(text)
    if len(words) != 1:
        return words
    cut = head_split(words[0])
    return (words[0][:cut], words[0][cut:]) if cut else words


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
        """newmm tokens of normalised text (whitespace kept as tokens); a Latin word stays whole
        (newmm would cut "orange" at the dictionary word "or")."""
        tokens: list[str] = []
        for token in word_tokenize(text, custom_dict=self.trie, engine="newmm", keep_whitespace=True):
            if tokens and _LATIN_WORD.fullmatch(token) and _LATIN_WORD.fullmatch(tokens[-1]):
                tokens[-1] += token
            else:
                tokens.append(token)
        return tokens

    def prepare(self, query: str) -> PreparedQuery:
        """Normalise ``query``, pull out ``มผช. N`` references and split it into phrases."""
        normalized = normalize_text(query)
        found = find_standard_refs(normalized)
        refs = [StandardRef(number, year) for number, year, _span in found]
        text = normalized
        # Each reference becomes a placeholder token so that it keeps its place among the phrases.
        for i, (_number, _year, (start, end)) in reversed(list(enumerate(found))):
            text = f"{text[:start]} {_ref_token(i)} {text[end:]}"
        text = _CODE_PREFIX.sub(" , ", text)
        return PreparedQuery(normalized, tuple(self._items(self.tokenize(text), refs)))

    def _items(self, tokens: list[str], refs: list[StandardRef]) -> list[Phrase | StandardRef]:
        items: list[Phrase | StandardRef] = []
        current: list[tuple[str, bool]] = []  # (token, preceded by a space)
        space_before = False
        for raw in tokens:
            token = raw.strip()
            if not token:
                space_before = True
                continue
            placeholder = _REF_TOKEN_RE.fullmatch(token)
            if placeholder:
                self._flush(current, items)
                items.append(refs[int(placeholder.group(1).translate(_LETTER_DIGITS))])
            elif token in self.fillers or token in self.separators or not _HAS_WORD_CHAR.search(token):
                self._flush(current, items)
            else:
                current.append((token, space_before))
            space_before = False
        self._flush(current, items)
        return items

    def _flush(self, current: list[tuple[str, bool]], phrases: list[Phrase | StandardRef]) -> None:
        """Close the phrase collected in ``current`` (if it has content) and reset it."""
        text, display = "", ""
        ends: set[int] = set()
        heads: set[int] = set()
        offsets: list[int] = []
        for token, space_before in current:
            if display and space_before:
                display += " "
            start = len(display)
            display += token
            if token not in self.glue:
                offsets.extend(range(start, start + len(token)))
                cut = head_split(token)
                if cut:  # a query's compound is split as a title's is ("ชา|เขียว", "ขนม|ตะโก้")
                    heads.add(len(text) + cut)
                text += token
                ends.add(len(text))
        if text:
            tokens = tuple(t for t, _ in current)
            phrases.append(Phrase(tokens, text, display, frozenset(ends), tuple(offsets), frozenset(heads)))
        current.clear()
