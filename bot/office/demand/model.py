"""The `unmatched_ask` table (imported by bot.models with the others): one row per time a user asked
something counted in `unmatched_query`, with the user's province office when known, for the demand map."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, db, utcnow

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class UnmatchedAsk(Model):
    """One ask of an unmatched query. ``line_user_id`` only counts distinct users (never shown);
    ``province`` is the office of the user's linked application at the time, if any."""

    __tablename__ = "unmatched_ask"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("unmatched_query.id", ondelete="CASCADE"), index=True)
    line_user_id: Mapped[int | None] = mapped_column(ForeignKey("line_user.id", ondelete="SET NULL"), index=True)
    province: Mapped[str | None] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
