"""The worker's certificate job: once per Thai day (checked every few minutes, per process), write
``expired`` on the certificates whose expiry date has passed and forget old lookup rows. Idempotent, so
several processes running it at once do no harm (rows are claimed with SKIP LOCKED on PostgreSQL)."""
from __future__ import annotations

import logging
import time
from datetime import date

from bot.cases.applications import today_in_thailand
from bot.certificates.ratelimit import prune
from bot.certificates.records import expire_due
from bot.db import db, utcnow

log = logging.getLogger(__name__)
CHECK_SECONDS = 300
_last_check = 0.0
_done_for: date | None = None


def run_daily() -> int:
    """Expire what is due today (at most once per day and process); returns how many were expired."""
    global _last_check, _done_for
    today = today_in_thailand()
    if _done_for == today or time.monotonic() - _last_check < CHECK_SECONDS:
        return 0
    _last_check = time.monotonic()
    try:
        count = expire_due(db.session(), today)
        prune(db.session(), utcnow())
        db.session.commit()
    except Exception:  # the dispatcher must go on; the next check tries again
        db.session.rollback()
        log.exception("certificates: daily expiry failed")
        return 0
    _done_for = today
    if count:
        log.info("certificates: %d expired", count)
    return count
