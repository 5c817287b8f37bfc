"""Match a producer's chat message to community product standards (มผช.).

Pipeline (see ``knowledge/README.md`` for the data):

1. :class:`~bot.nlp.preprocess.QueryPreprocessor` normalises the message, pulls
   out explicit ``มผช. N`` references, tokenises with newmm + our dictionary,
   drops chat fillers and splits the rest into product phrases.
2. Each phrase is scanned for lexicon keys (longest match, head first). A phrase
   made of several keys ("ไข่เค็มปลาส้ม") yields several products.
3. A phrase without an exact key – or mostly not covered by one – is scored
   with fuzzy edit similarity, LK82 soundex and char n-gram TF-IDF. English words
   the glossary knows are also looked up in Thai (:mod:`bot.nlp.glossary`).
4. Per product: ``match`` / ``choose`` / not covered; then one verdict for the whole
   message (:mod:`bot.nlp.verdicts`).

Scores are in [0, 1]: 1.0 is an exact official name, ~0.97 an exact alias,
0.6 a broad word shared by several standards, lower values fuzzy evidence.
:data:`MATCH_THRESHOLD` and :data:`CHOOSE_THRESHOLD` turn them into verdicts.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.nlp.glossary import Glossary
from bot.nlp.hits import drop_modifiers, fold_class_words, head_spans, may_override, rest_or_whole, strongest
from bot.nlp.knowledge import load_knowledge
from bot.nlp.lexicon import STANDARD, UNLISTED, KeyTrie, LexiconEntry, build_entries
from bot.nlp.preprocess import Phrase, QueryPreprocessor, StandardRef, default_words
from bot.nlp.preprocess import title_words as split_title
from bot.nlp.records import (
    AliasRecord,
    MatchResult,
    StandardRecord,
)
from bot.nlp.similarity import CharNgramIndex, FuzzyKeys, SoundexKeys, TokenSubsequenceKeys
from bot.nlp.title_keys import TitleWords, derive_title_terms, plain_heads
from bot.nlp.verdicts import CHOOSE_THRESHOLD, MATCH_THRESHOLD, Evidence, aggregate, decide

__all__ = ["CHOOSE_THRESHOLD", "MATCH_THRESHOLD", "Matcher", "fuzzy_strength"]

# A phrase the exact scan covers less than this fraction of is also fuzzy-matched whole.
FUZZY_WHOLE_MIN = 0.85
FUZZY_WHOLE_TIE = 0.05
NGRAM_WEIGHT = 0.8  # cosine 1.0 → 0.8: n-gram overlap alone never makes a confident match
AGREEMENT_BONUS = 0.15  # extra for a standard that fuzzy and n-gram evidence both support
SOUNDEX_BASE, SOUNDEX_SPAN = 0.55, 0.4
SOUNDS_SAME = 0.8  # soundex alike and this close in spelling: the same word ("โอ่งดิน" ~ โอ่งดินเผา)
TIE_BREAK = 0.05  # n-gram similarity orders equally weighted keys ("น้ำพริก" → 321 or 129)
PLAIN_FIT = 0.4  # a title that is the shared key plus a process word fits the rest that well at least
MIN_SOFT_LEN = 3  # shorter leftovers are not worth a fuzzy look
# An exact hit on a key this short ("ชา", "ยา") counts fully only when it is most of
# its phrase: "ชากุหลาบ" is a rose tea, probably not the standard for ชา.
SHORT_KEY_LEN = 3
SHORT_KEY_FLOOR = 0.7
COMPOUND_HEAD_STRENGTH = 0.75  # a key that is only the head of a compound word: a short list at most
# Every word of a known multi-word name found in order inside a phrase.
TOKEN_SUBSEQUENCE_STRENGTH = 0.82
TOKEN_SET_STRENGTH = 0.75  # the same words in another order ("ยอหมู"): a short list
# Exact hits covering less than this of a phrase, none of them confident, get the whole phrase's
# fuzzy evidence as well.
WEAK_COVERAGE = 0.5


def fuzzy_strength(similarity: float) -> float:
    """Map an edit similarity (0..1) to evidence strength: 0.55 → 0, 0.95+ → 0.95."""
    return max(0.0, min(1.0, (similarity - 0.55) / 0.4)) * 0.95


class Matcher:
    """An index over the knowledge: build once, then match from any number of threads.

    Nothing is modified after :meth:`build`; to take new aliases into account,
    build a new matcher and swap the reference.
    """

    def __init__(
        self,
        current: Mapping[int, StandardRecord],
        entries: Mapping[str, LexiconEntry],
        preprocessor: QueryPreprocessor,
        ngrams: CharNgramIndex,
        *,
        glossary: Glossary | None = None,
        plain: Mapping[str, frozenset[int]] | None = None,
    ) -> None:
        self.current = dict(current)
        self._glossary = glossary or Glossary()
        self._plain = dict(plain or {})
        self.entries = dict(entries)
        self._keys = list(self.entries)
        self._entry_list = [self.entries[k] for k in self._keys]
        self._trie = KeyTrie(self._keys)
        self._fuzzy = FuzzyKeys(self._keys)
        self._soundex = SoundexKeys(self._keys)
        self._subseq = TokenSubsequenceKeys(self._keys, default_words)
        self._ngrams = ngrams
        self.preprocessor = preprocessor

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        standards: Iterable[StandardRecord],
        aliases: Iterable[AliasRecord],
        *,
        not_community: Mapping[str, str] | None = None,
        unlisted: Mapping[str, str] | None = None,
        fillers: Iterable[str] = (),
        separators: Iterable[str] = (),
        glue_words: Iterable[str] = (),
        title_words: TitleWords | None = None,
        glossary: Glossary | None = None,
    ) -> Matcher:
        """Build the index from records and lexicons (no I/O; ~0.5 s, mostly the word trie)."""
        standards = list(standards)
        aliases = list(aliases)
        current: dict[int, StandardRecord] = {}
        for record in standards:
            best = current.get(record.number)
            if best is None or (record.is_current, record.year) > (best.is_current, best.year):
                current[record.number] = record
        unknown = sorted({a.number for a in aliases} - current.keys())
        if unknown:
            raise ValueError(f"aliases point to standards not in the data: {unknown}")
        vocab = title_words or TitleWords()
        derived = derive_title_terms(standards, vocab, split_title)
        entries = build_entries(standards, aliases, unlisted or {}, not_community or {}, derived)
        documents: dict[int, list[str]] = defaultdict(list)
        for record in standards:
            documents[record.number].extend([record.name, record.name_en, *record.keywords])
        for alias in aliases:
            documents[alias.number].append(alias.alias)
        preprocessor = QueryPreprocessor(entries.keys(), fillers, separators, glue_words)
        return cls(current, entries, preprocessor, CharNgramIndex(documents), glossary=glossary,
                   plain=plain_heads(standards, vocab))

    @classmethod
    def from_knowledge(cls, knowledge_dir: Path | None = None) -> Matcher:
        """Load ``knowledge/`` (or ``knowledge_dir``) and build."""
        standards, aliases, lexicons = load_knowledge(knowledge_dir)
        return cls.build(standards, aliases, **lexicons)

    # ------------------------------------------------------------------ match
    def match(self, query: str, k: int = 3) -> MatchResult:
        """Decide which standard(s) a chat message is about; at most ``k`` candidates."""
        if k < 1:
            raise ValueError("k must be at least 1")
        units: list[Evidence] = []
        for item in self.preprocessor.prepare(query).items:
            if isinstance(item, StandardRef):
                units.append(self._ref_unit(item.number))
            elif item.is_meaningful:
                units.extend(self._phrase_units(item))
        parts = [decide(unit, k, self.current) for unit in units]
        return aggregate(query, parts, k)

    def _phrase_units(self, phrase: Phrase) -> list[Evidence]:
        """The phrase's evidence; for English words the glossary knows ("salted egg"), that of their Thai
        renderings (ไข่เค็ม) when it is stronger and either confident or all there is (a translation does not
        reorder a short list the English words found), until one is confident."""
        units = self._units_for_phrase(phrase)
        best = found = strongest(units)
        for text in self._glossary.renderings(phrase.tokens) if best < MATCH_THRESHOLD else ():
            thai = [u for p in self.preprocessor.prepare(text).phrases if p.is_meaningful
                    for u in self._units_for_phrase(p)]
            if strongest(thai) > best and (strongest(thai) >= MATCH_THRESHOLD or found < CHOOSE_THRESHOLD):
                units, best = thai, strongest(thai)
                if len(units) == 1:
                    units[0].phrase = phrase.display  # the product as the user wrote it
            if best >= MATCH_THRESHOLD:
                break
        return units

    def _ref_unit(self, number: int) -> Evidence:
        """An explicit code: that standard if we have it, else "not in our data"."""
        record = self.current.get(number)
        unit = Evidence(phrase=record.code if record else f"มผช. {number}")
        if record:
            unit.add(number, 1.0)
        else:
            unit.other_kind, unit.other_score = UNLISTED, 1.0
        return unit

    def _units_for_phrase(self, phrase: Phrase) -> list[Evidence]:
        text = phrase.text
        hits = self._scan(text, phrase.boundaries, phrase.head_ends)
        covered = sum(end - start for start, end, _ in hits)
        coverage = covered / len(text)
        if coverage < 1.0:
            close = [(idx, sim) for idx, sim in self._fuzzy.whole(text, FUZZY_WHOLE_MIN)
                     if sim > coverage and may_override(hits, self._entry_list[idx])]
            if close:
                # Every key about as close as the best one competes (a near tie is a choice).
                unit = Evidence(phrase=phrase.display)
                ngram = self._ngrams.scores(text)
                for idx, sim in close:
                    if sim >= close[0][1] - FUZZY_WHOLE_TIE:
                        self._add_entry(unit, self._entry_list[idx], fuzzy_strength(sim), ngram)
                return [unit]
        if not hits:
            return [self._soft_unit(phrase.display, text, phrase)]
        hits = drop_modifiers(hits, phrase)
        units = []
        for i, (start, end, entry) in enumerate(hits):
            unit = Evidence(phrase=phrase.display_span(start, end))
            tie = self._tie(text, start, end, entry)
            strength = 1.0
            if end - start <= SHORT_KEY_LEN:
                segment_end = hits[i + 1][0] if i + 1 < len(hits) else len(text)
                share = (end - start) / (segment_end - start)
                strength = SHORT_KEY_FLOOR + (1 - SHORT_KEY_FLOOR) * share
            if end in phrase.head_ends and end not in phrase.boundaries and end - start <= SHORT_KEY_LEN:
                strength = min(strength, COMPOUND_HEAD_STRENGTH)  # ชา|เขียว: a kind of ชา, or a drink of its own
            self._add_entry(unit, entry, strength, tie)
            units.append(unit)
        units = fold_class_words(units, hits, phrase)
        if len(hits) == 1 and coverage == 1.0 and len(hits[0][2].weights) == 1 and strongest(units) < MATCH_THRESHOLD:
            # A broad key of one standard that is all of the phrase ("โอ่งดิน", a kind of เครื่องปั้นดินเผา):
            # a name or alias of that standard that sounds the same ("โอ่งดินเผา") makes it confident.
            for idx, ratio in self._soundex.lookup(text, SOUNDS_SAME):
                if self._entry_list[idx].numbers == hits[0][2].numbers:
                    self._add_entry(units[0], self._entry_list[idx], SOUNDEX_BASE + SOUNDEX_SPAN * ratio, {})
        if coverage < WEAK_COVERAGE and all(max(u.scores.values(), default=0.0) < MATCH_THRESHOLD for u in units):
            # A broad word covers little of the phrase ("หิน" in "หินสีวาดลายการ์ตูน"):
            # the whole phrase's fuzzy evidence may know better.
            soft = self._soft_unit(phrase.display, text, phrase)
            for unit in units:
                for number, score in unit.scores.items():
                    soft.add(number, score)
            if max(soft.scores.values(), default=0.0) > max(
                    (max(u.scores.values(), default=0.0) for u in units), default=0.0):
                return [soft]
        return units

    def _tie(self, text: str, start: int, end: int, entry: LexiconEntry) -> dict[int, float]:
        """How well the words around a key shared by several standards fit each of them (n-gram overlap);
        a title that is the key and a process word fits at least :data:`PLAIN_FIT` ("น้ำพริก|ผัด")."""
        if len(entry.weights) < 2:
            return {}
        tie = self._ngrams.scores(rest_or_whole(text, start, end))
        for number in self._plain.get(entry.key, frozenset()) & entry.numbers:
            tie[number] = max(tie.get(number, 0.0), PLAIN_FIT)
        return tie

    def _scan(
        self, text: str, boundaries: frozenset[int], head_ends: frozenset[int] = frozenset()
    ) -> list[tuple[int, int, LexiconEntry]]:
        """Longest-match scan for lexicon keys, starting at token boundaries and ending there, or at a head end
        when the key is more than a broad word ("ชา|เขียว" holds ชา; "ขนม|ปัง" is no kind of ขนมไทย)."""
        hits = []
        starts = sorted({0, *boundaries})
        ends = boundaries | head_ends
        pos = 0
        while pos < len(text):
            end = self._trie.longest_at(text, pos, ends)
            if end in head_ends and end not in boundaries and self.entries[text[pos:end]].broad:
                end = self._trie.longest_at(text, pos, boundaries)
            if end > pos:
                hits.append((pos, end, self.entries[text[pos:end]]))
                pos = end
                continue
            pos = next((b for b in starts if b > pos), len(text))
        return hits

    def _add_entry(self, unit: Evidence, entry: LexiconEntry, strength: float, tie: Mapping[int, float]) -> None:
        """Credit ``entry``'s standards (or its not-covered kind) with ``strength``.

        ``tie`` (n-gram similarity of the phrase) orders standards that share a key.
        """
        if entry.kind != STANDARD:
            unit.add_other(entry, strength)
            return
        for number, weight in entry.weights.items():
            unit.add(number, min(1.0, weight * strength + TIE_BREAK * tie.get(number, 0.0)))

    def _soft_unit(self, display: str, text: str, phrase: Phrase) -> Evidence:
        """Fuzzy, soundex and n-gram evidence for a phrase with no exact key."""
        unit = Evidence(phrase=display)
        if len(text) < MIN_SOFT_LEN:
            return unit
        ngram = self._ngrams.scores(text)
        fuzzy_by_number: dict[int, float] = {}
        for idx, sim in self._fuzzy.top(text):
            entry = self._entry_list[idx]
            strength = fuzzy_strength(sim)
            self._add_entry(unit, entry, strength, ngram)
            for number, weight in entry.weights.items():
                fuzzy_by_number[number] = max(fuzzy_by_number.get(number, 0.0), weight * strength)
        for idx, in_order in self._subseq.lookup(text):
            strength = TOKEN_SUBSEQUENCE_STRENGTH if in_order else TOKEN_SET_STRENGTH
            self._add_entry(unit, self._entry_list[idx], strength, ngram)
        for span in head_spans(phrase):
            for idx, ratio in self._soundex.lookup(span):
                strength = (SOUNDEX_BASE + SOUNDEX_SPAN * ratio) * (0.7 + 0.3 * len(span) / len(text))
                self._add_entry(unit, self._entry_list[idx], strength, ngram)
        for number, cosine in ngram.items():
            score = NGRAM_WEIGHT * cosine
            if fuzzy_by_number.get(number, 0.0) > 0:
                score += AGREEMENT_BONUS * min(cosine, fuzzy_by_number[number])
            unit.add(number, min(score, 0.99))
        return unit
