"""Shared fixtures: apps on SQLite and PostgreSQL (schema made by the real migrations),
a fake LINE Messaging API served over real HTTP, and helpers to chat through /callback."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask_migrate import upgrade
from pytest_httpserver import HTTPServer
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from bot.db import db
from bot.simulator.fake_line import FakeLine
from tests.fakes import fake_site
from tests.pg import throwaway_database

CHANNEL_SECRET = "channel_secret"  # LINE's own test secret, used in its published vectors
ACCESS_TOKEN = "test-access-token"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Officers, applications and logged-in clients, shared by the office and pipeline tests.
pytest_plugins = ["tests.office.fixtures"]


def base_config(database_url: str, line_api: str, **extra: object) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": line_api,
        "LINE_TIMEOUT_SECONDS": 2.0,
        "SEND_BACKOFF_SECONDS": 0.0,
        "WORKER_IDLE_SECONDS": 0.05,
        "WTF_CSRF_ENABLED": True,
        # The next message after a change sees it (the rebuild itself still runs in its own thread;
        # tests/knowledge/test_refresh.py covers answers that do not wait).
        "KNOWLEDGE_REBUILD_WAIT_SECONDS": 60.0,
    }
    config.update(extra)
    return config


def migrate_database(url: str) -> None:
    """Create the schema the way production does: by running the Alembic migrations."""
    app = create_app(base_config(url, "http://127.0.0.1:9"))
    with app.app_context():
        upgrade()
        db.engine.dispose()


# ---- fake LINE API over real HTTP ------------------------------------------------------------
@pytest.fixture(scope="session")
def line_server() -> Iterator[tuple[HTTPServer, dict]]:
    with fake_site(r"^/v2/.*") as served:
        yield served


@pytest.fixture
def fake_line(line_server) -> FakeLine:
    """A fresh fake Messaging API for each test, reachable at `line_api_url`."""
    _server, holder = line_server
    holder["fake"] = FakeLine(access_token=ACCESS_TOKEN)
    return holder["fake"]


@pytest.fixture
def line_api_url(line_server, fake_line) -> str:
    return line_server[0].url_for("/").rstrip("/")


# ---- databases --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    migrate_database(f"sqlite:///{path}")
    return path


@contextmanager
def temporary_postgres(prefix: str = "tcps_test") -> Iterator[str]:
    """A throw-away PostgreSQL database URL; fails (not skips) in CI if the server is unreachable."""
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    with throwaway_database(PG_ADMIN_URL, prefix) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for the whole session, migrated once."""
    with temporary_postgres() as url:
        migrate_database(url)
        yield url


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


def close_app(app: Flask) -> None:
    """Release the app's database connections (end of a test)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _make_app(database_url: str, line_api: str, **extra: object) -> Flask:
    return create_app(base_config(database_url, line_api, **extra))


@pytest.fixture
def app(sqlite_template, tmp_path, line_api_url) -> Iterator[Flask]:
    """An app on a fresh SQLite database (copied from the migrated template)."""
    path = tmp_path / "tcps.sqlite3"
    shutil.copy(sqlite_template, path)
    application = _make_app(f"sqlite:///{path}", line_api_url)
    yield application
    close_app(application)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_app(request, sqlite_template, tmp_path, line_api_url) -> Iterator[Flask]:
    """The same app on SQLite and on PostgreSQL: storage tests run on both."""
    if request.param == "sqlite":
        path = tmp_path / "tcps.sqlite3"
        shutil.copy(sqlite_template, path)
        application = _make_app(f"sqlite:///{path}", line_api_url)
    else:
        url = request.getfixturevalue("postgres_url")
        application = _make_app(url, line_api_url)
        _truncate_all(application)
    yield application
    close_app(application)


@pytest.fixture
def client(app):
    return app.test_client()


# ---- a live server (for the simulator and browser tests) ------------------------------------------
class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


# ---- a real browser ------------------------------------------------------------------------------
@pytest.fixture
def browser():
    if not CHROMIUM:
        message = "Debian's chromium is not installed (make test installs it with apt when it can)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
