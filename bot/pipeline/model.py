"""The pipeline's tables (imported by bot.models with the others): the webhook inbox, the transactional
outbox and the workers' heartbeats."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, db, utcnow

# Flask-SQLAlchemy builds db.Model from Base at run time; type checkers see Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class InboundEvent(Model):
    """One webhook event as LINE sent it; the UNIQUE event id makes redeliveries harmless."""

    __tablename__ = "inbound_event"
    __table_args__ = (
        Index("ix_inbound_event_queue", "status", "next_attempt_at", "id"),
        # A user's waiting events, for "no earlier event of this user is pending" (the dispatcher's order).
        Index("ix_inbound_event_user_pending", "source_user_id", "event_timestamp", "id",
              postgresql_where=sql_text("status = 'pending'"), sqlite_where=sql_text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    source_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(16), default="active")
    is_redelivery: Mapped[bool] = mapped_column(Boolean, default=False)
    event_timestamp: Mapped[int] = mapped_column(BigInteger, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending → done | skipped (standby, groups) | failed (handler kept failing)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)


class WorkerHeartbeat(Model):
    """A running dispatcher/sender process, seen every ``HEARTBEAT_SECONDS`` (GET /healthz/pipeline)."""

    __tablename__ = "worker_heartbeat"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid:random
    kind: Mapped[str] = mapped_column(String(16))  # worker | embedded
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime)


def new_retry_key() -> str:
    return str(uuid.uuid4())


class OutboundMessage(Model):
    """A message to deliver (transactional outbox). ``retry_key`` is sent as X-Line-Retry-Key."""

    __tablename__ = "outbound_message"
    __table_args__ = (
        Index("ix_outbound_message_queue", "status", "next_attempt_at", "id"),
        # A recipient's unsent rows only, for "no earlier row of this recipient is waiting" (the sender's order).
        Index("ix_outbound_message_recipient", "recipient", "id",
              postgresql_where=sql_text("status IN ('pending', 'sending')"),
              sqlite_where=sql_text("status IN ('pending', 'sending')")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    retry_key: Mapped[str] = mapped_column(String(36), unique=True, default=new_retry_key)
    kind: Mapped[str] = mapped_column(String(16))  # reply | push | multicast
    purpose: Mapped[str] = mapped_column(String(32), default="reply")
    reply_token: Mapped[str | None] = mapped_column(String(255))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The one recipient of a reply or push (NULL for a multicast): that recipient's rows leave in order.
    recipient: Mapped[str | None] = mapped_column(String(64))
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # pending → sending (leased) → sent | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(16))  # quota | rejected | exhausted
    line_request_id: Mapped[str | None] = mapped_column(String(64))
    inbound_event_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_event.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
