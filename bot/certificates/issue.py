"""A certificate record for an application that reached "certificate issued" in the console or the API.

Its number is the one the officer types (``certificate_number``), else the application's number (one
application = one producer × one product × one standard = one certificate, as TISI issues them). Its holder
is the ``holder_name`` the officer types (the registered group or enterprise, as TISI publishes it), never
the applicant's personal name; it stays empty until given. Issue date: the day of the stage change; expiry:
the application's (knowledge/certificates.yaml). An application without a standard number gets no record
(the office imports it later with the standard filled in).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.cases.certificates import certificate_rule
from bot.certificates.records import (
    MAX_NUMBER,
    CertificateData,
    CertificateError,
    canonical_number,
    find_certificate,
    upsert,
)
from bot.models import Application, Officer


def issues_certificate(stage: str) -> bool:
    return stage == certificate_rule().issued_at_stage


def issue_for_application(session: Session, application: Application, officer: Officer | None,
                          number: str = "", holder_name: str = "") -> None:
    """Create (or refresh) the certificate of ``application`` right after its move to the issued stage."""
    if application.standard_number is None or application.certificate_expires_on is None:
        return
    canonical = canonical_number(number or application.number)
    if not canonical or len(canonical) > MAX_NUMBER:
        raise CertificateError("invalid", "เลขที่ใบรับรองไม่ถูกต้อง / invalid certificate number")
    existing = find_certificate(session, canonical)
    if existing is not None and existing.application_id not in (None, application.id):
        raise CertificateError("duplicate", f"มีใบรับรองเลขที่ {canonical} แล้ว / certificate {canonical} exists")
    certificate, _ = upsert(session, CertificateData(
        number=canonical, standard_number=application.standard_number, standard_year=None,
        product=application.product, holder_name=(holder_name or "").strip()[:300], province=application.province,
        issued_on=application.stage_entered_on, expires_on=application.certificate_expires_on), officer)
    certificate.application_id = application.id
    session.flush()
