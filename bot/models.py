"""SQLAlchemy 2.0 typed models. The schema itself is created only by migrations."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.certificates.model import Certificate  # noqa: F401  (certificate records, in their own module)
from bot.db import Base, db, utcnow
from bot.directory.model import Office  # noqa: F401  (the office directory's table, in its own module)
from bot.documents.model import ApplicationDocument  # noqa: F401  (documents sent in LINE, in their own module)
from bot.knowledge.model import KnowledgeVersion, Standard, StandardAlias, TisiSync  # noqa: F401  (the knowledge)
from bot.office.demand.model import UnmatchedAsk  # noqa: F401  (each ask of an unmatched query, for the demand map)
from bot.pipeline.model import InboundEvent, OutboundMessage, WorkerHeartbeat  # noqa: F401  (inbox, outbox, workers)
from bot.privacy.model import PrivacyAudit  # noqa: F401  (who exported or erased personal data, in its own module)

# Flask-SQLAlchemy builds db.Model from Base at run time; type checkers see Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class LineUser(Model):
    """A LINE user who has talked to the bot (or followed it)."""

    __tablename__ = "line_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    following: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="th")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    unfollowed_at: Mapped[datetime | None] = mapped_column(DateTime)

    state: Mapped[ConversationState | None] = relationship(back_populates="user", uselist=False)


class ConversationState(Model):
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


class UnmatchedQuery(Model):
    """What users asked that the knowledge does not cover (counted per normalised text and kind)."""

    __tablename__ = "unmatched_query"
    __table_args__ = (UniqueConstraint("kind", "normalized"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # not_in_knowledge | low_confidence | not_community | none_fits | faq
    normalized: Mapped[str] = mapped_column(String(500))
    example: Mapped[str] = mapped_column(String(500))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class OfficerQuestion(Model):
    """A question from a LINE user for an officer to answer by LINE (see bot/office/questions.py).

    ``status``: offered (the bot offered to pass it on, not yet accepted) → withdrawn, or pending (waiting
    for an officer) → answered | closed. ``province`` is the office of the user's linked application, if any.
    """

    __tablename__ = "officer_question"
    __table_args__ = (Index("ix_officer_question_queue", "status", "asked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_user_id: Mapped[int] = mapped_column(ForeignKey("line_user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="th")
    reason: Mapped[str] = mapped_column(String(16))  # unanswered (the FAQ had no answer) | request
    status: Mapped[str] = mapped_column(String(16), default="offered")
    province: Mapped[str | None] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    asked_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)

    user: Mapped[LineUser] = relationship()


# ---- applications ------------------------------------------------------------------------------------
class Officer(Model):
    """A provincial industry office officer (or an admin who sees every province)."""

    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    province: Mapped[str] = mapped_column(String(80))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Raised when the password is reset: console sessions started before stop working on their next request.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Model):
    """A bearer token for the officer API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    officer: Mapped[Officer] = relationship()


class Applicant(Model):
    """The producer (person or group) behind applications. Phone and ID only as keyed hashes or masked."""

    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)  # HMAC of the full number
    phone_last4_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the last four digits
    phone_masked: Mapped[str] = mapped_column(String(20))  # e.g. 08x-xxx-xxxx (never the last four)
    national_id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Application(Model):
    """A certification application at one provincial office: one product against one standard."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # as printed on the receipt, e.g. 67/0012
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True)
    product: Mapped[str] = mapped_column(String(300))
    standard_number: Mapped[int | None] = mapped_column(Integer)
    province: Mapped[str] = mapped_column(String(80), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(40), index=True)
    stage_entered_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    certificate_expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    applicant: Mapped[Applicant] = relationship()
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan")
    links: Mapped[list[ApplicationLink]] = relationship(back_populates="application", cascade="all, delete-orphan")


class ApplicationEvent(Model):
    """One step of an application's stage history."""

    __tablename__ = "application_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40))
    entered_on: Mapped[date] = mapped_column(Date)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    note_public: Mapped[bool] = mapped_column(Boolean, default=False)  # shown to the applicant in LINE
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    officer: Mapped[Officer | None] = relationship()


class ApplicationLink(Model):
    """A LINE user who proved they may see an application (verified) and gets its updates."""

    __tablename__ = "application_link"
    __table_args__ = (UniqueConstraint("application_id", "line_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    line_user_id: Mapped[int] = mapped_column(ForeignKey("line_user.id", ondelete="CASCADE"), index=True)
    verified_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="links")
    line_user: Mapped[LineUser] = relationship()


class VerificationAttempt(Model):
    """A status-check verification answer (right or wrong), for the per-user rate limit."""

    __tablename__ = "verification_attempt"
    __table_args__ = (Index("ix_verification_attempt_user_at", "line_user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_user_id: Mapped[int] = mapped_column(ForeignKey("line_user.id", ondelete="CASCADE"))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# ---- officers' console and notifications -------------------------------------------------------------
class LoginAttempt(Model):
    """One console login try (right or wrong), for the per-username-and-address lock."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_who_at", "username", "ip", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class RenewalReminder(Model):
    """A certificate-expiry reminder already sent: once per certificate (expiry date) per window."""

    __tablename__ = "renewal_reminder"
    __table_args__ = (UniqueConstraint("application_id", "expires_on", "window_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    expires_on: Mapped[date] = mapped_column(Date)
    window_days: Mapped[int] = mapped_column(Integer)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CategorySubscription(Model):
    """A LINE user who asked for announcements about one product category (key from categories.yaml)."""

    __tablename__ = "category_subscription"
    __table_args__ = (UniqueConstraint("line_user_id", "category"), Index("ix_category_subscription_category",
                                                                          "category"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_user_id: Mapped[int] = mapped_column(ForeignKey("line_user.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
