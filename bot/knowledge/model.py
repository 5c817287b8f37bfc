"""The knowledge tables (imported by bot.models with the others): the standards, their aliases, the syncs
with TISI's list and the version counter that makes every process rebuild its matcher."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, db, utcnow

# Flask-SQLAlchemy builds db.Model from Base at run time; type checkers see Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class Standard(Model):
    """One edition of a community product standard (มผช. number/year). Loaded from knowledge/."""

    __tablename__ = "standard"
    __table_args__ = (UniqueConstraint("number", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, index=True)
    year: Mapped[int] = mapped_column(Integer)  # Buddhist era
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(20), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_url: Mapped[str] = mapped_column(String(500), default="")
    superseded_by: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # From TISI's official list (`flask knowledge sync-tisi`): the English title as printed (capitals,
    # brackets removed), the PDF of the standard, and the day a complete sync no longer found this
    # edition (neither listed nor replaced by a listed edition): kept for history, never offered.
    name_en: Mapped[str | None] = mapped_column(String(300))
    pdf_url: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)


class TisiSync(Model):
    """One complete sync with TISI's official list: when, from where, how many standards, what changed."""

    __tablename__ = "tisi_sync"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(16))  # web | files
    location: Mapped[str] = mapped_column(String(500), default="")  # the URL, or the saved file/folder name
    pages: Mapped[int] = mapped_column(Integer)
    standards: Mapped[int] = mapped_column(Integer)  # editions in force on the list
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    superseded: Mapped[int] = mapped_column(Integer, default=0)
    retitled: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    reinstated: Mapped[int] = mapped_column(Integer, default=0)
    knowledge_version: Mapped[int | None] = mapped_column(Integer)  # the new version, when something changed


class StandardAlias(Model):
    """An everyday, regional or misspelt name for the product of a standard number."""

    __tablename__ = "standard_alias"
    __table_args__ = (UniqueConstraint("alias", "standard_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    standard_number: Mapped[int] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class KnowledgeVersion(Model):
    """A counter bumped whenever standards or aliases change, so every process rebuilds its matcher."""

    __tablename__ = "knowledge_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
