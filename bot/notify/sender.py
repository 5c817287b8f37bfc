"""Empty the outbox: lease rows, call LINE outside any transaction, record the outcome.

Reply tokens are single-use and short-lived: an old token is not tried, and a
rejected token turns the row into a push (same retry key). Pushes and multicasts
carry ``X-Line-Retry-Key`` = the row's UUID, so a retry after a crash or timeout
never delivers twice. 5xx, timeouts and 429 rate limits back off exponentially
with jitter up to ``SEND_MAX_ATTEMPTS``; a monthly-quota 429 or another 4xx fails
the row at once, keeping the error for officers.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select, update

from bot.db import db, utcnow
from bot.line.gateway import SendFailure
from bot.models import OutboundMessage

log = logging.getLogger(__name__)


class Gateway(Protocol):
    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> str: ...
    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> str: ...
    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> str: ...


@dataclass(frozen=True)
class SenderSettings:
    max_attempts: int = 8
    backoff_seconds: float = 2.0
    backoff_cap_seconds: float = 600.0
    lease_seconds: float = 60.0
    reply_token_max_age_seconds: float = 50.0

    @classmethod
    def from_config(cls, config: Any) -> "SenderSettings":
        return cls(
            max_attempts=config["SEND_MAX_ATTEMPTS"],
            backoff_seconds=config["SEND_BACKOFF_SECONDS"],
            backoff_cap_seconds=config["SEND_BACKOFF_CAP_SECONDS"],
            lease_seconds=config["SEND_LEASE_SECONDS"],
            reply_token_max_age_seconds=config["REPLY_TOKEN_MAX_AGE_SECONDS"],
        )


def backoff_delay(attempt: int, settings: SenderSettings, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter in [0.5, 1.5) × base·2^(attempt-1), capped."""
    base = min(settings.backoff_cap_seconds, settings.backoff_seconds * 2 ** max(attempt - 1, 0))
    return base * (0.5 + (rng or random).random())


@dataclass
class Job:
    """What the sender needs from a row, read before the HTTP call."""

    id: int
    kind: str
    reply_token: str | None
    recipients: list[str]
    messages: list[dict[str, Any]]
    retry_key: str
    created_at: datetime
    attempts: int

    @classmethod
    def of(cls, row: OutboundMessage) -> "Job":
        return cls(row.id, row.kind, row.reply_token, list(row.recipients), row.messages, row.retry_key,
                   row.created_at, row.attempts)


class Sender:
    """Delivers outbox rows through a `Gateway`. Safe to run in many threads and processes."""

    def __init__(self, gateway: Gateway, settings: SenderSettings, batch: int = 20) -> None:
        self.gateway, self.settings, self.batch = gateway, settings, batch

    def run_once(self) -> int:
        """Lease a batch of due rows and deliver each; return how many were handled."""
        jobs = self._lease()
        for job in jobs:
            try:
                outcome: SendFailure | str = self._send(job)
            except SendFailure as failure:
                outcome = failure
            self._record(job, outcome)
        return len(jobs)

    def _lease(self) -> list[Job]:
        """Mark due rows (and rows whose lease ran out after a crash) as ours for a while."""
        now = utcnow()
        session = db.session
        due = or_(
            (OutboundMessage.status == "pending") & (OutboundMessage.next_attempt_at <= now),
            (OutboundMessage.status == "sending") & (OutboundMessage.lease_until < now),
        )
        rows = session.execute(
            select(OutboundMessage).where(due).order_by(OutboundMessage.id).limit(self.batch)
            .with_for_update(skip_locked=True)
        ).scalars().all()
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        for row in rows:
            row.status, row.lease_until = "sending", lease
            row.attempts += 1
        jobs = [Job.of(row) for row in rows]
        session.commit()  # no transaction (SQLite: no write lock) is held during the HTTP calls
        return jobs

    def _send(self, job: Job) -> str:
        if job.kind == "reply":
            age = (utcnow() - job.created_at).total_seconds()
            if job.reply_token and age <= self.settings.reply_token_max_age_seconds:
                try:
                    return self.gateway.reply(job.reply_token, job.messages)
                except SendFailure as failure:
                    if failure.kind != "invalid_reply_token":
                        raise
                    log.info("outbox %s: reply token rejected, pushing instead", job.id)
            job.kind, job.reply_token = "push", None
        if job.kind == "push":
            return self.gateway.push(job.recipients[0], job.messages, job.retry_key)
        return self.gateway.multicast(job.recipients, job.messages, job.retry_key)

    def _record(self, job: Job, outcome: SendFailure | str) -> None:
        """Write the outcome of one attempt (one short transaction per row)."""
        values: dict[str, Any] = {"kind": job.kind, "reply_token": job.reply_token, "lease_until": None}
        if isinstance(outcome, str):
            values.update(status="sent", sent_at=utcnow(), line_request_id=outcome or None,
                          last_error=None, error_kind=None)
        elif outcome.kind == "retry" and job.attempts < self.settings.max_attempts:
            delay = backoff_delay(job.attempts, self.settings)
            values.update(status="pending", next_attempt_at=utcnow() + timedelta(seconds=delay),
                          last_error=outcome.detail[:1000])
            log.warning("outbox %s: attempt %d failed (%s), retry in %.1fs", job.id, job.attempts,
                        outcome.detail, delay)
        else:
            error_kind = "exhausted" if outcome.kind == "retry" else outcome.kind
            values.update(status="failed", error_kind=error_kind, last_error=outcome.detail[:1000])
            log.error("outbox %s: failed for good (%s): %s", job.id, error_kind, outcome.detail)
        db.session.execute(update(OutboundMessage).where(OutboundMessage.id == job.id).values(**values))
        db.session.commit()
