"""Warm start, heartbeats and GET /healthz/pipeline; a stopping sender releases what it has not sent."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from bot.db import db, utcnow
from bot.knowledge.brain import holder_for
from bot.models import InboundEvent, OutboundMessage, WorkerHeartbeat
from bot.pipeline.outbox import enqueue_push
from bot.pipeline.worker import make_sender, start_threads
from tests.helpers import wait_for

USER = "U" + "h" * 32


def heartbeats(app) -> list[WorkerHeartbeat]:
    with app.app_context():
        rows = list(db.session.scalars(select(WorkerHeartbeat)))
        db.session.expunge_all()
        return rows


def test_a_worker_is_warm_before_it_claims_and_is_seen_until_it_stops(db_app):
    db_app.config["HEARTBEAT_SECONDS"] = 0.2
    client = db_app.test_client()
    before = client.get("/healthz/pipeline")
    assert before.status_code == 503 and before.get_json()["problems"] == ["no worker alive"]
    assert client.get("/healthz").status_code == 200  # the web's own check does not depend on workers

    stop = threading.Event()
    threads = start_threads(db_app, stop, kind="worker")
    try:
        assert holder_for(db_app).brain is not None  # the matcher was built before any event was claimed
        assert wait_for(lambda: len(heartbeats(db_app)) == 1)
        alive = client.get("/healthz/pipeline")
        assert alive.status_code == 200, alive.get_json()
        assert alive.get_json() == {"status": "ok", "problems": [], "workers": 1,
                                    "oldest_unanswered_seconds": 0.0, "oldest_unsent_seconds": 0.0}
        first = heartbeats(db_app)[0].seen_at
        assert wait_for(lambda: heartbeats(db_app)[0].seen_at > first)  # it keeps beating
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    row = heartbeats(db_app)[0]
    assert row.kind == "worker" and row.stopped_at is not None
    assert client.get("/healthz/pipeline").status_code == 503


def test_lag_past_the_limit_is_503_with_the_reason(db_app):
    db_app.config["PIPELINE_MAX_LAG_SECONDS"] = 30
    with db_app.app_context():
        now = utcnow()
        db.session.add(WorkerHeartbeat(id="host:1:a", kind="worker", started_at=now, seen_at=now))
        db.session.add(InboundEvent(webhook_event_id="E1", event_type="message", source_user_id=USER,
                                    payload={}, status="pending", received_at=now - timedelta(seconds=95)))
        enqueue_push(db.session, USER, [{"type": "text", "text": "x"}], "test")
        db.session.commit()
    response = db_app.test_client().get("/healthz/pipeline")
    body = response.get_json()
    assert response.status_code == 503 and body["workers"] == 1
    assert body["oldest_unanswered_seconds"] >= 95 and body["oldest_unsent_seconds"] < 30
    assert body["problems"] == ["an event waits 95 s for its answer"]


def test_a_worker_not_seen_for_three_beats_is_dead(db_app):
    db_app.config["HEARTBEAT_SECONDS"] = 5
    with db_app.app_context():
        db.session.add(WorkerHeartbeat(id="host:2:b", kind="worker", started_at=utcnow(),
                                       seen_at=utcnow() - timedelta(seconds=16)))
        db.session.commit()
    assert db_app.test_client().get("/healthz/pipeline").get_json()["workers"] == 0


def test_a_stopping_sender_releases_the_rows_it_has_not_started(db_app, fake_line):
    with db_app.app_context():
        for i in range(3):  # three users: each one's first message can be leased at once
            enqueue_push(db.session, f"U{i:032x}", [{"type": "text", "text": f"ข่าว {i}"}], "test")
        db.session.commit()
    sender = make_sender(db_app)
    sender.stop = StopAfterLease()  # SIGTERM arrives just after the rows were leased
    with db_app.app_context():
        assert sender.run_once() == 3
        rows = list(db.session.scalars(select(OutboundMessage)))
        assert [(r.status, r.attempts, r.lease_until) for r in rows] == [("pending", 0, None)] * 3
        assert sender.run_once() == 0  # stopping: nothing more is leased
    assert fake_line.requests == []


class StopAfterLease(threading.Event):
    """A stop signal that is not set when the sender decides to lease, and set from then on."""

    def __init__(self) -> None:
        super().__init__()
        self.looks = 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks > 1
