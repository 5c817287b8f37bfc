"""Empty the outbox: lease rows, call LINE outside any transaction, record the outcome.

Reply tokens are single-use and short-lived: an old token is not tried, and a
rejected token turns the row into a push (same retry key). Pushes and multicasts
carry ``X-Line-Retry-Key`` = the row's UUID, so a retry after a crash or timeout
never delivers twice. 5xx, timeouts and 429 rate limits back off exponentially
with jitter up to ``SEND_MAX_ATTEMPTS``; a monthly-quota 429 or another 4xx fails
the row at once, keeping the error for officers.

Order: a recipient's row is leased only when no earlier row for them is still waiting or being sent
(across every worker), so one user's messages reach LINE in the order they were queued.

Throughput: one statement leases a batch; its rows are sent by ``concurrency`` threads
(rows for the same recipient stay in order, in one thread); outcomes are written as soon
as they arrive, several per transaction (group commit), so a row is recorded moments
after LINE answered, as before, with far fewer database round trips.
"""
from __future__ import annotations

import logging
import queue
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, case, exists, literal_column, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.db import db, table_of, utcnow
from bot.line.gateway import SendFailure
from bot.models import OutboundMessage

log = logging.getLogger(__name__)
TAKEN_OVER = "taken over after the lease ran out: outcome of the last attempt unknown"


class Gateway(Protocol):
    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> str: ...
    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> str: ...
    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> str: ...


@dataclass(frozen=True)
class SenderSettings:
    """How the sender retries and leases; the values (and their defaults) come only from the config."""

    max_attempts: int
    backoff_seconds: float
    backoff_cap_seconds: float
    lease_seconds: float
    reply_token_max_age_seconds: float
    concurrency: int
    timeout_seconds: float  # of one LINE API call

    @classmethod
    def from_config(cls, config: Any) -> SenderSettings:
        return cls(
            max_attempts=config["SEND_MAX_ATTEMPTS"],
            backoff_seconds=config["SEND_BACKOFF_SECONDS"],
            backoff_cap_seconds=config["SEND_BACKOFF_CAP_SECONDS"],
            lease_seconds=config["SEND_LEASE_SECONDS"],
            reply_token_max_age_seconds=config["REPLY_TOKEN_MAX_AGE_SECONDS"],
            concurrency=max(1, int(config["SEND_CONCURRENCY"])),
            timeout_seconds=config["LINE_TIMEOUT_SECONDS"],
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
    lease_until: datetime | None = None
    taken_over: bool = False  # leased again after a worker died holding it: its last outcome is unknown


class Sender:
    """Delivers outbox rows through a `Gateway`. Safe to run in many threads and processes."""

    def __init__(self, gateway: Gateway, settings: SenderSettings, batch: int = 50) -> None:
        self.gateway, self.settings, self.batch = gateway, settings, batch
        self._pool: ThreadPoolExecutor | None = None
        self.stop: threading.Event | None = None  # set: release leased rows not yet being sent
        self._unrecorded: list[tuple[Job, SendFailure | str]] = []  # outcomes the database did not take yet

    def run_once(self) -> int:
        """Lease a batch of due rows and deliver each; return how many were handled. Outcomes the
        database could not record (it was restarting) are recorded first: never sent again."""
        if self._unrecorded:
            pending, self._unrecorded = self._unrecorded, []
            self._record_all(pending)
        jobs = self._lease()
        lanes = _lanes(jobs)
        if len(lanes) == 1 or self.settings.concurrency == 1:
            for lane in lanes:  # one recipient (a chat reply): no threads needed
                for job in lane:
                    self._record_all([(job, self._attempt(job))])
            return len(jobs)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="sender-http")
        done: queue.Queue[tuple[Job, SendFailure | str]] = queue.Queue()
        for lane in lanes:
            self._pool.submit(self._deliver_lane, lane, done)
        self._record_as_they_come(done, len(jobs))
        return len(jobs)

    def _deliver_lane(self, lane: list[Job], done: queue.Queue) -> None:
        for job in lane:
            done.put((job, self._attempt(job)))

    def _attempt(self, job: Job) -> SendFailure | str:
        if self.stop is not None and self.stop.is_set():  # stopping (SIGTERM): leave it to another worker
            return SendFailure("released", "worker stopping")
        needed = min(self.settings.timeout_seconds, self.settings.lease_seconds / 2)
        if job.lease_until and utcnow() + timedelta(seconds=needed) > job.lease_until:
            # Too late to start: the lease could run out mid-call and another worker send it too.
            return SendFailure("released", "lease ran out before sending")
        try:
            return self._send(job)
        except SendFailure as failure:
            return failure
        except Exception as exc:  # a bug must not leave the row leased forever without a trace
            log.exception("outbox %s: unexpected error", job.id)
            return SendFailure("retry", f"{type(exc).__name__}: {exc}")

    def _record_as_they_come(self, done: queue.Queue, expected: int) -> None:
        """Group commit: write whatever outcomes have arrived, in one transaction, until all are in."""
        recorded = 0
        while recorded < expected:
            outcomes = [done.get()]
            while True:
                try:
                    outcomes.append(done.get_nowait())
                except queue.Empty:
                    break
            self._record_all(outcomes)
            recorded += len(outcomes)

    def _lease(self) -> list[Job]:
        """Mark due rows (and rows whose lease ran out after a crash) as ours for a while: one statement."""
        now = utcnow()
        session: Session = db.session()
        due = or_(
            (OutboundMessage.status == "pending") & (OutboundMessage.next_attempt_at <= now),
            (OutboundMessage.status == "sending") & (OutboundMessage.lease_until < now),
        )
        earlier = aliased(OutboundMessage)
        in_turn = or_(OutboundMessage.recipient.is_(None), ~exists().where(
            earlier.recipient == OutboundMessage.recipient, earlier.id < OutboundMessage.id,
            earlier.status.in_((literal_column("'pending'"), literal_column("'sending'")))))  # the partial index
        ids = (select(OutboundMessage.id).where(due, in_turn).order_by(OutboundMessage.id).limit(self.batch)
               .with_for_update(skip_locked=True).scalar_subquery())
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        table = table_of(OutboundMessage)
        # A row still "sending" was held by a worker that died: what became of its call is unknown.
        last_error = case((table.c.status == "sending", TAKEN_OVER), else_=table.c.last_error)
        rows = session.execute(
            update(table).where(table.c.id.in_(ids))
            .values(status="sending", lease_until=lease, attempts=table.c.attempts + 1, last_error=last_error)
            .returning(table.c.id, table.c.kind, table.c.reply_token, table.c.recipients, table.c.messages,
                       table.c.retry_key, table.c.created_at, table.c.attempts, table.c.last_error)
        ).all()
        session.commit()  # no transaction (SQLite: no write lock) is held during the HTTP calls
        return sorted((Job(r.id, r.kind, r.reply_token, list(r.recipients), r.messages, r.retry_key, r.created_at,
                           r.attempts, lease, r.last_error == TAKEN_OVER) for r in rows), key=lambda job: job.id)

    def _send(self, job: Job) -> str:
        if job.kind == "reply":
            age = (utcnow() - job.created_at).total_seconds()
            if job.reply_token and age <= self.settings.reply_token_max_age_seconds:
                try:
                    return self.gateway.reply(job.reply_token, job.messages)
                except SendFailure as failure:
                    if failure.kind != "invalid_reply_token":
                        raise
                    if job.taken_over:  # the dead worker most likely used the token: do not send it twice
                        raise SendFailure("unknown", "reply token already used before a worker stopped: "
                                                     "probably delivered") from failure
                    log.info("outbox %s: reply token rejected, pushing instead", job.id)
            job.kind, job.reply_token = "push", None
        if job.kind == "push":
            return self.gateway.push(job.recipients[0], job.messages, job.retry_key)
        return self.gateway.multicast(job.recipients, job.messages, job.retry_key)

    def _record_all(self, outcomes: list[tuple[Job, SendFailure | str]]) -> None:
        """Write the outcome of each attempt (one short transaction for all of them). A row another
        worker has leased since (its attempt count moved on) is left to that worker."""
        now = utcnow()
        table = table_of(OutboundMessage)
        mine = (table.c.id == bindparam("b_id")) & (table.c.attempts == bindparam("b_attempts"))
        released = [{"b_id": job.id, "b_attempts": job.attempts} for job, outcome in outcomes
                    if isinstance(outcome, SendFailure) and outcome.kind == "released"]
        values = [self._outcome_values(job, outcome, now) for job, outcome in outcomes
                  if not (isinstance(outcome, SendFailure) and outcome.kind == "released")]
        try:
            if values:
                db.session.execute(update(table).where(mine).values({k: bindparam(k) for k in values[0]
                                                                      if not k.startswith("b_")}), values)
            if released:
                db.session.execute(update(table).where(mine).values(status="pending", lease_until=None,
                                                                    attempts=table.c.attempts - 1), released)
            db.session.commit()
        except Exception:
            db.session.rollback()
            self._unrecorded.extend(outcomes)  # kept: recorded before anything else is leased
            raise

    def _outcome_values(self, job: Job, outcome: SendFailure | str, now: datetime) -> dict[str, Any]:
        values: dict[str, Any] = {"b_id": job.id, "b_attempts": job.attempts, "kind": job.kind,
                                  "reply_token": job.reply_token, "lease_until": None, "sent_at": None,
                                  "line_request_id": None, "next_attempt_at": now, "error_kind": None}
        if isinstance(outcome, str):
            values.update(status="sent", sent_at=now, line_request_id=outcome or None, last_error=None)
        elif outcome.kind == "unknown" and job.kind == "reply":
            # LINE may have delivered it, and a reply token cannot be retried: never pushed again.
            values.update(status="sent", sent_at=now, error_kind="unknown", last_error=outcome.detail[:1000])
            log.warning("outbox %s: reply outcome unknown (%s), counted as probably delivered", job.id,
                        outcome.detail)
        elif outcome.kind == "unknown" and job.attempts < self.settings.max_attempts:
            # A push or multicast is retried with the same X-Line-Retry-Key: LINE drops the duplicate.
            delay = backoff_delay(job.attempts, self.settings)
            values.update(status="pending", next_attempt_at=now + timedelta(seconds=delay),
                          last_error=outcome.detail[:1000])
        elif outcome.kind == "retry" and job.attempts < self.settings.max_attempts:
            delay = backoff_delay(job.attempts, self.settings)
            values.update(status="pending", next_attempt_at=now + timedelta(seconds=delay),
                          last_error=outcome.detail[:1000])
            log.warning("outbox %s: attempt %d failed (%s), retry in %.1fs", job.id, job.attempts,
                        outcome.detail, delay)
        else:
            error_kind = "exhausted" if outcome.kind == "retry" else outcome.kind
            values.update(status="failed", error_kind=error_kind, last_error=outcome.detail[:1000])
            log.error("outbox %s: failed for good (%s): %s", job.id, error_kind, outcome.detail)
        return values


def _lanes(jobs: list[Job]) -> list[list[Job]]:
    """Jobs grouped so that one recipient's messages are sent in order, by one thread."""
    lanes: dict[str, list[Job]] = {}
    for job in jobs:
        key = job.recipients[0] if job.kind != "multicast" and job.recipients else f"#{job.id}"
        lanes.setdefault(key, []).append(job)
    return list(lanes.values())
