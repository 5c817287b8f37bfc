"""The audit of personal-data actions: one `PrivacyAudit` row per export, erasure and retention run."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import Officer
from bot.privacy.model import PrivacyAudit

ACTIONS_TH = {
    "export_json": "ส่งออกข้อมูล (JSON)", "export_csv": "ส่งออกข้อมูล (CSV)", "erase": "ลบข้อมูลส่วนบุคคล",
    "user_erase": "ผู้ใช้ LINE ขอลบข้อมูลของตน", "retention_run": "ลบตามระยะเวลาเก็บรักษา (รอบการทำงาน)",
}


def record(session: Session, action: str, *, actor: str = "officer", officer: Officer | None = None,
           application_number: str | None = None, count: int | None = None,
           at: datetime | None = None) -> PrivacyAudit:
    """Add one audit row (in the caller's transaction): who, what, which application, when; no personal data."""
    row = PrivacyAudit(at=at or utcnow(), actor=actor, officer_id=officer.id if officer else None,
                       officer_username=officer.username if officer else None, action=action,
                       application_number=application_number, count=count)
    session.add(row)
    return row


def recent(session: Session, limit: int = 200) -> list[PrivacyAudit]:
    """The newest audit rows first."""
    return list(session.scalars(select(PrivacyAudit).order_by(PrivacyAudit.id.desc()).limit(limit)))


def last_run(session: Session) -> datetime | None:
    """When the retention purge last ran (any process), or None."""
    return session.scalar(select(PrivacyAudit.at).where(PrivacyAudit.action == "retention_run")
                          .order_by(PrivacyAudit.at.desc()).limit(1))
