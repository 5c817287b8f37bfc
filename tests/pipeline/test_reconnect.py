"""Database connections: checked before use only after waiting idle in the pool (a busy process pays no
round trip per checkout), and a webhook whose connection was closed under it (the server restarted) is
stored on a new one instead of answering LINE with a 500."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import func, select, text

import bot.db
from bot.db import db
from bot.models import InboundEvent
from bot.simulator import events as ev
from tests.helpers import post_webhook

USER = "U" + "d" * 32


@pytest.fixture
def pings(db_app, monkeypatch) -> list[int]:
    """Counts the pings of the app's engine."""
    calls: list[int] = []
    with db_app.app_context():
        dialect = db.engine.dialect
    real = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: calls.append(1) or real(conn))
    return calls


def use_the_database(app) -> None:
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.commit()


def test_a_connection_reused_at_once_is_not_pinged(db_app, pings):
    for _ in range(5):
        use_the_database(db_app)
    assert pings == []


def test_a_connection_that_waited_in_the_pool_is_pinged(db_app, pings, monkeypatch):
    use_the_database(db_app)
    monkeypatch.setattr(bot.db, "PING_AFTER_IDLE_SECONDS", 0.0)
    use_the_database(db_app)
    assert pings == [1]


def close_every_other_connection(app) -> int:
    """What a server restart does to the app's pooled connections: closed from the server's side."""
    with app.app_context():
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        return len(admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall())


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(InboundEvent))


@pytest.mark.parametrize("db_app", ["postgresql"], indirect=True)  # a server-side close
def test_an_idle_connection_closed_by_the_server_is_replaced(db_app, fake_line, monkeypatch):
    use_the_database(db_app)
    assert close_every_other_connection(db_app) >= 1
    monkeypatch.setattr(bot.db, "PING_AFTER_IDLE_SECONDS", 0.0)
    use_the_database(db_app)  # the ping finds it dead; the pool connects again, no error


@pytest.mark.parametrize("db_app", ["postgresql"], indirect=True)
def test_a_webhook_on_a_connection_closed_under_it_is_stored_on_a_new_one(db_app, fake_line):
    client = db_app.test_client()
    first = ev.body(ev.text_event(USER, "สวัสดีค่ะ", fake_line.issue_reply_token(USER)))
    assert post_webhook(client, first).status_code == 200  # the pool now holds a connection used just now
    assert close_every_other_connection(db_app) >= 1
    second = ev.body(ev.text_event(USER, "ขอมาตรฐานน้ำพริกค่ะ", fake_line.issue_reply_token(USER)))
    assert post_webhook(client, second).status_code == 200
    assert stored(db_app) == 2
