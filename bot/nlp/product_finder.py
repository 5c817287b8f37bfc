"""Product evidence in a chat message, for intent routing (pure, no I/O after build).

A standard's name or alias (exact, then misspelt), an everyday product word ("กล้วย…", "soap"),
or a product named the way producers speak ("ทำ…ขาย", "I make …") even when it is in no list.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pythainlp.corpus.common import thai_words
from rapidfuzz import fuzz, process

from bot.nlp.cues import Cues, IntentRules, phrase_pattern
from bot.nlp.textproc import TextPrep

# RapidFuzz ratio for a misspelt product name ("ไข่เคม" → "ไข่เค็ม").
PRODUCT_FUZZY_CUTOFF = 88
FUZZY_MIN_LEN = 4

_THAI = re.compile("[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Product:
    """A product found in a message."""

    text: str  # the standard name/alias or product word found
    strong: bool  # a standard name/alias (True) or just an everyday product word (False)
    span: tuple[int, int] | None  # token index range in the message, if found by tokens
    written: str = ""  # the words naming it ("ทำไส้อั่วขาย"), masked with it; default: ``text``


class ProductFinder:
    """Finds the product a message names; built once from the product terms and intents.yaml."""

    def __init__(self, terms: Iterable[str], rules: IntentRules, prep: TextPrep, fillers: frozenset[str],
                 frame: Cues | None) -> None:
        self.terms = frozenset(terms)
        self._prep = prep
        self._fillers = fillers
        self._frames = frame.regexes if frame is not None else []
        self._words = tuple(prep.prepare(w) for w in rules.product_words if _THAI.search(w))
        self._words_en = [re.compile(phrase_pattern(prep.prepare(w))) for w in rules.product_words if not _THAI.search(w)]
        self._words_not = frozenset(prep.prepare(w) for w in rules.product_words_not)
        self._context = frozenset(prep.prepare(w) for w in rules.product_context)
        self._fuzzy_terms = sorted(t for t in self.terms if len(t) >= FUZZY_MIN_LEN)
        self.dictionary = frozenset(thai_words())

    def find(self, tokens: list[str], text: str) -> Product | None:
        """Longest standard name/alias in ``tokens`` (exact, then fuzzy), else a product word."""
        return self.strong(tokens) or self._everyday(tokens, text)

    def strong(self, tokens: list[str]) -> Product | None:
        """The longest standard name/alias in ``tokens``, exact or misspelt; None if there is none."""
        best: Product | None = None
        for i in range(len(tokens)):
            for n in range(min(4, len(tokens) - i), 0, -1):
                gram = "".join(tokens[i : i + n])
                if gram in self.terms and (best is None or len(gram) > len(best.text)):
                    best = Product(gram, True, (i, i + n))
        if best:
            return best
        for i in range(len(tokens)):
            for n in range(min(3, len(tokens) - i), 0, -1):
                gram = "".join(tokens[i : i + n])
                if len(gram) < FUZZY_MIN_LEN or (n == 1 and gram in self.dictionary):
                    continue
                hit = process.extractOne(gram, self._fuzzy_terms, scorer=fuzz.ratio, score_cutoff=PRODUCT_FUZZY_CUTOFF)
                if hit is not None:
                    return Product(hit[0], True, (i, i + n))
        return None

    def _everyday(self, tokens: list[str], text: str) -> Product | None:
        """An everyday product word, a one-word part of a name, or a product named by a frame."""
        for i, tok in enumerate(tokens):
            if tok in self._words_not:
                continue
            head = "".join(tokens[i : i + 3])
            word = next((w for w in self._words if head.startswith(w)), None)
            if word is not None:
                end, length = i, 0
                while length < len(word):  # tokens covering the product word
                    length += len(tokens[end])
                    end += 1
                return Product("".join(tokens[i:end]), False, (i, end))
        content = [(i, t) for i, t in enumerate(tokens) if t not in self._fillers]
        if len(content) == 1 and len(content[0][1]) >= FUZZY_MIN_LEN:
            # A one-word message that is part of a name: "กะละแม" for "ขนมกะละแม".
            i, tok = content[0]
            if any(tok in term for term in self.terms):
                return Product(tok, False, (i, i + 1))
        framed = self.framed(text)  # "I make dried mango": the whole name, before the word "mango"
        if framed is not None:
            return framed
        for pattern in self._words_en:
            m = pattern.search(text)
            if m:
                return Product(m.group(0), False, None)
        return None

    def framed(self, text: str) -> Product | None:
        """A product named by how producers speak ("ทำ…ขาย", "I make …"), whatever it is."""
        for regex in self._frames:
            m = regex.search(text)
            if m and m.group("product").strip():
                return Product(m.group("product").strip(), False, None, m.group(0))
        return None

    def mask(self, text: str, tokens: list[str], product: Product) -> str:
        """``text`` without the product and the words describing it ("ทำ…ขาย", "สินค้าเรา")."""
        if product.span is None:
            return text.replace(product.written or product.text, " ", 1).strip()
        start, end = product.span
        kept = [t for t in tokens[:start] + tokens[end:] if t not in self._context]
        return " ".join(kept)
