"""The `privacy_audit` table (imported by bot.models with the others)."""
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


class PrivacyAudit(Model):
    """Who did what with personal data, and when; never the data itself.

    ``actor``: ``officer`` (``officer_id``/``officer_username`` say who), ``system`` (the retention purge) or
    ``user`` (a LINE user's own deletion request: no id of theirs is kept here). ``action``: ``export_json``,
    ``export_csv``, ``erase`` (one application's applicant), ``user_erase`` (a LINE user's data) or
    ``retention_run`` (one run of the purge; ``count`` = applications erased, the worker's "last run").
    """

    __tablename__ = "privacy_audit"
    __table_args__ = (Index("ix_privacy_audit_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(16))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="SET NULL"))
    officer_username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(24))
    application_number: Mapped[str | None] = mapped_column(String(32))
    count: Mapped[int | None] = mapped_column(Integer)
