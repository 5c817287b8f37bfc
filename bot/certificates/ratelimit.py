"""The lookup limit (about 30 a minute per client), counted in the database so that every web and worker
process shares it: one `CertificateLookup` row per lookup, found or not (guesses count too)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.certificates.model import CertificateLookup

WINDOW = timedelta(minutes=1)
KEEP = timedelta(days=1)


def limit() -> int:
    return int(current_app.config.get("CERTIFICATE_LOOKUPS_PER_MINUTE", 30))


def allowed(session: Session, client: str, now: datetime) -> bool:
    """Whether ``client`` (``ip:…`` or ``line:…``) may look up one more certificate now."""
    recent = session.scalar(select(func.count()).select_from(CertificateLookup)
                            .where(CertificateLookup.client == client, CertificateLookup.at > now - WINDOW))
    return (recent or 0) < limit()


def record(session: Session, client: str, found: bool, now: datetime) -> None:
    """Count one lookup (the caller commits)."""
    session.add(CertificateLookup(client=client[:80], found=found, at=now))


def prune(session: Session, now: datetime) -> int:
    """Forget lookups older than a day (they no longer matter for the limit)."""
    result = session.execute(delete(CertificateLookup).where(CertificateLookup.at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
