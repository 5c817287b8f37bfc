"""The two promises of the design: LINE always gets its 200 fast, and a crash loses nothing
and sends nothing twice. These run real processes and threads against the fake LINE API."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

from bot.db import db
from bot.models import InboundEvent, OutboundMessage
from bot.pipeline.outbox import enqueue_push
from bot.pipeline.worker import start_threads
from bot.simulator import events as ev
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, LiveServer
from tests.helpers import post_webhook, wait_for

ROOT = Path(__file__).resolve().parents[2]
USER = "U" + "c" * 32
FAST_USER = "U" + "f" * 32


def test_webhook_answers_fast_while_line_api_hangs(db_app, fake_line):
    """With the embedded worker blocked on a LINE API that sleeps 5 s, /callback still answers at once."""
    fake_line.delay = 5.0
    db_app.config["LINE_TIMEOUT_SECONDS"] = 6.0
    server = LiveServer(db_app).start()
    stop = threading.Event()
    threads = start_threads(db_app, stop)
    try:
        def post(text: str) -> tuple[int, float]:
            body = ev.body(ev.text_event(FAST_USER, text, fake_line.issue_reply_token(FAST_USER)))
            request = urllib.request.Request(server.url + "/callback", data=body, method="POST", headers={
                "Content-Type": "application/json", "X-Line-Signature": ev.signature(CHANNEL_SECRET, body)})
            started = time.monotonic()
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, time.monotonic() - started

        assert post("สวัสดี")[0] == 200
        assert wait_for(lambda: len(fake_line.requests) >= 1, 5), "the sender never called LINE"
        # The sender is now stuck inside a 5-second LINE call.
        for i in range(5):
            status, elapsed = post(f"ข้อความที่ {i}")
            assert status == 200
            assert elapsed < 2.0, f"acknowledged after {elapsed:.2f}s"
        with db_app.app_context():
            assert len(db.session.execute(select(InboundEvent)).scalars().all()) == 6
    finally:
        stop.set()
        fake_line.delay = 0.0
        server.stop()
        for thread in threads:
            thread.join(timeout=10)
        assert not any(thread.is_alive() for thread in threads)


def _worker_env(app, line_api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DATABASE_", "SEND_"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": line_api_url,
        "SECRET_KEY": "worker-test",
        "WORKER_IDLE_SECONDS": "0.05",
        "SEND_BACKOFF_SECONDS": "0.2",
        "SEND_BACKOFF_CAP_SECONDS": "0.5",
        "SEND_MAX_ATTEMPTS": "1000",
    })
    env.update(extra)
    return env


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=20)


def _rows(app, model):
    with app.app_context():
        rows = db.session.execute(select(model)).scalars().all()
        db.session.remove()
        return rows


def test_worker_killed_before_reply_is_sent_delivers_exactly_once(db_app, fake_line, line_api_url):
    fake_line.fail(500, "Internal server error", path="/reply", times=10_000)
    post_webhook(db_app.test_client(), ev.body(ev.text_event(USER, "สวัสดี", fake_line.issue_reply_token(USER))))
    # If the kill lands while the row is leased, another worker may take it over after the lease.
    env = _worker_env(db_app, line_api_url, SEND_LEASE_SECONDS="1")
    worker = _start_worker(env)
    try:
        assert wait_for(lambda: len(fake_line.requests) >= 2), "worker never tried to send"
    finally:
        _kill(worker)  # crash: the answer is stored but not delivered
    assert fake_line.deliveries == []
    [row] = _rows(db_app, OutboundMessage)
    assert row.status in ("pending", "sending")

    fake_line.clear_faults()
    worker = _start_worker(env)
    try:
        assert wait_for(lambda: len(fake_line.deliveries) >= 1), "reply never delivered after restart"
        time.sleep(1.0)  # give a duplicate every chance to appear
    finally:
        _kill(worker, signal.SIGTERM)
    assert len(fake_line.messages_for(USER)) == 1
    [row] = _rows(db_app, OutboundMessage)
    assert row.status == "sent"
    assert [e.status for e in _rows(db_app, InboundEvent)] == ["done"]


def test_worker_killed_during_a_push_never_sends_it_twice(db_app, fake_line, line_api_url):
    """Killed while LINE is accepting the push: the retry reuses X-Line-Retry-Key and LINE answers 409."""
    with db_app.app_context():
        enqueue_push(db.session, USER, [{"type": "text", "text": "สถานะคำขอเปลี่ยนแล้ว"}], purpose="test")
        db.session.commit()
    fake_line.fail(0, "", path="/push", delay=2.0)
    env = _worker_env(db_app, line_api_url, SEND_LEASE_SECONDS="1")
    worker = _start_worker(env)
    try:
        assert wait_for(lambda: len(fake_line.requests) >= 1), "worker never pushed"
    finally:
        _kill(worker)  # the push is in flight; LINE will still accept it
    assert wait_for(lambda: len(fake_line.deliveries) == 1, 5)
    worker = _start_worker(env)
    try:
        assert wait_for(lambda: _rows(db_app, OutboundMessage)[0].status == "sent"), "row never settled"
    finally:
        _kill(worker, signal.SIGTERM)
    assert len(fake_line.messages_for(USER)) == 1
    pushes = [r for r in fake_line.requests if r["path"] == "/v2/bot/message/push"]
    assert len(pushes) == 2 and pushes[0]["headers"]["X-Line-Retry-Key"] == pushes[1]["headers"]["X-Line-Retry-Key"]
