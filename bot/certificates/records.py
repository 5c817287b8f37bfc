"""Certificate records: create or update them, find them, change their state (with history), expire them,
and their links. Every caller commits (one transaction per request or command).

State rule: a ``valid`` certificate whose expiry date has passed *reads* as ``expired`` at once
(:func:`state_on`), and :func:`expire_due` (the worker, daily, and `flask certificates expire`) writes the
change with a history row the day after expiry — so what a buyer sees never depends on when the job ran.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.cases.applications import ApplicationError
from bot.certificates.model import STATES, Certificate, CertificateEvent, CertificateLink
from bot.db import utcnow
from bot.models import Officer
from bot.nlp.normalize import to_arabic_digits

TOKEN_BYTES = 18  # 144 random bits (the issue asks for at least 96)
MAX_NUMBER = 64
AUTO_EXPIRED = "หมดอายุตามวันที่ในใบรับรอง (อัตโนมัติ)"
_SPACES = re.compile(r"\s+")
_AROUND_SEPARATOR = re.compile(r"\s*([/\-–.])\s*")


class CertificateError(ApplicationError):
    """A request about a certificate that cannot be done; ``code``: invalid, duplicate, not_found (the API and
    the console answer it as they answer application errors)."""


@dataclass(frozen=True)
class CertificateData:
    """One certificate as an import row or an issued application describes it."""

    number: str
    standard_number: int
    standard_year: int | None
    product: str
    holder_name: str
    province: str
    issued_on: date
    expires_on: date
    state: str = "valid"


def canonical_number(raw: str) -> str:
    """A certificate number as stored and compared: ASCII digits, no spaces around ``/ - .``, single
    spaces, upper case (``" ชม ๐๐๑๒ / ๒๕๖๗ "`` → ``"ชม 0012/2567"``)."""
    text = _SPACES.sub(" ", to_arabic_digits(raw or "").strip())
    return _AROUND_SEPARATOR.sub(r"\1", text).replace("–", "-").upper()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def state_on(certificate: Certificate, today: date) -> str:
    """The state a reader sees on ``today``: a valid certificate past its expiry date is expired."""
    if certificate.state == "valid" and certificate.expires_on < today:
        return "expired"
    return certificate.state


def find_certificate(session: Session, number: str) -> Certificate | None:
    canonical = canonical_number(number)
    if not canonical:
        return None
    return session.execute(select(Certificate).where(Certificate.number == canonical)).scalar_one_or_none()


def link_for(session: Session, token: str) -> CertificateLink | None:
    """The link with this token (current or replaced), or None."""
    if not token or len(token) > 64:
        return None
    return session.execute(select(CertificateLink).where(CertificateLink.token == token)).scalar_one_or_none()


def search_certificates(session: Session, words: list[str], province: str, limit: int) -> list[Certificate]:
    """Certificates of ``province`` whose holder or product contains every one of ``words`` (at most
    ``limit``, newest first)."""
    statement = select(Certificate).where(Certificate.province == province)
    for word in words:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        statement = statement.where(or_(Certificate.holder_name.ilike(pattern), Certificate.product.ilike(pattern)))
    return list(session.execute(statement.order_by(Certificate.issued_on.desc(), Certificate.id).limit(limit))
                .scalars())


def upsert(session: Session, data: CertificateData, officer: Officer | None = None) -> tuple[Certificate, str]:
    """Create the certificate, or bring an existing one (same number) in line with ``data``; returns
    ``(certificate, "created" | "updated" | "same")``: nothing changes when the record already says the same."""
    number = canonical_number(data.number)
    existing = find_certificate(session, number)
    if existing is None:
        certificate = Certificate(number=number, standard_number=data.standard_number,
                                  standard_year=data.standard_year, product=data.product,
                                  holder_name=data.holder_name, province=data.province, issued_on=data.issued_on,
                                  expires_on=data.expires_on, state=data.state, lookups=0)
        certificate.events.append(CertificateEvent(from_state=None, to_state=data.state, reason="",
                                                   officer_id=officer.id if officer else None))
        certificate.links.append(CertificateLink(token=new_token()))
        session.add(certificate)
        session.flush()
        return certificate, "created"
    changed = False
    for field in ("standard_number", "standard_year", "product", "holder_name", "province", "issued_on",
                  "expires_on"):
        if getattr(existing, field) != getattr(data, field):
            setattr(existing, field, getattr(data, field))
            changed = True
    if existing.state != data.state:
        change_state(existing, data.state, "นำเข้าจากไฟล์ของสำนักงาน", officer)
        changed = True
    session.flush()
    return existing, "updated" if changed else "same"


def change_state(certificate: Certificate, to_state: str, reason: str, officer: Officer | None) -> CertificateEvent:
    """Set the state with a history row (the caller checks the officer's province and commits)."""
    if to_state not in STATES:
        raise CertificateError("invalid", f"ไม่รู้จักสถานะ {to_state!r} / unknown state")
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("invalid", "ต้องระบุเหตุผล / a reason is required")
    event = CertificateEvent(from_state=certificate.state, to_state=to_state, reason=reason[:500],
                             officer_id=officer.id if officer else None)
    certificate.events.append(event)
    certificate.state = to_state
    return event


def replace_link(certificate: Certificate) -> CertificateLink:
    """Issue a new verification link; the old one then answers "this link was replaced"."""
    for link in certificate.links:
        if link.replaced_at is None:
            link.replaced_at = utcnow()
    link = CertificateLink(token=new_token())
    certificate.links.append(link)
    return link


def expire_due(session: Session, today: date) -> int:
    """Write ``expired`` (with a history row) on every valid certificate whose expiry date is before
    ``today``; returns how many. The caller commits."""
    due = session.execute(select(Certificate).where(Certificate.state == "valid", Certificate.expires_on < today)
                          .with_for_update(skip_locked=True)).scalars().all()
    for certificate in due:
        change_state(certificate, "expired", AUTO_EXPIRED, None)
    session.flush()
    return len(due)


def count_lookup(session: Session, certificate: Certificate) -> None:
    """One more buyer looked at ``certificate`` (an UPDATE, so concurrent lookups all count)."""
    session.execute(update(Certificate).where(Certificate.id == certificate.id)
                    .values(lookups=Certificate.lookups + 1))

