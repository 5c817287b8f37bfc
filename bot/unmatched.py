"""Count what users ask that the knowledge does not answer (``unmatched_query``, shown to officers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import UnmatchedQuery

# Kinds of unmatched product questions.
NOT_IN_KNOWLEDGE = "not_in_knowledge"  # a community product whose standard is not in our data
NOT_COMMUNITY = "not_community"  # not a community product at all (cars, medicines, services…)
LOW_CONFIDENCE = "low_confidence"  # the matcher offered a short list, not one confident standard
NONE_FITS = "none_fits"  # the user said none of the proposed standards fits

_TEXT_LEN = UnmatchedQuery.__table__.c.normalized.type.length or 500


def _clip(text: str) -> str:
    return " ".join(text.split())[:_TEXT_LEN]


def record_unmatched(session: Session, kind: str, normalized: str, example: str,
                     now: datetime | None = None) -> UnmatchedQuery:
    """Count one more ``kind`` query with this normalised text (in the caller's transaction).

    ``example`` (the user's own words) is the latest one seen. Concurrent first sightings of
    the same text are merged (the unique (kind, normalized) key, retried in a savepoint).
    """
    now = now or utcnow()
    normalized, example = _clip(normalized) or _clip(example), _clip(example)
    for _ in range(2):
        row = session.scalars(
            select(UnmatchedQuery).where(UnmatchedQuery.kind == kind, UnmatchedQuery.normalized == normalized)
            .with_for_update()
        ).one_or_none()
        if row is not None:
            row.count += 1
            row.example = example
            row.last_seen_at = now
            return row
        try:
            with session.begin_nested():
                row = UnmatchedQuery(kind=kind, normalized=normalized, example=example, count=1,
                                     first_seen_at=now, last_seen_at=now)
                session.add(row)
            return row
        except IntegrityError:
            continue  # another worker inserted it first: count on that row
    raise RuntimeError("could not record the unmatched query")  # pragma: no cover - two races in a row
