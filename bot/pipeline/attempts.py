"""One delivery attempt: the job (what the sender read from its outbox row), the settings that bound it, and
what its outcome writes back to the row — sent, probably delivered, tried again later (with backoff) or failed
for good — with the label it is counted under."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.line.gateway import SendFailure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SenderSettings:
    """How the sender retries and leases; the values (and their defaults) come only from the config."""

    max_attempts: int
    backoff_seconds: float
    backoff_cap_seconds: float
    lease_seconds: float
    reply_token_max_age_seconds: float
    concurrency: int
    timeout_seconds: float  # of one LINE API call

    @classmethod
    def from_config(cls, config: Any) -> SenderSettings:
        return cls(
            max_attempts=config["SEND_MAX_ATTEMPTS"],
            backoff_seconds=config["SEND_BACKOFF_SECONDS"],
            backoff_cap_seconds=config["SEND_BACKOFF_CAP_SECONDS"],
            lease_seconds=config["SEND_LEASE_SECONDS"],
            reply_token_max_age_seconds=config["REPLY_TOKEN_MAX_AGE_SECONDS"],
            concurrency=max(1, int(config["SEND_CONCURRENCY"])),
            timeout_seconds=config["LINE_TIMEOUT_SECONDS"],
        )


@dataclass
class Job:
    """What the sender needs from a row, read before the HTTP call."""

    id: int
    kind: str
    reply_token: str | None
    recipients: list[str]
    messages: list[dict[str, Any]]
    retry_key: str
    created_at: datetime
    attempts: int
    lease_until: datetime | None = None
    taken_over: bool = False  # leased again after a worker died holding it: its last outcome is unknown


def backoff_delay(attempt: int, settings: SenderSettings, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter in [0.5, 1.5) × base·2^(attempt-1), capped."""
    base = min(settings.backoff_cap_seconds, settings.backoff_seconds * 2 ** max(attempt - 1, 0))
    return base * (0.5 + (rng or random).random())


def outcome_values(job: Job, outcome: SendFailure | str, now: datetime, settings: SenderSettings) -> dict[str, Any]:
    """The columns to write for ``job``'s attempt (with ``b_id``/``b_attempts``, the row it must still be)."""
    values: dict[str, Any] = {"b_id": job.id, "b_attempts": job.attempts, "kind": job.kind,
                              "reply_token": job.reply_token, "lease_until": None, "sent_at": None,
                              "line_request_id": None, "next_attempt_at": now, "error_kind": None}
    if isinstance(outcome, str):
        values.update(status="sent", sent_at=now, line_request_id=outcome or None, last_error=None)
    elif outcome.kind == "unknown" and job.kind == "reply":
        # LINE may have delivered it, and a reply token cannot be retried: never pushed again.
        values.update(status="sent", sent_at=now, error_kind="unknown", last_error=outcome.detail[:1000])
        log.warning("outbox %s: reply outcome unknown (%s), counted as probably delivered", job.id,
                    outcome.detail)
    elif outcome.kind == "unknown" and job.attempts < settings.max_attempts:
        # A push or multicast is retried with the same X-Line-Retry-Key: LINE drops the duplicate.
        delay = backoff_delay(job.attempts, settings)
        values.update(status="pending", next_attempt_at=now + timedelta(seconds=delay),
                      last_error=outcome.detail[:1000])
    elif outcome.kind == "retry" and job.attempts < settings.max_attempts:
        delay = backoff_delay(job.attempts, settings)
        values.update(status="pending", next_attempt_at=now + timedelta(seconds=delay),
                      last_error=outcome.detail[:1000])
        log.warning("outbox %s: attempt %d failed (%s), retry in %.1fs", job.id, job.attempts,
                    outcome.detail, delay)
    else:
        error_kind = "exhausted" if outcome.kind == "retry" else outcome.kind
        values.update(status="failed", error_kind=error_kind, last_error=outcome.detail[:1000])
        log.error("outbox %s: failed for good (%s): %s", job.id, error_kind, outcome.detail)
    return values


def attempted(outcome: SendFailure | str) -> bool:
    """False when the call was not made (stopping, or too late in its lease): the row goes back to the queue
    untouched."""
    return not (isinstance(outcome, SendFailure) and outcome.kind == "released")


def metric_outcome(values: dict[str, Any]) -> str:
    """sent, unknown (a reply LINE probably delivered), retry or failed: from the values recorded."""
    if values["status"] == "sent":
        return "unknown" if values["error_kind"] == "unknown" else "sent"
    return "retry" if values["status"] == "pending" else "failed"
