"""Wake-ups when new work is stored: threads of one process share `threading.Event`s; on PostgreSQL a
statement trigger on ``inbound_event`` and ``outbound_message`` (migration 0009) sends ``NOTIFY`` at the
commit of every insert, so that idle workers of every process and machine wake at once (`listen` sets the
same events), instead of polling the tables, and no code has to remember to notify.
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

inbox_signal = threading.Event()
outbox_signal = threading.Event()
INBOX_CHANNEL = "tcps_inbox"
OUTBOX_CHANNEL = "tcps_outbox"
_CHANNELS = {INBOX_CHANNEL: inbox_signal, OUTBOX_CHANNEL: outbox_signal}


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
