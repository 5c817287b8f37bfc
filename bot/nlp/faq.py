"""FAQ loading, validation and retrieval.

Scoring (``FaqIndex.search``): the message and every stored question (Thai and English) are
prepared with :class:`bot.nlp.textproc.TextPrep`. Per question the score is

    TOKEN_WEIGHT * weighted Dice of newmm tokens (IDF x lexicon light-word weight;
                   misspelt tokens mapped onto the FAQ vocabulary with RapidFuzz)
  + CHAR_WEIGHT  * IDF-weighted Dice of character trigrams (robust to segmentation)

and an entry scores the best of its questions. Scores are in [0, 1].

Decision (``FaqIndex.answer``), thresholds tuned on ``tests/data/faq_dev.tsv``:

* ``answer``  — top score >= ``ANSWER_THRESHOLD`` and it leads the runner-up by at least
  ``ANSWER_MARGIN`` (or the top score is >= ``SURE_THRESHOLD``): reply with the top entry.
* ``suggest`` — top score >= ``SUGGEST_THRESHOLD``: show up to 3 entries as question buttons.
* ``none``    — otherwise: say we do not know and offer an officer.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

import yaml
from rapidfuzz import fuzz, process

from bot.config import knowledge_file
from bot.nlp.textproc import TextPrep

ANSWER_THRESHOLD = 0.50
ANSWER_MARGIN = 0.06
SURE_THRESHOLD = 0.75
SUGGEST_THRESHOLD = 0.28

TOKEN_WEIGHT = 0.65
CHAR_WEIGHT = 0.35
_FUZZY_CUTOFF = 84  # RapidFuzz ratio for mapping a misspelt token onto the FAQ vocabulary
_FUZZY_DISCOUNT = 0.8  # a token matched only fuzzily counts this much
_MIN_FUZZY_LEN = 4

_SPACES = re.compile(r"\s+")
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_REQUIRED = ("id", "topic", "questions_th", "questions_en", "answer_th", "answer_en", "sources", "unverified")


class FaqValidationError(ValueError):
    """``faq.yaml`` does not follow the schema; the message names the entry and field."""


@dataclass(frozen=True)
class FaqEntry:
    """One question/answer pair with its sources."""

    id: str
    topic: str
    questions_th: tuple[str, ...]
    questions_en: tuple[str, ...]
    answer_th: str
    answer_en: str
    sources: tuple[str, ...]
    unverified: bool
    office_button: bool = False  # the answer carries the "contact the office" button (where to apply…)

    def question(self, lang: str) -> str:
        """The first (canonical) phrasing in ``lang``, used for suggestion buttons."""
        return (self.questions_en if lang == "en" else self.questions_th)[0]


@dataclass(frozen=True)
class FaqDocument:
    """All entries plus the note appended to unverified answers."""

    entries: tuple[FaqEntry, ...]
    unverified_note_th: str
    unverified_note_en: str
    popular: tuple[str, ...] = ()  # ids offered as quick replies when the user is invited to ask

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The entry with ``entry_id``, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def answer_text(self, entry: FaqEntry, lang: str) -> str:
        """The answer in ``lang``, followed by the unverified note when the entry needs it."""
        text = entry.answer_en if lang == "en" else entry.answer_th
        if entry.unverified:
            note = self.unverified_note_en if lang == "en" else self.unverified_note_th
            text = f"{text}\n\n{note}"
        return text


@dataclass(frozen=True)
class FaqHit:
    """A scored FAQ entry."""

    entry_id: str
    score: float


@dataclass(frozen=True)
class FaqDecision:
    """What to do with a message: answer it, suggest questions, or give up (offer an officer)."""

    kind: Literal["answer", "suggest", "none"]
    hits: tuple[FaqHit, ...]


def _fail(where: str, message: str) -> FaqValidationError:
    return FaqValidationError(f"faq.yaml {where}: {message}")


def _strings(raw: dict, field: str, where: str, minimum: int) -> tuple[str, ...]:
    value = raw.get(field)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, f"'{field}' must be a list of non-empty strings")
    if len(value) < minimum:
        raise _fail(where, f"'{field}' needs at least {minimum} item(s), found {len(value)}")
    return tuple(v.strip() for v in value)


def _text(raw: dict, field: str, where: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{field}' must be a non-empty string")
    return value.strip()


def _entry(raw: object, index: int) -> FaqEntry:
    where = f"entry #{index + 1}"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    if isinstance(raw.get("id"), str):
        where = f"entry '{raw['id']}'"
    missing = [f for f in _REQUIRED if f not in raw]
    if missing:
        raise _fail(where, f"missing field(s): {', '.join(missing)}")
    entry_id = _text(raw, "id", where)
    if not _ID.match(entry_id):
        raise _fail(where, "'id' must be a slug of lowercase letters, digits and underscores")
    sources = _strings(raw, "sources", where, 1)
    for url in sources:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
            raise _fail(where, f"source is not an http(s) URL: {url!r}")
    if not isinstance(raw["unverified"], bool):
        raise _fail(where, "'unverified' must be true or false")
    if not isinstance(raw.get("office_button", False), bool):
        raise _fail(where, "'office_button' must be true or false")
    return FaqEntry(
        id=entry_id,
        topic=_text(raw, "topic", where),
        questions_th=_strings(raw, "questions_th", where, 3),
        questions_en=_strings(raw, "questions_en", where, 1),
        answer_th=_text(raw, "answer_th", where),
        answer_en=_text(raw, "answer_en", where),
        sources=sources,
        unverified=raw["unverified"],
        office_button=raw.get("office_button", False),
    )


def parse_faq(data: object) -> FaqDocument:
    """Validate already-parsed YAML data and build a :class:`FaqDocument`."""
    if not isinstance(data, dict):
        raise _fail("top level", "must be a mapping with 'entries'")
    notes = {}
    for key in ("unverified_note_th", "unverified_note_en"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise _fail("top level", f"'{key}' must be a non-empty string")
        notes[key] = value.strip()
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise _fail("top level", "'entries' must be a non-empty list")
    entries = [_entry(raw, i) for i, raw in enumerate(raw_entries)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise _fail(f"entry '{entry.id}'", "duplicate id")
        seen.add(entry.id)
    popular = data.get("popular") or []
    if not isinstance(popular, list) or len(popular) > 12 or not all(p in seen for p in popular):
        raise _fail("top level", "'popular' must be a list of at most 12 entry ids")
    return FaqDocument(entries=tuple(entries), popular=tuple(popular), **notes)


def load_faq_document(path: Path | str | None = None) -> FaqDocument:
    """Read and validate ``faq.yaml`` (default: the knowledge directory's; entries and the unverified notes)."""
    try:
        data = yaml.safe_load(Path(path or knowledge_file("faq.yaml")).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FaqValidationError(f"faq.yaml is not valid YAML: {exc}") from exc
    return parse_faq(data)


def load_faq(path: Path | str | None = None) -> list[FaqEntry]:
    """Read and validate ``faq.yaml``; return its entries."""
    return list(load_faq_document(path).entries)


def _trigrams(text: str) -> frozenset[str]:
    padded = " " + _SPACES.sub(" ", text) + " "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _idf(docs: Sequence[Iterable[str]]) -> dict[str, float]:
    df = Counter(t for doc in docs for t in set(doc))
    return {t: math.log(1 + len(docs) / c) for t, c in df.items()}


@dataclass(frozen=True)
class _Question:
    entry_id: str
    tokens: frozenset[str]
    token_mass: float  # sum of token weights
    grams: frozenset[str]
    gram_mass: float


class FaqIndex:
    """Similarity search over FAQ questions. Build once; ``search`` is read-only."""

    def __init__(self, entries: Sequence[FaqEntry], prep: TextPrep) -> None:
        self.entries = {e.id: e for e in entries}
        self.prep = prep
        docs: list[tuple[str, frozenset[str], frozenset[str]]] = []
        for entry in entries:
            for question in (*entry.questions_th, *entry.questions_en):
                prepared = prep.prepare(question)
                docs.append((entry.id, frozenset(prep.content_tokens(prepared)), _trigrams(prepared)))
        self._tok_idf = _idf([d[1] for d in docs])
        self._gram_idf = _idf([d[2] for d in docs])
        self._unknown_tok = math.log(1 + len(docs))
        self._vocab = sorted(t for t in self._tok_idf if len(t) >= _MIN_FUZZY_LEN)
        self._questions = [
            _Question(
                eid,
                toks,
                sum(self._tok_weight(t) for t in toks),
                grams,
                sum(self._gram_idf[g] for g in grams),
            )
            for eid, toks, grams in docs
        ]
        self._tok_postings: dict[str, list[int]] = {}
        self._gram_postings: dict[str, list[int]] = {}
        for qi, q in enumerate(self._questions):
            for tok in q.tokens:
                self._tok_postings.setdefault(tok, []).append(qi)
            for gram in q.grams:
                self._gram_postings.setdefault(gram, []).append(qi)

    @classmethod
    def build(cls, entries: Iterable[FaqEntry], prep: TextPrep | None = None) -> FaqIndex:
        """Index ``entries`` (uses the shipped lexicon unless ``prep`` is given)."""
        return cls(list(entries), prep or TextPrep())

    def _tok_weight(self, token: str) -> float:
        return self._tok_idf.get(token, self._unknown_tok) * self.prep.weight(token)

    def _query_tokens(self, prepared: str) -> dict[str, float]:
        """Content tokens mapped onto the FAQ vocabulary, with a credit per token."""
        found: dict[str, float] = {}
        for tok in self.prep.content_tokens(prepared):
            if tok in self._tok_idf:
                found[tok] = 1.0
                continue
            if len(tok) >= _MIN_FUZZY_LEN and self._vocab:
                best = process.extractOne(tok, self._vocab, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
                if best is not None:
                    found.setdefault(best[0], _FUZZY_DISCOUNT)
                    continue
            found.setdefault(tok, 0.0)  # unknown word: adds to the query mass, never matches
        return found

    def scores(self, text: str) -> dict[str, float]:
        """Best score per entry id for ``text`` (entries with no overlap are omitted)."""
        prepared = self.prep.prepare(text)
        if not prepared:
            return {}
        query = self._query_tokens(prepared)
        q_tok_mass = sum(self._tok_weight(t) for t in query)
        q_grams = _trigrams(prepared)
        q_gram_mass = sum(self._gram_idf.get(g, self._unknown_tok) for g in q_grams)
        shared_tok: dict[int, float] = {}
        for tok, credit in query.items():
            if credit:
                weight = self._tok_weight(tok) * credit
                for qi in self._tok_postings.get(tok, ()):
                    shared_tok[qi] = shared_tok.get(qi, 0.0) + weight
        shared_gram: dict[int, float] = {}
        for gram in q_grams:
            gram_weight = self._gram_idf.get(gram)
            if gram_weight:
                for qi in self._gram_postings[gram]:
                    shared_gram[qi] = shared_gram.get(qi, 0.0) + gram_weight
        best: dict[str, float] = {}
        for qi in shared_tok.keys() | shared_gram.keys():
            q = self._questions[qi]
            mass = q_tok_mass + q.token_mass
            tok_score = 2 * shared_tok.get(qi, 0.0) / mass if mass else 0.0
            char = 2 * shared_gram.get(qi, 0.0) / (q_gram_mass + q.gram_mass)
            score = TOKEN_WEIGHT * tok_score + CHAR_WEIGHT * char
            if score > best.get(q.entry_id, 0.0):
                best[q.entry_id] = score
        return best

    def search(self, text: str, k: int = 3) -> list[FaqHit]:
        """The ``k`` best entries for ``text``, best first."""
        ranked = sorted(self.scores(text).items(), key=lambda kv: (-kv[1], kv[0]))
        return [FaqHit(eid, round(score, 4)) for eid, score in ranked[:k]]

    def answer(self, text: str) -> FaqDecision:
        """Decide between a confident answer, up to 3 suggestions, or nothing (see module doc)."""
        hits = self.search(text, k=3)
        if not hits or hits[0].score < SUGGEST_THRESHOLD:
            return FaqDecision("none", ())
        top = hits[0].score
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        if top >= SURE_THRESHOLD or (top >= ANSWER_THRESHOLD and top - runner_up >= ANSWER_MARGIN):
            return FaqDecision("answer", tuple(hits))
        return FaqDecision("suggest", tuple(h for h in hits if h.score >= SUGGEST_THRESHOLD))
