"""What is shown about a certificate, the same everywhere (chat card, public page, API): only what TISI
itself publishes — number, state, standard and its title, product, holder (a registered group or
enterprise), province, dates. Never an applicant's name, phone or ID number."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from bot.certificates.model import Certificate
from bot.certificates.records import state_on
from bot.knowledge.catalogue import standard_names

VERIFY_PATH = "/verify/"


@dataclass(frozen=True)
class Facts:
    number: str
    state: str  # as read today: valid, expired, suspended, revoked
    standard_code: str
    standard_title: str
    product: str
    holder_name: str
    province: str
    issued_on: date
    expires_on: date


def facts_of(session: Session, certificate: Certificate, today: date) -> Facts:
    return Facts(number=certificate.number, state=state_on(certificate, today),
                 standard_code=certificate.standard_code,
                 standard_title=standard_names(session).get(certificate.standard_number, ""),
                 product=certificate.product, holder_name=certificate.holder_name, province=certificate.province,
                 issued_on=certificate.issued_on, expires_on=certificate.expires_on)


def public_base_url() -> str | None:
    """``PUBLIC_BASE_URL``, else the address of the current request (None outside a request)."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else None


def verify_url(certificate: Certificate) -> str | None:
    """The absolute address of the certificate's public page (its QR code), or None without a base URL."""
    link, base = certificate.current_link, public_base_url()
    return f"{base}{VERIFY_PATH}{link.token}" if link and base else None


def certificate_json(session: Session, certificate: Certificate, today: date) -> dict[str, Any]:
    """The API's view of a certificate (with its state history and lookup count, for the office)."""
    facts = facts_of(session, certificate, today)
    return {
        "number": facts.number, "state": facts.state, "stored_state": certificate.state,
        "standard_code": facts.standard_code, "standard_title": facts.standard_title, "product": facts.product,
        "holder_name": facts.holder_name, "province": facts.province, "issued_on": facts.issued_on.isoformat(),
        "expires_on": facts.expires_on.isoformat(), "verify_url": verify_url(certificate),
        "lookups": certificate.lookups,
        "history": [{"from_state": e.from_state, "to_state": e.to_state, "reason": e.reason,
                     "at": e.at.isoformat(timespec="seconds") + "Z"} for e in certificate.events],
    }
