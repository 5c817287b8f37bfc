"""The durable inbox: webhook events are stored once, whatever LINE redelivers."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db import db, table_of, utcnow
from bot.models import InboundEvent


@dataclass(frozen=True)
class EventRow:
    """The columns of one inbound event, extracted by the webhook."""

    webhook_event_id: str
    event_type: str
    source_user_id: str | None
    mode: str
    is_redelivery: bool
    event_timestamp: int
    payload: dict[str, Any]


def store_events(rows: Iterable[EventRow]) -> int:
    """Insert events in one transaction, ignoring ids already stored; return how many are new.

    Standby-mode events are stored as ``skipped``: another channel owns the chat.
    """
    values = [
        {
            **row.__dict__,
            "status": "pending" if row.mode == "active" else "skipped",
            "attempts": 0,
            "next_attempt_at": utcnow(),
            "received_at": utcnow(),
        }
        for row in rows
    ]
    if not values:
        return 0
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(table_of(InboundEvent))
            .on_conflict_do_nothing(index_elements=["webhook_event_id"])
            .returning(InboundEvent.id))
    with db.engine.begin() as connection:  # a plain connection: no ORM session work on the hot path
        return len(connection.execute(stmt, values).all())
