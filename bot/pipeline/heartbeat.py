"""Which workers are alive and how far behind the pipeline is (read by GET /healthz/pipeline).

Each process running the dispatcher and sender loops upserts one `WorkerHeartbeat` row every
``HEARTBEAT_SECONDS`` and marks it stopped on a clean exit; a worker not seen for three beats counts
as dead (killed, or its machine gone).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import db, utcnow
from bot.models import InboundEvent, OutboundMessage, WorkerHeartbeat

log = logging.getLogger(__name__)
MISSED_BEATS = 3  # a worker not seen for this many beats is dead


def new_worker_id() -> str:
    """``host:pid:random``: unique across machines and restarts."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def beat(worker_id: str, kind: str, now: datetime | None = None) -> None:
    """Record that ``worker_id`` is alive (one short transaction)."""
    now = now or utcnow()
    session = db.session()
    row = session.get(WorkerHeartbeat, worker_id)
    if row is None:
        session.add(WorkerHeartbeat(id=worker_id, kind=kind, started_at=now, seen_at=now))
    else:
        row.seen_at, row.stopped_at = now, None
    session.commit()


def stopped(worker_id: str) -> None:
    """Record a clean stop (the worker no longer counts as alive)."""
    session = db.session()
    session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.id == worker_id).values(stopped_at=utcnow()))
    session.commit()


def run_heartbeat(app: Flask, kind: str, stop: threading.Event) -> None:
    """Beat every ``HEARTBEAT_SECONDS`` until ``stop`` is set, then mark the worker stopped."""
    worker_id = new_worker_id()
    interval = float(app.config["HEARTBEAT_SECONDS"])
    with app.app_context():
        while True:
            try:
                beat(worker_id, kind)
            except Exception:  # the database may be restarting: try again at the next beat
                log.exception("heartbeat failed")
                db.session.rollback()
            if stop.wait(interval):
                break
        try:
            stopped(worker_id)
        except Exception:
            log.exception("could not record the worker's stop")
        db.session.remove()


@dataclass(frozen=True)
class PipelineStatus:
    """What /healthz/pipeline reports."""

    workers: int  # alive now
    oldest_unanswered_seconds: float  # the oldest event still waiting for its answer (0: none)
    oldest_unsent_seconds: float  # the oldest message not yet delivered (0: none)

    def problems(self, max_lag_seconds: float) -> list[str]:
        found = [] if self.workers else ["no worker alive"]
        if self.oldest_unanswered_seconds > max_lag_seconds:
            found.append(f"an event waits {self.oldest_unanswered_seconds:.0f} s for its answer")
        if self.oldest_unsent_seconds > max_lag_seconds:
            found.append(f"a message waits {self.oldest_unsent_seconds:.0f} s to be sent")
        return found


def pipeline_status(session: Session, heartbeat_seconds: float, now: datetime | None = None) -> PipelineStatus:
    """Live workers and the age of the oldest unanswered event and unsent message."""
    now = now or utcnow()
    alive_since = now - timedelta(seconds=MISSED_BEATS * heartbeat_seconds)
    workers = session.scalar(select(func.count()).select_from(WorkerHeartbeat).where(
        WorkerHeartbeat.seen_at >= alive_since, WorkerHeartbeat.stopped_at.is_(None))) or 0
    event = session.scalar(select(func.min(InboundEvent.received_at)).where(InboundEvent.status == "pending"))
    message = session.scalar(select(func.min(OutboundMessage.created_at))
                             .where(OutboundMessage.status.in_(("pending", "sending"))))

    def age(moment: datetime | None) -> float:
        return max(0.0, (now - moment).total_seconds()) if moment else 0.0

    return PipelineStatus(int(workers), age(event), age(message))
