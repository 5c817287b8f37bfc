"""GET /healthz: 200 when the database answers, 503 otherwise (the web's own check, for load balancers).
GET /healthz/pipeline: live workers and the pipeline's lag; 503 when no worker is alive or the lag passes
``PIPELINE_MAX_LAG_SECONDS`` (for monitoring: a dead worker must never stop the web taking webhooks)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.db import db
from bot.pipeline.heartbeat import pipeline_status

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as exc:
        log.error("healthz: database unavailable: %s", type(exc).__name__)
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok")


@bp.get("/healthz/pipeline")
def healthz_pipeline():
    cfg = current_app.config
    try:
        status = pipeline_status(db.session(), float(cfg["HEARTBEAT_SECONDS"]))
        db.session.rollback()
    except SQLAlchemyError as exc:
        log.error("healthz/pipeline: database unavailable: %s", type(exc).__name__)
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    problems = status.problems(float(cfg["PIPELINE_MAX_LAG_SECONDS"]))
    body = {"status": "degraded" if problems else "ok", "problems": problems, "workers": status.workers,
            "oldest_unanswered_seconds": round(status.oldest_unanswered_seconds, 1),
            "oldest_unsent_seconds": round(status.oldest_unsent_seconds, 1)}
    return jsonify(body), 503 if problems else 200
