"""Empty the outbox: lease rows, call LINE outside any transaction, record the outcome.

Reply tokens are single-use and short-lived: an old token is not tried, and a
rejected token turns the row into a push (same retry key). Pushes and multicasts
carry ``X-Line-Retry-Key`` = the row's UUID, so a retry after a crash or timeout
never delivers twice. 5xx, timeouts and 429 rate limits back off exponentially
with jitter up to ``SEND_MAX_ATTEMPTS``; a monthly-quota 429 or another 4xx fails
the row at once, keeping the error for officers.

Order: a recipient's row is leased only when no earlier row for them is still waiting or being sent
(across every worker), so one user's messages reach LINE in the order they were queued.

Throughput: one statement leases up to ``batch`` rows; they are sent by ``concurrency`` threads
(rows for the same recipient stay in order, in one thread); outcomes are written as soon as they
arrive, several per transaction (group commit), and whenever half the window is free more rows are
leased: calls stay in flight continuously, and a slow call holds up only itself.
"""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, case, exists, literal_column, or_, select, update
from sqlalchemy.orm import aliased

from bot.db import db, one_statement, table_of, utcnow
from bot.line.gateway import SendFailure
from bot.metrics import count_outcome
from bot.models import OutboundMessage
from bot.pipeline.attempts import Job, SenderSettings, attempted, metric_outcome, outcome_values

log = logging.getLogger(__name__)
TAKEN_OVER = "taken over after the lease ran out: outcome of the last attempt unknown"
LOOK_AGAIN_SECONDS = 0.25  # while only slow calls are in flight, look for new rows this often


class Gateway(Protocol):
    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> str: ...
    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> str: ...
    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> str: ...


class Sender:
    """Delivers outbox rows through a `Gateway`. Safe to run in many threads and processes."""

    def __init__(self, gateway: Gateway, settings: SenderSettings, batch: int = 50,
                 wake: threading.Event | None = None) -> None:
        self.gateway, self.settings, self.batch = gateway, settings, batch
        self.wake = wake  # set when rows were queued (NOTIFY): only then is it worth leasing more mid-run
        self._pool: ThreadPoolExecutor | None = None
        self.stop: threading.Event | None = None  # set: release leased rows not yet being sent
        self._unrecorded: list[tuple[Job, SendFailure | str]] = []  # outcomes the database did not take yet

    def run_once(self) -> int:
        """Deliver due rows until none is due and every call has come back; return how many were handled.

        Up to ``batch`` rows are in flight at once, sent by ``concurrency`` threads; as outcomes come back
        they are recorded (several per transaction) and, once half the window is free, more rows are
        leased (with a ``wake`` event, only once it says rows were queued meanwhile: a lease that finds
        nothing still costs a statement), so one slow call never holds up the others. Outcomes the
        database could not record (it was restarting) are recorded first: never sent again."""
        if self._unrecorded:
            pending, self._unrecorded = self._unrecorded, []
            self._record_all(pending)
        if self.settings.concurrency == 1:
            return self._run_serially()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="sender-http")
        done: queue.Queue[tuple[Job, SendFailure | str]] = queue.Queue()
        handled = in_flight = 0
        while True:
            room = self.batch - in_flight
            if room and (in_flight == 0 or (room * 2 >= self.batch and self._woken())) and not self._stopping():
                self._woken()  # what is queued from now on wakes the next lease
                jobs = self._lease(room)
                for lane in _lanes(jobs):
                    self._pool.submit(self._deliver_lane, lane, done)
                handled, in_flight = handled + len(jobs), in_flight + len(jobs)
            if not in_flight:
                return handled
            outcomes = _arrived(done)
            if not outcomes:
                continue
            in_flight -= len(outcomes)
            try:
                self._record_all(outcomes)
            except Exception:  # the database is away: keep the outcomes of the calls still in flight too
                self._unrecorded.extend(done.get() for _ in range(in_flight))
                raise

    def _run_serially(self) -> int:
        """One call at a time (``SEND_CONCURRENCY`` 1): lease a batch, send and record each in turn."""
        jobs = self._lease()
        for job in jobs:
            self._record_all([(job, self._attempt(job))])
        return len(jobs)

    def _woken(self) -> bool:
        """True (and cleared) when rows were queued since it was last cleared; always True without ``wake``."""
        if self.wake is None:
            return True
        woken = self.wake.is_set()
        self.wake.clear()
        return woken

    def _stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def _deliver_lane(self, lane: list[Job], done: queue.Queue) -> None:
        for job in lane:
            done.put((job, self._attempt(job)))

    def _attempt(self, job: Job) -> SendFailure | str:
        if self._stopping():  # stopping (SIGTERM): leave it to another worker
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

    def _lease(self, limit: int | None = None) -> list[Job]:
        """Mark up to ``limit`` (``batch``) due rows, and rows whose lease ran out after a crash, as ours
        for a while: one statement."""
        now = utcnow()
        due = or_(
            (OutboundMessage.status == "pending") & (OutboundMessage.next_attempt_at <= now),
            (OutboundMessage.status == "sending") & (OutboundMessage.lease_until < now),
        )
        earlier = aliased(OutboundMessage)
        in_turn = or_(OutboundMessage.recipient.is_(None), ~exists().where(
            earlier.recipient == OutboundMessage.recipient, earlier.id < OutboundMessage.id,
            earlier.status.in_((literal_column("'pending'"), literal_column("'sending'")))))  # the partial index
        ids = (select(OutboundMessage.id).where(due, in_turn).order_by(OutboundMessage.id).limit(limit or self.batch)
               .with_for_update(skip_locked=True).scalar_subquery())
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        table = table_of(OutboundMessage)
        # A row still "sending" was held by a worker that died: what became of its call is unknown.
        last_error = case((table.c.status == "sending", TAKEN_OVER), else_=table.c.last_error)
        statement = (
            update(table).where(table.c.id.in_(ids))
            .values(status="sending", lease_until=lease, attempts=table.c.attempts + 1, last_error=last_error)
            .returning(table.c.id, table.c.kind, table.c.reply_token, table.c.recipients, table.c.messages,
                       table.c.retry_key, table.c.created_at, table.c.attempts, table.c.last_error))
        with one_statement() as connection:  # no transaction is held during the HTTP calls
            rows = connection.execute(statement).all()
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
        tried = [(job, outcome) for job, outcome in outcomes if attempted(outcome)]
        released = [{"b_id": job.id, "b_attempts": job.attempts} for job, outcome in outcomes if not attempted(outcome)]
        values = [outcome_values(job, outcome, now, self.settings) for job, outcome in tried]
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
        for recorded, (_job, outcome) in zip(values, tried, strict=True):
            count_outcome(metric_outcome(recorded), outcome.status if isinstance(outcome, SendFailure) else 200)


def _arrived(done: queue.Queue) -> list[tuple[Job, SendFailure | str]]:
    """Wait (a moment at most) for the next outcome, then take every other one already there (group
    commit). Nothing within the moment: [], so that rows queued meanwhile can be leased."""
    try:
        outcomes = [done.get(timeout=LOOK_AGAIN_SECONDS)]
    except queue.Empty:
        return []
    while True:
        try:
            outcomes.append(done.get_nowait())
        except queue.Empty:
            return outcomes


def _lanes(jobs: list[Job]) -> list[list[Job]]:
    """Jobs grouped so that one recipient's messages are sent in order, by one thread."""
    lanes: dict[str, list[Job]] = {}
    for job in jobs:
        key = job.recipients[0] if job.kind != "multicast" and job.recipients else f"#{job.id}"
        lanes.setdefault(key, []).append(job)
    return list(lanes.values())
