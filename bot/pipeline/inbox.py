"""The durable inbox: webhook events are stored once, whatever LINE redelivers."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from bot.db import column_length, db, one_statement, table_of, utcnow
from bot.models import InboundEvent, OutboundMessage

log = logging.getLogger(__name__)


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


# A webhook timestamp is in milliseconds; anything outside a BIGINT (or before 1970) is not LINE's.
MAX_TIMESTAMP = 2**63 - 1


class EventTooOdd(ValueError):
    """A value of the event would not fit its column (or the reply's): the event cannot be kept."""


def check_fits(row: EventRow, reply_token: str | None) -> None:
    """Raise `EventTooOdd` unless every value fits its column, the reply token included (it goes to
    ``outbound_message.reply_token``): checked before anything reaches the database."""
    values = {(InboundEvent, "webhook_event_id"): row.webhook_event_id, (InboundEvent, "event_type"): row.event_type,
              (InboundEvent, "source_user_id"): row.source_user_id or "", (InboundEvent, "mode"): row.mode,
              (OutboundMessage, "reply_token"): reply_token or ""}
    for (model, name), value in values.items():
        limit = column_length(table_of(model).c[name], 0)
        if len(value) > limit:
            raise EventTooOdd(f"{name} longer than {limit} characters")
    if not 0 <= row.event_timestamp <= MAX_TIMESTAMP:
        raise EventTooOdd("timestamp out of range")


def without_text(payload: dict) -> dict:
    """The event as kept once it needs no answer (answered, failed, standby, skipped): what the user
    typed may hold phone numbers or the verification answer, so it is dropped (the event id still
    guards against redelivery)."""
    message = payload.get("message")
    if isinstance(message, dict) and "text" in message:
        return {**payload, "message": {**message, "text": "", "textRemoved": True}}
    return payload


def store_events(rows: Iterable[EventRow]) -> int:
    """Insert events in one transaction, ignoring ids already stored; return how many are new.

    Standby-mode events are stored as ``skipped`` (another channel owns the chat), without their text.
    """
    values = [
        {
            **row.__dict__,
            "payload": row.payload if row.mode == "active" else without_text(row.payload),
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
    # A plain connection (no ORM session work on the hot path); on PostgreSQL a trigger NOTIFYs the workers.
    try:
        with one_statement() as connection:
            return len(connection.execute(stmt, values).all())
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    # The connection had been closed under us (the server restarted): the pool is renewed, and the insert,
    # which stores nothing twice, is tried once more instead of answering LINE with a 500.
    log.warning("inbox: the database connection was lost; storing the events on a new one")
    with one_statement() as connection:
        return len(connection.execute(stmt, values).all())
