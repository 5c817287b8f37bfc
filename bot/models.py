"""SQLAlchemy 2.0 typed models. The schema itself is created only by migrations."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import db, utcnow


class LineUser(db.Model):
    """A LINE user who has talked to the bot (or followed it)."""

    __tablename__ = "line_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[Optional[str]] = mapped_column(String(200))
    following: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="th")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    unfollowed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    state: Mapped[Optional["ConversationState"]] = relationship(back_populates="user", uselist=False)


class ConversationState(db.Model):
    """Where a user is inside a multi-step flow (e.g. status check); expires on its own."""

    __tablename__ = "conversation_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("line_user.id", ondelete="CASCADE"), unique=True)
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[LineUser] = relationship(back_populates="state")


class InboundEvent(db.Model):
    """One webhook event as LINE sent it; the UNIQUE event id makes redeliveries harmless."""

    __tablename__ = "inbound_event"
    __table_args__ = (Index("ix_inbound_event_queue", "status", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    source_user_id: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(16), default="active")
    is_redelivery: Mapped[bool] = mapped_column(Boolean, default=False)
    event_timestamp: Mapped[int] = mapped_column(BigInteger, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending → done | skipped (standby, groups) | failed (handler kept failing)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


def new_retry_key() -> str:
    return str(uuid.uuid4())


class OutboundMessage(db.Model):
    """A message to deliver (transactional outbox). ``retry_key`` is sent as X-Line-Retry-Key."""

    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_message_queue", "status", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    retry_key: Mapped[str] = mapped_column(String(36), unique=True, default=new_retry_key)
    kind: Mapped[str] = mapped_column(String(16))  # reply | push | multicast
    purpose: Mapped[str] = mapped_column(String(32), default="reply")
    reply_token: Mapped[Optional[str]] = mapped_column(String(255))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # pending → sending (leased) → sent | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lease_until: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    error_kind: Mapped[Optional[str]] = mapped_column(String(16))  # quota | rejected | exhausted
    line_request_id: Mapped[Optional[str]] = mapped_column(String(64))
    inbound_event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("inbound_event.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
