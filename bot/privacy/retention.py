"""Retention: the applicant's personal data of applications closed longer than
``PERSONAL_DATA_RETENTION_DAYS`` is erased (`flask --app app privacy purge`, and once a day by the worker).

Closed = in a terminal stage of knowledge/stages.yaml (certificate issued, not certified, returned,
withdrawn), counted from the day it entered that stage; for an issued certificate from its expiry date
when later (the holder still gets renewal reminders while it is valid). 0 or empty keeps everything.
"""
from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.cases.applications import stage_book, today_in_thailand
from bot.db import db, utcnow
from bot.models import Applicant, Application
from bot.privacy.applicant import ERASED_HASH, erase
from bot.privacy.audit import last_run, record

log = logging.getLogger(__name__)
RUN_EVERY = timedelta(days=1)
CHECK_SECONDS = 600.0  # how often a process looks whether the daily run is due (one cheap query)
_last_check = -CHECK_SECONDS
ADVISORY_KEY = 16_0004  # issue 16, item 4


def closed_on(application: Application) -> date:
    """The day ``application`` counts as closed from (it is in a terminal stage)."""
    expires = application.certificate_expires_on
    if application.stage == "cert_issued" and expires and expires > application.stage_entered_on:
        return expires
    return application.stage_entered_on


def due_for_purge(session: Session, days: int, today: date) -> list[Application]:
    """Applications closed more than ``days`` days before ``today`` whose applicant is not yet erased."""
    terminal = [stage.key for stage in stage_book() if stage.terminal]
    candidates = session.scalars(
        select(Application).join(Applicant, Applicant.id == Application.applicant_id)
        .where(Application.stage.in_(terminal), Application.stage_entered_on < today - timedelta(days=days),
               Applicant.phone_hash != ERASED_HASH).order_by(Application.number))
    return [a for a in candidates if closed_on(a) < today - timedelta(days=days)]


def purge(session: Session, days: int, *, dry_run: bool = False, today: date | None = None) -> list[str]:
    """Erase (unless ``dry_run``) what `due_for_purge` finds, audit-logged as the system, and record the run;
    return the application numbers. The caller commits. ``days`` ≤ 0 keeps everything."""
    if days <= 0:
        return []
    found = due_for_purge(session, days, today or today_in_thailand())
    if not dry_run:
        for application in found:
            erase(session, application)
        record(session, "retention_run", actor="system", count=len(found))
    return [a.number for a in found]


def run_due(now: datetime | None = None, check_every: float = CHECK_SECONDS) -> int:
    """In the worker, before a claim: run `purge` when the last run (of any process) is a day old; return how
    many applications were erased. Looks at the database at most every ``check_every`` seconds; on
    PostgreSQL one process at a time (a transaction-level advisory lock; the others skip)."""
    global _last_check
    days = int(current_app.config.get("PERSONAL_DATA_RETENTION_DAYS") or 0)
    if days <= 0 or time.monotonic() - _last_check < check_every:
        return 0
    _last_check = time.monotonic()
    session = db.session()
    try:
        last = last_run(session)
        if last is not None and last > (now or utcnow()) - RUN_EVERY or not _only_runner(session):
            session.rollback()
            return 0
        numbers = purge(session, days)
        session.commit()
    except Exception:  # never stop the dispatcher; the next check tries again
        session.rollback()
        log.exception("retention purge failed")
        return 0
    log.info("retention purge: %d application(s) erased", len(numbers))
    return len(numbers)


def _only_runner(session: Session) -> bool:
    """True unless another PostgreSQL session runs the purge now (SQLite: one process, always True)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY}))
