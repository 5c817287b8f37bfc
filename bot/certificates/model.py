"""The certificate tables (imported by bot.models with the others): the record, its verification links,
its state history, and the lookups counted for the rate limit."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, db, utcnow

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

STATES = ("valid", "expired", "suspended", "revoked")


class Certificate(Model):
    """An issued มผช. certificate as TISI publishes it: number, standard (and edition), product, the
    registered group or enterprise holding it, province, dates and state (one of ``STATES``).

    ``application_id`` is set for certificates issued through the console (one per application);
    imported ones have none. ``lookups`` counts how often buyers checked it (chat + public page)."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # canonical: ASCII digits, single spaces
    standard_number: Mapped[int] = mapped_column(Integer, index=True)
    standard_year: Mapped[int | None] = mapped_column(Integer)  # the edition, Buddhist era
    product: Mapped[str] = mapped_column(String(300))
    holder_name: Mapped[str] = mapped_column(String(300))
    province: Mapped[str] = mapped_column(String(80), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(16), default="valid", index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id", ondelete="SET NULL"),
                                                       unique=True)
    lookups: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    events: Mapped[list[CertificateEvent]] = relationship(
        back_populates="certificate", order_by="CertificateEvent.id", cascade="all, delete-orphan")
    links: Mapped[list[CertificateLink]] = relationship(
        back_populates="certificate", order_by="CertificateLink.id", cascade="all, delete-orphan")

    @property
    def standard_code(self) -> str:
        """``มผช. 129/2546`` (``มผช. 129`` when the edition is not known)."""
        year = f"/{self.standard_year}" if self.standard_year else ""
        return f"มผช. {self.standard_number}{year}"

    @property
    def current_link(self) -> CertificateLink | None:
        return next((link for link in reversed(self.links) if link.replaced_at is None), None)


class CertificateLink(Model):
    """A verification link (the QR code's): ``token`` is ``secrets.token_urlsafe(18)`` (144 random bits).

    Stored as it is, not hashed: it only opens the public page (facts TISI publishes anyway) and the console
    must be able to print the same QR code again. A replaced link keeps its row, so it says "replaced"."""

    __tablename__ = "certificate_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime)

    certificate: Mapped[Certificate] = relationship(back_populates="links")


class CertificateEvent(Model):
    """One change of a certificate's state (or its creation: ``from_state`` None), with the reason."""

    __tablename__ = "certificate_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    certificate: Mapped[Certificate] = relationship(back_populates="events")


class CertificateLookup(Model):
    """One certificate lookup by a client (``ip:…`` for the public page, ``line:…`` for the chat), found or
    not: the rate limit counts these rows, so it holds across processes and machines."""

    __tablename__ = "certificate_lookup"
    __table_args__ = (Index("ix_certificate_lookup_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(80))
    found: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
