"""The dispatcher and sender loops, as threads (embedded mode) or a `flask worker` process."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from bot.db import db
from bot.line.gateway import LineGateway
from bot.pipeline.dispatcher import dispatch_batch, prepare_responder
from bot.pipeline.heartbeat import run_heartbeat
from bot.pipeline.sender import Sender, SenderSettings
from bot.pipeline.signals import inbox_signal, listen, outbox_signal

log = logging.getLogger(__name__)
LISTEN_IDLE_SECONDS = 1.0  # with NOTIFY, an idle loop looks at the tables only this often



def make_sender(app: Flask) -> Sender:
    """A sender with its own LINE API client, configured from ``app``."""
    cfg = app.config
    settings = SenderSettings.from_config(cfg)
    gateway = LineGateway(cfg["LINE_API_BASE_URL"], cfg["LINE_CHANNEL_ACCESS_TOKEN"], cfg["LINE_TIMEOUT_SECONDS"],
                          pool_size=settings.concurrency)
    return Sender(gateway, settings, batch=2 * settings.concurrency, wake=outbox_signal)


def dispatch_available(app: Flask, stop: threading.Event | None = None) -> int:
    """Handle every due inbox event now (until ``stop`` is set); return how many."""
    count = 0
    size, attempts = app.config["DISPATCH_BATCH_SIZE"], app.config["DISPATCH_MAX_ATTEMPTS"]
    with app.app_context():
        while not (stop and stop.is_set()) and (handled := dispatch_batch(size, attempts)):
            count += handled
        db.session.remove()
    if count:
        outbox_signal.set()
    return count


def send_available(app: Flask, sender: Sender, stop: threading.Event | None = None) -> int:
    """Deliver every due outbox row now (until ``stop`` is set); return how many were handled."""
    count = 0
    with app.app_context():
        while not (stop and stop.is_set()) and (handled := sender.run_once()):
            count += handled
        db.session.remove()
    return count


def _loop(name: str, step: Callable[[], int], signal: threading.Event, stop: threading.Event, idle: float) -> None:
    log.info("%s loop started", name)
    while not stop.is_set():
        try:
            busy = step()
        except Exception:  # keep the loop alive; the database may be restarting
            log.exception("%s loop error", name)
            busy = 0
        if not busy:
            _idle_wait(signal, stop, idle)
            signal.clear()
    log.info("%s loop stopped", name)


def warm_up(app: Flask) -> None:
    """Load the knowledge and build the matcher before claiming any event, so that the first answer
    after a start is no slower than the others."""
    with app.app_context():
        try:
            prepare_responder()
        except Exception:  # the database may not be up yet: the dispatcher retries before each event
            log.exception("warm-up failed; the knowledge is loaded with the first event")
        db.session.remove()


def _idle_wait(signal: threading.Event, stop: threading.Event, idle: float) -> None:
    """Wait until ``signal`` (new work), ``stop`` or ``idle`` seconds, looking at ``stop`` every second."""
    deadline = time.monotonic() + idle
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        if signal.wait(min(left, 1.0)):
            return


def start_threads(app: Flask, stop: threading.Event, kind: str = "embedded") -> list[threading.Thread]:
    """Warm up, then start the dispatcher, sender and heartbeat loops as daemon threads. On ``stop``
    the dispatcher finishes its event and the sender releases what it has not started to send."""
    idle = app.config["WORKER_IDLE_SECONDS"]
    sender = make_sender(app)
    sender.stop = stop
    warm_up(app)
    threads = []
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # NOTIFY wakes the loops; polling stays only as a slow fallback (retries that fall due)
        ready = threading.Event()
        threads.append(threading.Thread(target=listen, name="listen", daemon=True,
                                        args=(app.config["SQLALCHEMY_DATABASE_URI"], stop, ready)))
        threads[-1].start()
        ready.wait(5)
        idle = max(idle, LISTEN_IDLE_SECONDS)
    threads += [
        threading.Thread(target=_loop, name="dispatcher", daemon=True,
                         args=("dispatcher", lambda: dispatch_available(app, stop), inbox_signal, stop, idle)),
        threading.Thread(target=_loop, name="sender", daemon=True,
                         args=("sender", lambda: send_available(app, sender, stop), outbox_signal, stop, idle)),
        threading.Thread(target=run_heartbeat, name="heartbeat", daemon=True, args=(app, kind, stop)),
    ]
    for thread in threads:
        if not thread.is_alive():
            thread.start()
    return threads
