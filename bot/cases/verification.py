"""Who may see an application in LINE: the verification answer, the per-user lockout and the links.

Rules: an answer is checked against the keyed hash of the last four phone digits; an unknown number
costs the same work and counts as the same failure as a wrong answer; ``MAX_FAILURES`` failed answers
by one LINE user within a rolling ``WINDOW`` lock status checks until the oldest of them ages out; and
``VERIFY_GLOBAL_MAX_FAILURES`` failed answers by everyone together within ``GLOBAL_WINDOW`` (guessing from many
accounts) lock every status check the same way until the oldest of them ages out.
Nothing here logs or stores the answer itself.
"""
from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, false, select
from sqlalchemy.orm import Session, joinedload

from bot.cases.applications import keyed_hash, last4_matches
from bot.models import Application, ApplicationLink, LineUser, VerificationAttempt
from bot.nlp.entities import canonical_application_number

log = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW = timedelta(hours=1)
GLOBAL_WINDOW = timedelta(minutes=10)
DEFAULT_GLOBAL_MAX_FAILURES = 300
_NO_MATCH = "0" * 64


def _recent_failures(session: Session, user: LineUser, now: datetime) -> list[datetime]:
    """Times of the user's failed answers within the window, newest first (at most MAX_FAILURES)."""
    return list(session.execute(
        select(VerificationAttempt.at)
        .where(VerificationAttempt.line_user_id == user.id, VerificationAttempt.succeeded == false(),
               VerificationAttempt.at > now - WINDOW)
        .order_by(VerificationAttempt.at.desc()).limit(MAX_FAILURES)
    ).scalars())


def locked_until(session: Session, user: LineUser, now: datetime) -> datetime | None:
    """When the user may verify again (naive UTC), or None when not locked (by their own failures, or by
    too many failures of everyone together)."""
    failures = _recent_failures(session, user, now)
    mine = failures[-1] + WINDOW if len(failures) >= MAX_FAILURES else None
    everyone = _global_lock(session, now)
    return max(mine, everyone) if mine and everyone else mine or everyone


def _global_lock(session: Session, now: datetime) -> datetime | None:
    """Until when everyone is locked out: the newest ``limit`` failures (read backwards along the primary key)
    all fall within ``GLOBAL_WINDOW``."""
    limit = int(current_app.config.get("VERIFY_GLOBAL_MAX_FAILURES", DEFAULT_GLOBAL_MAX_FAILURES)) \
        if has_app_context() else DEFAULT_GLOBAL_MAX_FAILURES
    latest = list(session.execute(
        select(VerificationAttempt.at).where(VerificationAttempt.succeeded == false())
        .order_by(VerificationAttempt.id.desc()).limit(limit)).scalars())
    if len(latest) < limit or min(latest) <= now - GLOBAL_WINDOW:
        return None
    log.warning("status verification: %d failed answers within %s from all users; checks paused", limit,
                GLOBAL_WINDOW)
    return min(latest) + GLOBAL_WINDOW


def tries_left(session: Session, user: LineUser, now: datetime) -> int:
    """Failed answers the user may still give within the window before the lock."""
    return max(0, MAX_FAILURES - len(_recent_failures(session, user, now)))


def verify(session: Session, user: LineUser, number: str, answer: str, now: datetime) -> Application | None:
    """The application if ``answer`` is the last four phone digits on application ``number``, else None.

    Every call is recorded as a :class:`VerificationAttempt`. An unknown number is hashed and compared
    like a real one, so neither the reply nor the time taken tells whether the number exists.
    """
    canonical = canonical_application_number(number) or ""
    application = session.execute(  # one query either way: the applicant comes with the application
        select(Application).options(joinedload(Application.applicant)).where(Application.number == canonical)
    ).scalar_one_or_none()
    if application is not None:
        ok = last4_matches(application, answer)
    else:
        hmac.compare_digest(_NO_MATCH, keyed_hash(f"last4:{answer}"))  # the same work as a real check
        ok = False
    session.add(VerificationAttempt(line_user_id=user.id, succeeded=ok, at=now))
    session.flush()
    if not ok:
        log.info("status verification failed for line_user %s", user.id)
    return application if ok else None


def linked_applications(session: Session, user: LineUser) -> list[Application]:
    """Applications this LINE user has verified, newest number first."""
    return list(session.execute(
        select(Application).join(ApplicationLink, ApplicationLink.application_id == Application.id)
        .where(ApplicationLink.line_user_id == user.id).order_by(Application.number.desc())
    ).scalars())


def link(session: Session, user: LineUser, application: Application, now: datetime) -> None:
    """Let ``user`` see ``application`` and receive its updates (idempotent)."""
    existing = session.execute(select(ApplicationLink).where(
        ApplicationLink.application_id == application.id, ApplicationLink.line_user_id == user.id)
    ).scalar_one_or_none()
    if existing is None:
        session.add(ApplicationLink(application_id=application.id, line_user_id=user.id, verified_at=now))
    else:
        existing.verified_at = now
    session.flush()
    log.info("line_user %s linked to application %s", user.id, application.id)


def unlink(session: Session, user: LineUser, number: str | None = None) -> list[str]:
    """Remove the user's link to application ``number`` (all links when None); return the numbers removed."""
    removed = [app.number for app in linked_applications(session, user) if number is None or app.number == number]
    if removed:
        ids = select(Application.id).where(Application.number.in_(removed))
        session.execute(delete(ApplicationLink).where(
            ApplicationLink.line_user_id == user.id, ApplicationLink.application_id.in_(ids)))
        session.flush()
        log.info("line_user %s unlinked from %d application(s)", user.id, len(removed))
    return removed
