"""On PostgreSQL idle workers are woken by NOTIFY from the transaction that stored the work (another web
process, an officer's push), not by polling the tables."""
from __future__ import annotations

import threading
import time

from bot.db import db
from bot.pipeline.inbox import EventRow, store_events
from bot.pipeline.outbox import enqueue_push
from bot.pipeline.signals import inbox_signal, outbox_signal
from bot.pipeline.worker import start_threads
from bot.simulator import events as ev
from tests.helpers import wait_for

USER = "U" + "5" * 32


def test_idle_workers_wake_on_notify_instead_of_polling(pg_app, fake_line):
    pg_app.config["WORKER_IDLE_SECONDS"] = 120  # a polling loop would not look at the tables again for minutes
    stop = threading.Event()
    threads = start_threads(pg_app, stop, kind="worker")
    try:
        time.sleep(0.5)  # both loops found nothing and are waiting
        inbox_signal.clear()
        outbox_signal.clear()
        event = ev.text_event(USER, "สวัสดีค่ะ", fake_line.issue_reply_token(USER))
        row = EventRow(event["webhookEventId"], "message", USER, "active", False, event["timestamp"], event)
        with pg_app.app_context():  # as another web process stores it: no in-process signal, only NOTIFY
            assert store_events([row]) == 1
        assert wait_for(lambda: len(fake_line.messages_for(USER)) == 1, 20), "the dispatcher was not woken"

        outbox_signal.clear()
        with pg_app.app_context():  # an officer's push from the console, in a web process
            enqueue_push(db.session, USER, [{"type": "text", "text": "แจ้งเตือนจากเจ้าหน้าที่"}], "test")
            db.session.commit()
        assert wait_for(lambda: len(fake_line.messages_for(USER)) == 2, 20), "the sender was not woken"
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
