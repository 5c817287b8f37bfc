"""Database handle (Flask-SQLAlchemy), migrations (Flask-Migrate) and SQLite settings."""
from __future__ import annotations

import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, cast

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, MetaData, String, Table, event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for all models; constraint names are fixed so migrations can alter them."""

    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def table_of(model: type[Any]) -> Table:
    """The Core table of a model (for bulk statements on the hot paths)."""
    return cast(Table, model.__table__)


def column_length(column: Column[Any], default: int) -> int:
    """The declared length of a string column (``default`` when it has none)."""
    return column.type.length or default if isinstance(column.type, String) else default


def utcnow() -> datetime:
    """Current time as naive UTC (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def one_statement() -> AbstractContextManager[Connection]:
    """A connection for one statement that is atomic on its own (an INSERT or UPDATE … RETURNING): on
    PostgreSQL in autocommit, one round trip instead of BEGIN, statement, COMMIT; on SQLite a short
    transaction (it takes the write lock at BEGIN, and a RETURNING statement holds it until closed)."""
    if is_sqlite(db.engine):
        return db.engine.begin()
    return db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


# A connection that has waited in the pool longer than this is checked (one round trip) before use: a
# server restart or a firewall may have closed it meanwhile. A busy process reuses its connections within
# milliseconds, and `pool_pre_ping` would cost a round trip on every checkout (a third of a webhook's).
PING_AFTER_IDLE_SECONDS = 2.0


def ping_idle_connections(app: Flask) -> None:
    """Instead of `pool_pre_ping` (a round trip on every checkout), check only the connections of
    ``app``'s engines that waited in the pool longer than `PING_AFTER_IDLE_SECONDS`; a dead one is
    replaced (the pool retries on `DisconnectionError`). After a server restart, the first statement
    on a connection used just before fails once and SQLAlchemy renews the whole pool."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        dialect = engine.dialect

        def idle_from_now(_dbapi_connection: Any, record: Any) -> None:
            record.info["idle_since"] = time.monotonic()

        def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any, dialect: Any = dialect) -> None:
            since = record.info.get("idle_since")
            if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
                return
            try:
                dialect.do_ping(dbapi_connection)
            except Exception as error:  # whatever the ping raised, the connection is not usable
                raise exc.DisconnectionError() from error

        event.listen(engine, "checkin", idle_from_now)
        event.listen(engine, "checkout", ping_if_idle)


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record) -> None:  # pragma: no cover - trivial
    """WAL, a busy timeout and foreign keys for SQLite; transactions begin explicitly."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:  # pragma: no cover - trivial
    """Take SQLite's write lock at BEGIN so concurrent writers wait instead of failing."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
