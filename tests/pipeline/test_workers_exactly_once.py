"""Two `flask worker` processes on PostgreSQL share the outbox: every stage-change push and every
announcement reaches LINE exactly once, through retries and a worker killed mid-way."""
from __future__ import annotations

import json
import signal
from collections import Counter

from sqlalchemy import func, select

from bot.cases.applications import change_stage, create_application, find_application
from bot.db import db
from bot.models import ApplicationLink, CategorySubscription, LineUser, OutboundMessage
from bot.office.announcements import announce
from tests.office.fixtures import new_application
from tests.pipeline.test_resilience import _kill, _start_worker, _worker_env, wait_for

APPLICATIONS, FOLLOWERS = 40, 3


def _stage_changes_with_followers(app) -> int:
    """40 applications with 3 LINE followers each, all moved one stage: 120 pushes queued."""
    with app.app_context():
        for i in range(APPLICATIONS):
            application = create_application(db.session, new_application(f"67/{i + 1:04d}", days_ago=5))
            for j in range(FOLLOWERS):
                user = LineUser(line_user_id=f"U{i:016x}{j:016x}")
                db.session.add(user)
                db.session.flush()
                db.session.add(ApplicationLink(application_id=application.id, line_user_id=user.id))
                db.session.add(CategorySubscription(line_user_id=user.id, category="food"))
        db.session.commit()
        for i in range(APPLICATIONS):
            change_stage(db.session, find_application(db.session, f"67/{i + 1:04d}"), "doc_check")
            db.session.commit()  # one transaction per officer action, as the console does
        announce(db.session, "food", "ข่าวอบรมหมวดอาหารค่ะ")
        return db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar()


def _statuses(app) -> Counter:
    with app.app_context():
        rows = db.session.execute(select(OutboundMessage.status)).scalars().all()
        db.session.remove()
        return Counter(rows)


def test_two_workers_deliver_each_notification_exactly_once(pg_app, fake_line, line_api_url):
    rows = _stage_changes_with_followers(pg_app)
    assert rows == APPLICATIONS * FOLLOWERS + 1
    fake_line.fail(500, "Internal server error", path="/push", times=15)  # retried with backoff
    fake_line.fail(0, "", path="/push", times=40, delay=0.05)  # slow answers keep both workers busy
    env = _worker_env(pg_app, line_api_url, SEND_LEASE_SECONDS="2")
    workers = [_start_worker(env), _start_worker(env)]
    try:
        assert wait_for(lambda: len(fake_line.deliveries) >= 30, 30), "workers never delivered"
        _kill(workers[0])  # a crash: its leased rows are taken over after the lease by the other worker
        assert wait_for(lambda: _statuses(pg_app) == Counter(sent=rows), 90), _statuses(pg_app)
    finally:
        for worker in workers:
            _kill(worker, signal.SIGTERM)
    pushes = Counter(d.to for d in fake_line.deliveries if d.via == "push")
    assert len(pushes) == APPLICATIONS * FOLLOWERS and set(pushes.values()) == {1}
    news = Counter(d.to for d in fake_line.deliveries if d.via == "multicast")
    assert len(news) == APPLICATIONS * FOLLOWERS and set(news.values()) == {1}
    accepted = Counter(d.retry_key for d in fake_line.deliveries if d.via == "push")
    assert set(accepted.values()) == {1}
    multicasts = [json.loads(r["body"]) for r in fake_line.requests if r["path"].endswith("/multicast")]
    assert all(len(body["to"]) <= 500 for body in multicasts)
