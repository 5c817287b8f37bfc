"""App factory, configuration rules, health check, and production vs simulator routes."""
from pathlib import Path

import pytest

from app import create_app
from bot.config import ConfigError, database_url
from tests.conftest import base_config


def test_healthz_ok(db_app):
    response = db_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_is_down():
    app = create_app(base_config("postgresql://postgres@127.0.0.1:1/nowhere", "http://127.0.0.1:9"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_production_mode_requires_secret_key():
    config = base_config("sqlite://", "http://x", SECRET_KEY=None, TESTING=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)


def test_credentials_must_come_in_pairs():
    with pytest.raises(ConfigError, match="LINE_CHANNEL_ACCESS_TOKEN"):
        create_app(base_config("sqlite://", "http://x", LINE_CHANNEL_ACCESS_TOKEN=None))


def test_production_mode_hides_simulator_and_fake_api(client):
    assert client.get("/simulator").status_code == 404
    assert client.post("/fake-line/v2/bot/message/push", json={}).status_code == 404


def test_simulator_mode_without_credentials():
    app = create_app(base_config("sqlite://", "", LINE_CHANNEL_SECRET=None, LINE_CHANNEL_ACCESS_TOKEN=None,
                                 LINE_API_BASE_URL=None, SECRET_KEY=None, SIMULATOR=True, PORT=5123))
    assert app.config["LINE_API_BASE_URL"] == "http://127.0.0.1:5123/fake-line"
    assert len(app.config["LINE_CHANNEL_SECRET"]) == 32 and app.config["SECRET_KEY"]
    assert (Path(app.instance_path) / "secret_key").read_text() == app.config["SECRET_KEY"]
    assert app.test_client().get("/simulator").status_code == 200


def test_plain_postgresql_url_uses_the_shipped_driver(tmp_path: Path):
    assert database_url("postgresql://u@h:5432/db", tmp_path) == "postgresql+psycopg://u@h:5432/db"
    assert database_url("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'tcps.sqlite3'}"
