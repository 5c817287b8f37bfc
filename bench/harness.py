"""What the PostgreSQL benchmarks share: a fake LINE API served over HTTP in this process, a throw-away
database, and the environment for `flask` subprocesses that use both."""
from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from aiohttp import web
from werkzeug import Request

from bot.simulator.fake_line import FakeLine
from tests.pg import throwaway_database

SECRET, TOKEN = "bench-secret", "bench-token"
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fake_line_server() -> Iterator[tuple[FakeLine, str]]:
    """A `FakeLine` behind an HTTP/1.1 keep-alive server (aiohttp, in a thread of this process), as LINE's
    API keeps connections open; yields it and its base URL. ``fake.delay`` is waited asynchronously, so
    a delayed answer holds up only itself.

    (werkzeug's development server closes every connection, so each call would pay a new TCP
    connection on both sides: CPU that the real API never costs the bot.)"""
    fake = FakeLine(access_token=TOKEN)

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        if fake.delay:
            await asyncio.sleep(fake.delay)
        response = fake.handle(Request(_environ(request, body)), wait=False)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return web.Response(status=response.status_code, headers=headers, body=response.get_data())

    loop = asyncio.new_event_loop()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    thread = threading.Thread(target=loop.run_forever, name="fake-line", daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def _environ(request: web.Request, body: bytes) -> dict[str, object]:
    """The WSGI environ of an aiohttp request, for `FakeLine.handle` (a werkzeug handler)."""
    environ: dict[str, object] = {
        "REQUEST_METHOD": request.method, "PATH_INFO": request.path, "QUERY_STRING": request.query_string,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": request.headers.get("Content-Type", "")}
    for name, value in request.headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


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
