"""Application factory. `flask --app app …` and `gunicorn 'app:create_app()'` both use it."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import certificates, cli, health, metrics
from bot.cases import applications, stage_push
from bot.certificates import jobs as certificate_jobs
from bot.config import load_config
from bot.db import db, migrate, ping_idle_connections
from bot.documents import jobs as document_jobs
from bot.handlers import router
from bot.knowledge.brain import refresh_brain
from bot.line import webhook
from bot.logs import configure_logging, incoming_request_id, request_id
from bot.office import api, console
from bot.pipeline import dispatcher
from bot.pipeline.dispatcher import Responder
from bot.privacy import wiring as privacy

csrf = CSRFProtect()
MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")
# On every response (API, webhook, health, metrics, simulator): no sniffing, no framing, only our own resources.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; "
                               "base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config, database, blueprints, CLI; simulator parts only in simulator mode."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(Path(app.instance_path), test_config))
    if not app.testing:
        configure_logging(fmt=app.config["LOG_FORMAT"])
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]  # Flask's documented middleware hook

    db.init_app(app)
    ping_idle_connections(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    csrf.init_app(app)
    # The explicit wiring between layers: the pipeline's responder and the stage-change card.
    dispatcher.init_app(app, Responder(respond=router.answer, prepare=_prepare))
    applications.init_app(app, stage_messages=stage_push.stage_change_messages,
                          stages_messages=stage_push.stages_change_messages)

    _track_requests(app)
    app.register_blueprint(health.bp)
    metrics.init_app(app)
    app.register_blueprint(webhook.bp)
    csrf.exempt(webhook.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # bearer tokens, no cookies
    certificates.init_app(app)
    if app.config["SIMULATOR"]:
        _mount_simulator(app)
    cli.init_app(app)
    privacy.init_app(app)
    return app


def _track_requests(app: Flask) -> None:
    """Each request's id (the proxy's ``X-Request-Id``, else a new one) in its log records and its response,
    and the security headers on every response."""

    @app.before_request
    def _start() -> None:
        request_id.set(incoming_request_id(request.headers.get("X-Request-Id")))

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = request_id.get() or ""
        for name, value in SECURITY_HEADERS.items():  # the console sets stricter ones of its own first
            if not (name == "Content-Security-Policy" and request.blueprint == "simulator"):  # dev tool only
                response.headers.setdefault(name, value)
        return response


def _prepare() -> None:
    """Before each claim, outside any transaction: new knowledge, documents to fetch from LINE, the
    certificates' daily expiry, and the daily retention purge of personal data when it is due."""
    refresh_brain()
    document_jobs.run_due()
    certificate_jobs.run_daily()
    privacy.run_due()


def _mount_simulator(app: Flask) -> None:
    from bot.simulator.fake_line import FakeLine
    from bot.simulator.views import bp as simulator_bp
    from bot.simulator.views import fake_api

    app.extensions["fake_line"] = FakeLine(access_token=app.config["LINE_CHANNEL_ACCESS_TOKEN"])
    app.register_blueprint(simulator_bp)
    app.register_blueprint(fake_api)
    csrf.exempt(fake_api)


_app: Flask | None = None


def __getattr__(name: str) -> Flask:
    """`app.app` is created on first use, so importing this module has no side effects."""
    global _app
    if name != "app":
        raise AttributeError(name)
    if _app is None:
        _app = create_app()
    return _app
