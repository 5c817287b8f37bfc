"""knowledge/offices.yaml read into plain records (one per province, plus TISI for Bangkok)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.cases.provinces import load_provinces
from bot.config import knowledge_file

BANGKOK = "กรุงเทพมหานคร"


class OfficesFileError(ValueError):
    """offices.yaml is malformed or does not list exactly the provinces of provinces.yaml."""


@dataclass(frozen=True)
class Contact:
    """What the bot knows of one office (from the database, else the file)."""

    province: str
    province_en: str
    name_th: str
    name_en: str
    address_th: str | None = None
    address_en: str | None = None
    phone: str | None = None
    opening_hours: str | None = None
    website: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    source: str | None = None
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def reachable(self) -> bool:
        """A phone or an address is known (else the bot says so and links the ministry's list)."""
        return bool(self.phone or self.address_th or self.address_en)

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_tisi(self) -> bool:
        return self.province == BANGKOK


_KEYS = {f.name for f in fields(Contact)}


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per file read
class Directory:
    """The whole file: the offices by province, TISI for Bangkok, and the shared texts."""

    offices: dict[str, Contact]
    bangkok: Contact
    ministry_offices_url: str
    general_opening_hours: dict[str, str]
    needs_prefix: frozenset[str]


def directory() -> Directory:
    """The offices file of the knowledge directory (read once per path)."""
    return load_directory(knowledge_file("offices.yaml"), knowledge_file("provinces.yaml"))


def _contact(raw: Any, where: str) -> Contact:
    if not isinstance(raw, dict) or not raw.get("province") or not raw.get("name_th"):
        raise OfficesFileError(f"{where}: every office needs at least province and name_th")
    unknown = set(raw) - _KEYS
    if unknown:
        raise OfficesFileError(f"{where}: unknown field(s) {sorted(unknown)}")
    values = {k: v for k, v in raw.items() if v not in (None, "")}
    values["aliases"] = tuple(str(a) for a in raw.get("aliases") or ())
    values.setdefault("province_en", "")
    values.setdefault("name_en", "")
    if "phone" in values:
        values["phone"] = str(values["phone"])
    return Contact(**values)


@lru_cache(maxsize=4)
def load_directory(path: Path, provinces_path: Path) -> Directory:
    """Parse ``path``; `OfficesFileError` unless it lists each province of ``provinces_path`` exactly once."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    offices: dict[str, Contact] = {}
    for i, raw in enumerate(data.get("offices") or []):
        contact = _contact(raw, f"{path.name} offices[{i}]")
        if contact.province in offices:
            raise OfficesFileError(f"{path.name}: {contact.province} listed twice")
        offices[contact.province] = contact
    expected = set(load_provinces(provinces_path))
    if set(offices) != expected:
        missing, extra = sorted(expected - set(offices)), sorted(set(offices) - expected)
        raise OfficesFileError(f"{path.name}: provinces differ from provinces.yaml (missing {missing}, extra {extra})")
    hours = data.get("general_opening_hours") or {}
    return Directory(offices=offices, bangkok=_contact(data.get("bangkok"), f"{path.name} bangkok"),
                     ministry_offices_url=str(data.get("ministry_offices_url") or ""),
                     general_opening_hours={str(k): str(v) for k, v in hours.items()},
                     needs_prefix=frozenset(str(w) for w in data.get("needs_prefix") or ()))
