"""What the PostgreSQL benchmarks share: a fake LINE API served over HTTP in this process, a throw-away
database, and the environment for `flask` subprocesses that use both."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from werkzeug import Request
from werkzeug.serving import make_server

from bot.simulator.fake_line import FakeLine
from tests.pg import throwaway_database

SECRET, TOKEN = "bench-secret", "bench-token"
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fake_line_server() -> Iterator[tuple[FakeLine, str]]:
    """A `FakeLine` behind a threaded werkzeug server; yields it and its base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    fake = FakeLine(access_token=TOKEN)
    server = make_server("127.0.0.1", 0, lambda environ, start: fake.handle(Request(environ))(environ, start),
                         threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def bench_database() -> AbstractContextManager[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its URL."""
    return throwaway_database(ADMIN_URL, "tcps_bench")


def app_env(db_url: str, line_url: str) -> dict[str, str]:
    """Environment for `flask --app app …` processes on ``db_url`` talking to ``line_url``."""
    return {**os.environ, "DATABASE_URL": db_url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": line_url, "SECRET_KEY": "bench", "WORKER_IDLE_SECONDS": "0.05"}


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group we started (they were started with start_new_session) and wait."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)
