"""Prometheus metrics (prometheus-client): events, outbox messages, matcher verdicts, console logins, and
the pipeline's lag, at ``GET /metrics``.

Several processes (gunicorn's workers, any number of ``flask worker``) count into one place when
``PROMETHEUS_MULTIPROC_DIR`` names a directory they share (``make run-prod`` sets and empties it): the
counters are written there, and ``/metrics`` of any web process adds up every process of the machine. Without
it (``make run``, tests) each process counts in memory. The lag comes from the database at each scrape, so it
is the same whichever machine is asked.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from bot.db import db
from bot.pipeline.heartbeat import pipeline_status

bp = Blueprint("metrics", __name__)

EVENTS_RECEIVED = Counter("tcps_events_received", "Webhook events stored (redeliveries of stored ones not counted)")
EVENTS_HANDLED = Counter("tcps_events_handled", "Events the dispatcher finished: done (answered), skipped "
                         "(no answer needed), retry (failed, will be tried again), failed (for good)", ["status"])
OUTBOX = Counter("tcps_outbox_messages", "Outbox messages by outcome (sent, retry, failed, unknown) and LINE's HTTP "
                 "status (none: no answer from LINE)", ["outcome", "line_status"])
MATCHER_VERDICTS = Counter("tcps_matcher_verdicts", "Products in producers' questions, by the matcher's verdict",
                           ["verdict"])
CONSOLE_LOGINS = Counter("tcps_console_logins", "Officers' console logins by result (ok, bad, locked)", ["result"])


def init_app(app: Flask) -> None:
    """Serve ``GET /metrics`` (no login: expose it only to your monitoring network, see docs/deployment.md)."""
    app.register_blueprint(bp)


@bp.get("/metrics")
def metrics() -> Response:
    """Every counter (all processes of this machine in multiprocess mode), then the pipeline's lag."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    lag = CollectorRegistry()
    lag.register(_PipelineLag(float(current_app.config["HEARTBEAT_SECONDS"])))
    return Response(generate_latest(registry) + generate_latest(lag), mimetype=CONTENT_TYPE_LATEST)


class _PipelineLag(Collector):
    """Live workers and the age of the oldest unanswered event and unsent message, read at scrape time."""

    def __init__(self, heartbeat_seconds: float) -> None:
        self.heartbeat_seconds = heartbeat_seconds

    def collect(self) -> Iterator[Metric]:
        try:
            status = pipeline_status(db.session(), self.heartbeat_seconds)
        except SQLAlchemyError:
            db.session.rollback()
            yield GaugeMetricFamily("tcps_database_up", "1 when the database answered this scrape", value=0)
            return
        db.session.rollback()
        yield GaugeMetricFamily("tcps_database_up", "1 when the database answered this scrape", value=1)
        yield GaugeMetricFamily("tcps_workers_alive", "Workers with a recent heartbeat", value=status.workers)
        lag = GaugeMetricFamily("tcps_pipeline_lag_seconds", "Age of the oldest item still waiting", labels=["queue"])
        lag.add_metric(["inbox"], status.oldest_unanswered_seconds)
        lag.add_metric(["outbox"], status.oldest_unsent_seconds)
        yield lag


def count_outcome(outcome: str, line_status: int | None) -> None:
    """One outbox message's outcome (the sender calls this once the outcome is recorded)."""
    OUTBOX.labels(outcome, str(line_status) if line_status else "none").inc()
