"""An applicant's personal data on one application: export it (JSON or CSV) or erase it.

Erasing keeps the application (number, product, standard, stages, documents) with the office and replaces
the applicant's name with `PLACEHOLDER`, the phone and national ID hashes with values no answer can match
(nobody can verify for the application in LINE any more), and removes its links to LINE users.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import Application, ApplicationLink, LineUser, Officer
from bot.office.console.base import mask_line_id
from bot.privacy.audit import record

PLACEHOLDER = "ลบข้อมูลตามคำขอ"
ERASED_HASH = "erased"  # not a hex digest: no keyed hash of any phone or answer equals it
ERASED_MASK = "ลบแล้ว"
EXPORT_FIELDS = ("application_number", "applicant_name", "phone", "national_id", "product", "province",
                 "submitted_on", "stage", "line_users")


def is_erased(application: Application) -> bool:
    return application.applicant.phone_hash == ERASED_HASH


def personal_data(session: Session, application: Application) -> dict[str, Any]:
    """What the office keeps about the applicant of ``application``, as stored (phone masked, ID hashed)."""
    applicant = application.applicant
    users = session.execute(
        select(LineUser.line_user_id, LineUser.display_name, ApplicationLink.verified_at)
        .join(ApplicationLink, ApplicationLink.line_user_id == LineUser.id)
        .where(ApplicationLink.application_id == application.id).order_by(ApplicationLink.id)).all()
    return {
        "application_number": application.number,
        "applicant_name": applicant.name,
        "phone": applicant.phone_masked,
        "phone_note": "เก็บเฉพาะค่าแฮชและเลขที่ปกปิด ไม่เก็บเลขเต็ม / only a keyed hash and a masked form are kept",
        "national_id": "keyed hash only (not recoverable)" if applicant.national_id_hash else None,
        "product": application.product,
        "province": application.province,
        "submitted_on": application.submitted_on.isoformat(),
        "stage": application.stage,
        "line_users": [{"line_user": mask_line_id(u.line_user_id), "display_name": u.display_name,
                        "linked_at": u.verified_at.isoformat(timespec="seconds")} for u in users],
    }


def export(session: Session, application: Application, fmt: str, officer: Officer) -> tuple[str, str]:
    """(body, content type) of the export in ``fmt`` (json | csv), audit-logged as ``officer``."""
    data = personal_data(session, application)
    record(session, f"export_{fmt}", officer=officer, application_number=application.number)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2), "application/json"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    users = "; ".join(f"{u['line_user']} {u['display_name'] or ''}".strip() for u in data["line_users"])
    writer.writerow([data[f] if f != "line_users" else users for f in EXPORT_FIELDS])
    return "\ufeff" + out.getvalue(), "text/csv"  # the BOM: Excel reads the Thai as UTF-8


def erase(session: Session, application: Application, *, officer: Officer | None = None) -> int:
    """Replace the applicant's personal fields and unlink LINE users (in the caller's transaction); audit it
    (as ``officer``, or as the system when None). Returns how many LINE users were unlinked."""
    applicant = application.applicant
    applicant.name, applicant.phone_masked = PLACEHOLDER, ERASED_MASK
    applicant.phone_hash = applicant.phone_last4_hash = ERASED_HASH
    applicant.national_id_hash = None
    result = session.execute(delete(ApplicationLink).where(ApplicationLink.application_id == application.id))
    session.expire(application, ["links"])
    record(session, "erase", actor="officer" if officer else "system", officer=officer,
           application_number=application.number)
    return int(getattr(result, "rowcount", 0) or 0)
