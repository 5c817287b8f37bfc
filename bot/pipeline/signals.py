"""Wake-ups when new work is stored: threads of one process share `threading.Event`s; on PostgreSQL the
storing transaction also sends ``NOTIFY`` so that idle workers of every process and machine wake at once
(`listen` sets the same events), instead of polling the tables.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import text

log = logging.getLogger(__name__)

inbox_signal = threading.Event()
outbox_signal = threading.Event()
INBOX_CHANNEL = "tcps_inbox"
OUTBOX_CHANNEL = "tcps_outbox"
_CHANNELS = {INBOX_CHANNEL: inbox_signal, OUTBOX_CHANNEL: outbox_signal}


def notify(connection: Any, channel: str) -> None:
    """In the caller's transaction (a Session or a Connection): wake the workers of ``channel`` at commit.
    PostgreSQL only; elsewhere (embedded SQLite) the in-process events are enough."""
    if hasattr(connection, "get_bind"):  # a Session: its connection, without flushing pending rows first
        if connection.get_bind().dialect.name != "postgresql":
            return
        connection = connection.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})


def listen(database_url: str, stop: threading.Event, ready: threading.Event | None = None) -> None:
    """Until ``stop``: wait for NOTIFY on the pipeline's channels and set the matching event. Reconnects
    after a database restart (the loops still poll, slowly, meanwhile)."""
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    while not stop.is_set():
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                for channel in _CHANNELS:
                    conn.execute(f"LISTEN {channel}")
                if ready is not None:
                    ready.set()
                while not stop.is_set():
                    for note in conn.notifies(timeout=1.0):
                        _CHANNELS[note.channel].set()
        except psycopg.Error:
            log.warning("LISTEN connection lost; reconnecting")
            stop.wait(1.0)
