"""Format dates the way Thai government offices write them (Buddhist era, พ.ศ.)."""
from __future__ import annotations

from datetime import date

__all__ = [
    "BUDDHIST_ERA_OFFSET",
    "MONTHS_EN_SHORT",
    "MONTHS_TH_LONG",
    "MONTHS_TH_SHORT",
    "format_thai_date",
    "format_thai_date_en",
    "format_thai_date_long",
    "to_buddhist_year",
]

#: พ.ศ. = ค.ศ. + 543 (for the whole Gregorian year since 1941).
BUDDHIST_ERA_OFFSET = 543

MONTHS_TH_SHORT: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
MONTHS_TH_LONG: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_EN_SHORT: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)


def to_buddhist_year(year: int) -> int:
    """Gregorian year → Buddhist-era year (2026 → 2569)."""
    return year + BUDDHIST_ERA_OFFSET


def format_thai_date(d: date) -> str:
    """``24 พ.ย. 2569``: day, short Thai month, Buddhist-era year."""
    return f"{d.day} {MONTHS_TH_SHORT[d.month - 1]} {to_buddhist_year(d.year)}"


def format_thai_date_long(d: date) -> str:
    """``24 พฤศจิกายน 2569``: day, full Thai month, Buddhist-era year."""
    return f"{d.day} {MONTHS_TH_LONG[d.month - 1]} {to_buddhist_year(d.year)}"


def format_thai_date_en(d: date) -> str:
    """``24 Nov 2026``: English, Gregorian year (locale-independent)."""
    return f"{d.day} {MONTHS_EN_SHORT[d.month - 1]} {d.year}"
