"""The schema comes only from migrations: they run both ways and match the models exactly."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from bot.db import db
from tests.conftest import base_config, temporary_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with temporary_postgres("tcps_mig") as url:
        yield url


def test_migrations_upgrade_downgrade_and_match_models(empty_database):
    app = create_app(base_config(empty_database, "http://127.0.0.1:9"))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"inbound_event", "outbound_message", "line_user", "conversation_state"} <= tables
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "inbound_event" in inspect(db.engine).get_table_names()
        db.engine.dispose()
