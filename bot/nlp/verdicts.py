"""From evidence to verdicts: per product phrase ``match`` / ``choose`` / not covered, then one verdict
for the whole message (pure functions; the thresholds that turn scores into verdicts live here)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.nlp.lexicon import NOT_COMMUNITY, LexiconEntry
from bot.nlp.records import (
    CHOOSE,
    MATCH,
    NOT_COMMUNITY_PRODUCT,
    NOT_IN_KNOWLEDGE,
    UNKNOWN,
    Candidate,
    MatchResult,
    ProductMatch,
    StandardRecord,
)

MATCH_THRESHOLD = 0.8  # best score at least this, and clear of the runner-up → match
MATCH_MARGIN = 0.1
CHOOSE_THRESHOLD = 0.45  # below this a phrase is not recognised at all
CHOOSE_SPREAD = 0.3  # a short list keeps candidates within this of the best


@dataclass
class Evidence:
    """Evidence about one product inside a message."""

    phrase: str
    scores: dict[int, float] = field(default_factory=dict)
    other_kind: str = ""  # UNLISTED or NOT_COMMUNITY when that evidence wins
    other_detail: str = ""
    other_score: float = 0.0

    def add(self, number: int, score: float) -> None:
        if score > self.scores.get(number, 0.0):
            self.scores[number] = score

    def add_other(self, entry: LexiconEntry, score: float) -> None:
        if score > self.other_score:
            self.other_kind, self.other_detail, self.other_score = entry.kind, entry.detail, score


def decide(unit: Evidence, k: int, current: Mapping[int, StandardRecord]) -> ProductMatch:
    """The verdict for one product phrase; at most ``k`` candidates (current editions from ``current``)."""
    ranked = sorted(unit.scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best = ranked[0][1] if ranked else 0.0
    if unit.other_kind and unit.other_score >= max(best, CHOOSE_THRESHOLD):
        verdict = NOT_COMMUNITY_PRODUCT if unit.other_kind == NOT_COMMUNITY else NOT_IN_KNOWLEDGE
        return ProductMatch(unit.phrase, verdict, (), unit.other_detail or unit.other_kind)
    if best < CHOOSE_THRESHOLD:
        return ProductMatch(unit.phrase, UNKNOWN, ())

    def candidate(number: int, score: float) -> Candidate:
        record = current[number]
        return Candidate(number, record.code, record.name, round(score, 3))

    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best >= MATCH_THRESHOLD and best - runner_up >= MATCH_MARGIN:
        return ProductMatch(unit.phrase, MATCH, (candidate(*ranked[0]),))
    floor = max(CHOOSE_THRESHOLD, best - CHOOSE_SPREAD)
    kept = tuple(candidate(n, s) for n, s in ranked[:k] if s >= floor)
    return ProductMatch(unit.phrase, CHOOSE, kept)


def aggregate(query: str, parts: list[ProductMatch], k: int) -> MatchResult:
    """One verdict for the message from its products' verdicts."""
    covered = [p for p in parts if p.verdict in (MATCH, CHOOSE)]
    if covered:
        verdict = MATCH if all(p.verdict == MATCH for p in covered) else CHOOSE
        candidates = round_robin([p.candidates for p in covered], k)
        return MatchResult(query, verdict, candidates, tuple(p.phrase for p in covered), tuple(parts))
    known = [p for p in parts if p.verdict != UNKNOWN]
    if known:
        return MatchResult(query, known[0].verdict, (), tuple(p.phrase for p in known), tuple(parts))
    return MatchResult(query, NOT_IN_KNOWLEDGE, (), tuple(p.phrase for p in parts), tuple(parts))


def round_robin(lists: list[tuple[Candidate, ...]], k: int) -> tuple[Candidate, ...]:
    """Merge per-product candidate lists: every product's best first, then the seconds…"""
    seen: set[int] = set()
    out: list[Candidate] = []
    depth = max((len(c) for c in lists), default=0)
    for i in range(depth):
        for cands in lists:
            if i < len(cands) and cands[i].number not in seen and len(out) < k:
                seen.add(cands[i].number)
                out.append(cands[i])
    return tuple(out)
