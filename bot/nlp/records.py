"""Immutable records shared by the knowledge loader, the matcher and its callers."""
from __future__ import annotations

from dataclasses import dataclass, field

# Verdicts of :class:`MatchResult` (also the strings written by the CLI).
MATCH = "match"
CHOOSE = "choose"
NOT_COMMUNITY_PRODUCT = "not_community_product"
NOT_IN_KNOWLEDGE = "not_in_knowledge"
VERDICTS = (MATCH, CHOOSE, NOT_COMMUNITY_PRODUCT, NOT_IN_KNOWLEDGE)
# Per-product only (``ProductMatch.verdict``): a phrase nothing in the knowledge resembles.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class StandardRecord:
    """One edition of a community product standard (a row of ``knowledge/standards.csv``)."""

    number: int
    year: int
    code: str
    name: str
    category: str
    keywords: tuple[str, ...]
    source: str
    superseded_by: str | None
    withdrawn: bool = False  # no longer on TISI's list (kept for history, never offered)
    name_en: str = ""  # the official English title (TISI's list), when known
    pdf_url: str = ""  # the standard's PDF on TISI's site (TISI's list), when known

    @property
    def is_current(self) -> bool:
        """True when no newer edition of the same number is known and the edition is not withdrawn."""
        return self.superseded_by is None and not self.withdrawn


@dataclass(frozen=True)
class AliasRecord:
    """Another name for a standard's product (a row of ``knowledge/aliases.csv``)."""

    alias: str
    number: int
    source: str


@dataclass(frozen=True)
class Candidate:
    """A standard proposed for a query; ``code`` is always the current edition."""

    number: int
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class ProductMatch:
    """What the matcher decided for one product phrase of a message.

    ``verdict`` is one of :data:`VERDICTS` or :data:`UNKNOWN`; ``detail`` names the lexicon kind
    for not-covered verdicts (e.g. ``vehicle``, ``herbal``) or is empty.
    """

    phrase: str
    verdict: str
    candidates: tuple[Candidate, ...]
    detail: str = ""


@dataclass(frozen=True)
class MatchResult:
    """The answer for one chat message.

    ``products`` are the product phrases detected, ``candidates`` the standards
    proposed (best first), ``parts`` the per-product decisions behind them.
    """

    query: str
    verdict: str
    candidates: tuple[Candidate, ...]
    products: tuple[str, ...]
    parts: tuple[ProductMatch, ...] = field(default=(), compare=False)

    def to_json_dict(self) -> dict[str, object]:
        """The CLI's JSON shape: query, verdict and candidates only."""
        return {
            "query": self.query,
            "verdict": self.verdict,
            "candidates": [
                {"number": c.number, "code": c.code, "name": c.name, "score": c.score}
                for c in self.candidates
            ],
        }
