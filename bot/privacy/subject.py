"""A LINE user's own data: what the service keeps about them, and removing it at their request.

The ``line_user`` row itself is anonymised, not deleted: its LINE id stays (LINE addresses the user by it, a
later message finds the same row, and the failed verification answers of the last hour stay tied to it, so
that asking for deletion can never reset the status-check lockout); everything else about the person goes.
The user stays "following": that is a fact of LINE's friend list, not something the bot can change.
Applications stay with the office, unlinked (a later status check asks for the verification answer again).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.cases.verification import WINDOW, linked_applications
from bot.db import utcnow
from bot.documents.model import ApplicationDocument
from bot.models import (
    ApplicationLink,
    CategorySubscription,
    InboundEvent,
    LineUser,
    OfficerQuestion,
    OutboundMessage,
    VerificationAttempt,
)
from bot.office.demand.model import UnmatchedAsk
from bot.privacy.audit import record

OPEN_QUESTIONS = ("offered", "pending")
# An event's payload once its user asked for deletion: only what redelivery protection and counting need.
REDACTED = {"redacted": True}


@dataclass(frozen=True)
class Kept:
    """What the service keeps about one LINE user (never a phone or national ID: those are not in these tables)."""

    display_name: str | None
    language: str
    following: bool
    first_seen: datetime
    last_seen: datetime
    applications: list[str]
    open_questions: int
    questions: int
    subscriptions: list[str]
    documents: int


def kept_about(session: Session, user: LineUser) -> Kept:
    """The summary for ``user`` only, read from the database."""
    questions = session.execute(select(OfficerQuestion.status).where(OfficerQuestion.line_user_id == user.id)).scalars()
    statuses = list(questions)
    subscriptions = session.execute(select(CategorySubscription.category)
                                    .where(CategorySubscription.line_user_id == user.id)
                                    .order_by(CategorySubscription.category)).scalars()
    documents = session.scalar(select(func.count()).select_from(ApplicationDocument)
                               .where(ApplicationDocument.line_user_id == user.id)) or 0
    return Kept(display_name=user.display_name, language=user.language or "th", following=bool(user.following),
                first_seen=user.created_at, last_seen=user.last_seen_at,
                applications=[a.number for a in linked_applications(session, user)],
                open_questions=sum(1 for s in statuses if s in OPEN_QUESTIONS), questions=len(statuses),
                subscriptions=list(subscriptions), documents=int(documents))


@dataclass
class Erased:
    """How many rows of each kind were removed (or, for events and sent messages, emptied)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + max(count, 0)


def erase_user(session: Session, user: LineUser, current_event: str = "", now: datetime | None = None) -> Erased:
    """Remove what the service keeps about ``user`` (in the caller's transaction), audit it, return the counts.

    ``current_event`` is the webhook event id being answered: its payload is emptied too. The user's other
    events still waiting for an answer are left alone (they are answered, then emptied as usual)."""
    now = now or utcnow()
    erased = Erased()
    # The links go; the applications themselves stay with the office.
    erased.add("applications", _delete(session, delete(ApplicationLink).where(ApplicationLink.line_user_id == user.id)))
    erased.add("questions", _delete(session, delete(OfficerQuestion).where(OfficerQuestion.line_user_id == user.id)))
    erased.add("subscriptions", _delete(session, delete(CategorySubscription)
                                        .where(CategorySubscription.line_user_id == user.id)))
    # Failed answers of the last hour stay: deleting them would lift the status-check lockout.
    _delete(session, delete(VerificationAttempt).where(
        VerificationAttempt.line_user_id == user.id,
        or_(VerificationAttempt.succeeded.is_(True), VerificationAttempt.at <= now - WINDOW)))
    session.execute(update(ApplicationDocument).where(ApplicationDocument.line_user_id == user.id)
                    .values(line_user_id=None, file_name=None))
    # What they asked for stays in the demand map, no longer tied to them (each ask then counts as one user).
    session.execute(update(UnmatchedAsk).where(UnmatchedAsk.line_user_id == user.id).values(line_user_id=None))
    erased.add("messages", _outbox(session, user.line_user_id))
    erased.add("events", _events(session, user.line_user_id, current_event))
    if user.state is not None:
        session.delete(user.state)
        user.state = None
    user.display_name, user.language = None, "th"
    session.flush()
    record(session, "user_erase", actor="user")
    return erased


def _delete(session: Session, statement: Any) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def _outbox(session: Session, line_id: str) -> int:
    """Drop pushes not yet sent (and the user from waiting multicasts); empty what was sent or failed."""
    removed = _delete(session, delete(OutboundMessage).where(
        OutboundMessage.recipient == line_id, OutboundMessage.kind == "push", OutboundMessage.status == "pending"))
    for row in session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "multicast",
                                                             OutboundMessage.status == "pending")):
        if line_id in row.recipients:
            row.recipients = [r for r in row.recipients if r != line_id]
            if not row.recipients:
                session.delete(row)
            removed += 1
    session.execute(update(OutboundMessage).where(OutboundMessage.recipient == line_id,
                                                  OutboundMessage.status.in_(("sent", "failed")))
                    .values(messages=[], recipients=[], recipient=None, last_error=None))
    return removed


def _events(session: Session, line_id: str, current_event: str) -> int:
    """Empty the stored events of the user (answered ones and the one being answered)."""
    done = or_(InboundEvent.status != "pending", InboundEvent.webhook_event_id == current_event)
    result = session.execute(update(InboundEvent).where(InboundEvent.source_user_id == line_id, done)
                             .values(payload=REDACTED, source_user_id=None)
                             .execution_options(synchronize_session="fetch"))
    return int(getattr(result, "rowcount", 0) or 0)
