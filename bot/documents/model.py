"""The `application_document` table (imported by bot.models with the others)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, db, utcnow

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class ApplicationDocument(Model):
    """A photo or file a linked producer sent in LINE for an application that waits on them.

    ``status``: ``pending`` (recorded by the handler, to be fetched from LINE) → ``stored`` (checked and
    saved under ``storage_key``) | ``rejected`` (too big or not PDF/JPEG/PNG: nothing kept) | ``failed``
    (LINE no longer had it, or every fetch failed). ``line_message_id`` is UNIQUE: a message is stored once.
    """

    __tablename__ = "application_document"
    __table_args__ = (Index("ix_application_document_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    line_user_id: Mapped[int | None] = mapped_column(ForeignKey("line_user.id", ondelete="SET NULL"))
    line_message_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # image | file
    file_name: Mapped[str | None] = mapped_column(String(255))  # as the producer's phone named it (files)
    content_type: Mapped[str | None] = mapped_column(String(100))  # sniffed from the bytes
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(String(32))  # too_big | wrong_type | gone | unreachable
    reply_token: Mapped[str | None] = mapped_column(String(255))  # the event's, until the answer is queued
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime)
