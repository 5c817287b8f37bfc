"""Two app servers and two workers against one PostgreSQL: 10,000 signed events from 500 users, posted across
both servers in bodies of several events as LINE sends them under load; every event is answered exactly once,
by reply, each user's answers in order (counted at the fake LINE API)."""
from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import func, select

from bot.db import db
from bot.models import InboundEvent
from bot.simulator import events as ev
from tests.conftest import CHANNEL_SECRET
from tests.helpers import wait_for
from tests.pipeline.test_resilience import _kill, _start_worker, _worker_env
from tests.production.test_run_prod import _free_port, _get

ROOT = Path(__file__).resolve().parents[2]
USERS, PER_USER, PER_BODY = 500, 20, 5
TEXTS = ("สวัสดีค่ะ", "ขอบคุณค่ะ")


def _start_web(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
                             "-w", "1", "--threads", "8", "app:create_app()"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _bodies(fake_line) -> tuple[list[bytes], dict[str, list[str]]]:
    """Bodies of PER_BODY events of different users; each user's events in timestamp order."""
    users = [f"U{i:032x}" for i in range(USERS)]
    tokens: dict[str, list[str]] = {user: [] for user in users}
    events = []
    for n in range(PER_USER):
        for user in users:
            token = fake_line.issue_reply_token(user)
            tokens[user].append(token)
            event = ev.text_event(user, TEXTS[n % 2], token)
            event["timestamp"] += n
            events.append(event)
    return [ev.body(*events[i:i + PER_BODY]) for i in range(0, len(events), PER_BODY)], tokens


def _post(url: str, body: bytes) -> int:
    return requests.post(url, data=body, timeout=30, headers={
        "Content-Type": "application/json", "X-Line-Signature": ev.signature(CHANNEL_SECRET, body)}).status_code


def test_two_servers_two_workers_answer_ten_thousand_events_exactly_once(pg_app, fake_line, line_api_url):
    env = _worker_env(pg_app, line_api_url, WORKER_IDLE_SECONDS="0.2")
    ports = [_free_port(), _free_port()]
    processes = [_start_web(env, port) for port in ports] + [_start_worker(env), _start_worker(env)]
    try:
        for port in ports:
            assert wait_for(lambda p=port: (r := _get(f"http://127.0.0.1:{p}/healthz")) is not None
                            and r.status_code == 200, 60)
        bodies, tokens = _bodies(fake_line)
        urls = [f"http://127.0.0.1:{ports[i % 2]}/callback" for i in range(len(bodies))]
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(_post, urls, bodies))
        assert Counter(statuses) == Counter({200: len(bodies)})
        total = USERS * PER_USER
        assert wait_for(lambda: len(fake_line.deliveries) >= total, 600), len(fake_line.deliveries)
        wait_for(lambda: len(fake_line.deliveries) > total, 2)  # late duplicates, if any, arrive too
    finally:
        for process in processes:
            _kill(process, signal.SIGTERM)
    deliveries = list(fake_line.deliveries)
    assert len(deliveries) == total
    assert {d.via for d in deliveries} == {"reply"}  # no reply turned into a push
    assert Counter(d.reply_token for d in deliveries).most_common(1)[0][1] == 1  # each token used once
    by_user: dict[str, list[str]] = {}
    for delivery in sorted(deliveries, key=lambda d: d.seq):
        by_user.setdefault(delivery.to, []).append(delivery.reply_token)
    assert by_user == tokens  # every event answered, each user's answers in the order they were sent
    with pg_app.app_context():
        done = db.session.scalar(select(func.count()).select_from(InboundEvent).where(InboundEvent.status == "done"))
        db.session.remove()
    assert done == total
