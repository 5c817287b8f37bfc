"""Count what users ask that the knowledge does not cover (``unmatched_query``), for officers to review."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import knowledge_file
from bot.db import column_length, table_of, utcnow
from bot.logs import redact
from bot.models import LineUser, UnmatchedQuery
from bot.nlp.normalize import clean_text, normalize_text
from bot.office.demand.model import UnmatchedAsk
from bot.office.questions import asker_province

# Kinds of unmatched product questions.
NOT_IN_KNOWLEDGE = "not_in_knowledge"  # a community product whose standard is not in our data
NOT_COMMUNITY = "not_community"  # not a community product at all (cars, medicines, services…)
LOW_CONFIDENCE = "low_confidence"  # the matcher offered a short list, not one confident standard
NONE_FITS = "none_fits"  # the user said none of the proposed standards fits
# Questions: "faq" (no FAQ entry fits), "officer" (asked for a person).

MAX_CHARS = column_length(table_of(UnmatchedQuery).c.normalized, 500)


def _clean(text: str) -> str:
    """No personal numbers, fit to store, one line, clipped."""
    return clean_text(redact(clean_text(text, 10 * MAX_CHARS)), MAX_CHARS)


def record_unmatched(session: Session, kind: str, example: str, *, normalized: str | None = None,
                     now: datetime | None = None, user: LineUser | None = None) -> UnmatchedQuery | None:
    """Count one more ``kind`` query (one row per kind and normalised text) in the caller's transaction.

    ``example`` (the user's own words) is kept as the latest one seen; ``normalized`` defaults to its
    normalised form. Returns None for blank text. Concurrent first sightings of the same text are merged
    (the unique (kind, normalized) key, retried in a savepoint). Each ask is also kept in ``unmatched_ask``
    (``user``, to count distinct users, and the province of their linked application) for the demand map.
    """
    example = _clean(example)
    normalized = _clean(normalized if normalized is not None else normalize_text(example)) or normalize_text(example)
    if not normalized:
        return None
    now = now or utcnow()
    row = _count(session, kind, normalized, example, now)
    session.add(UnmatchedAsk(query_id=row.id, line_user_id=user.id if user is not None else None,
                             province=asker_province(session, user.id) if user is not None else None, asked_at=now))
    return row


def _count(session: Session, kind: str, normalized: str, example: str, now: datetime) -> UnmatchedQuery:
    """The (kind, normalized) row, created or counted once more."""
    query = (select(UnmatchedQuery).where(UnmatchedQuery.kind == kind, UnmatchedQuery.normalized == normalized)
             .with_for_update())
    row = session.scalars(query).one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                row = UnmatchedQuery(kind=kind, normalized=normalized, example=example, count=1,
                                     first_seen_at=now, last_seen_at=now)
                session.add(row)
            return row
        except IntegrityError:  # another worker inserted it first: count on that row
            row = session.scalars(query).one()
    row.count += 1
    row.example = example
    row.last_seen_at = now
    return row


@lru_cache(maxsize=1)
def _kind_labels() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(knowledge_file("unmatched.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): {str(lang): str(text) for lang, text in v.items()} for k, v in data.get("kinds", {}).items()}


def kind_label(kind: str, lang: str = "th") -> str:
    """Why the bot could not answer, in words (knowledge/unmatched.yaml), e.g. ``none_fits`` →
    "ผู้ใช้บอกว่าไม่มีมาตรฐานที่ตรง"; an unknown kind as it is."""
    return _kind_labels().get(kind, {}).get(lang, kind)
