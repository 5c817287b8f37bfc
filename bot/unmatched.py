"""Count what users ask that the knowledge does not cover (``unmatched_query``), for officers to review."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.logs import redact
from bot.models import UnmatchedQuery
from bot.nlp.normalize import normalize_text

MAX_CHARS = 500


def record_unmatched(session: Session, kind: str, text: str, now: datetime | None = None) -> UnmatchedQuery | None:
    """Add one sighting of ``text`` under ``kind`` (one row per kind and normalised text); None for blank text."""
    text = redact((text or "").replace("\x00", ""))  # no personal numbers; PostgreSQL text cannot hold NUL
    normalized = normalize_text(text)[:MAX_CHARS]
    if not normalized:
        return None
    now = now or utcnow()
    query = select(UnmatchedQuery).where(UnmatchedQuery.kind == kind, UnmatchedQuery.normalized == normalized)
    row = session.scalars(query).first()
    if row is None:
        try:
            with session.begin_nested():  # another worker may insert the same text at the same moment
                row = UnmatchedQuery(kind=kind, normalized=normalized, example=text.strip()[:MAX_CHARS], count=1,
                                     first_seen_at=now, last_seen_at=now)
                session.add(row)
            return row
        except IntegrityError:
            row = session.scalars(query).one()
    row.count += 1
    row.last_seen_at = now
    return row
