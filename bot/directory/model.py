"""The `office` table: one row per province's industry office (imported by bot.models with the others)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, db

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# The fields seeded from knowledge/offices.yaml and correctable by the province's officers.
CONTACT_FIELDS = ("province_en", "name_th", "name_en", "address_th", "address_en", "phone", "opening_hours",
                  "website", "latitude", "longitude", "source")


class Office(Model):
    """A provincial industry office's contact. ``corrected`` lists the fields an officer changed in the console:
    `flask knowledge load` never overwrites them."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(80), unique=True)  # Thai, as in provinces.yaml
    province_en: Mapped[str] = mapped_column(String(80))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address_th: Mapped[str | None] = mapped_column(Text)
    address_en: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(80))
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)  # URL(s) of the facts; "console" notes officers' changes
    corrected: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
