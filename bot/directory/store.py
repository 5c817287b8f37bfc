"""The `office` table: seeded from knowledge/offices.yaml, read by the bot, corrected by officers.

`seed_offices` (run by `flask knowledge load`) inserts missing offices and updates the fields the file
holds, except those an officer corrected in the console (``Office.corrected``): the console wins for good.
The bot reads an office from the table, and from the file when the table has no row for it yet.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.directory.data import BANGKOK, Contact, directory, load_directory
from bot.directory.model import CONTACT_FIELDS, Office
from bot.models import Officer


@dataclass
class SeedReport:
    """What `seed_offices` did: offices added, offices with fields updated, fields kept as officers set them."""

    added: int = 0
    updated: int = 0
    kept: int = 0

    def line(self) -> str:
        return (f"offices: {self.added} added, {self.updated} updated, "
                f"{self.kept} field(s) corrected by officers kept")


def seed_offices(session: Session, knowledge_dir: Path | None = None) -> SeedReport:
    """Copy the offices file into the table (caller commits); idempotent."""
    book = (load_directory(knowledge_dir / "offices.yaml", knowledge_dir / "provinces.yaml")
            if knowledge_dir is not None else directory())
    report = SeedReport()
    rows = {o.province: o for o in session.scalars(select(Office))}
    for province, contact in book.offices.items():
        row = rows.get(province)
        values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        if row is None:
            session.add(Office(province=province, corrected=[], **values))
            report.added += 1
            continue
        kept = set(row.corrected or ())
        report.kept += len(kept & set(CONTACT_FIELDS))
        changed = {k: v for k, v in values.items() if k not in kept and getattr(row, k) != v}
        for key, value in changed.items():
            setattr(row, key, value)
        report.updated += bool(changed)
    session.flush()
    return report


def _contact_of(row: Office, aliases: tuple[str, ...]) -> Contact:
    return Contact(province=row.province, aliases=aliases, **{name: getattr(row, name) for name in CONTACT_FIELDS})


def contact_for(session: Session, province: str) -> Contact | None:
    """The contact of ``province``'s office (TISI for `BANGKOK`); None for an unknown province."""
    book = directory()
    if province == BANGKOK:
        return book.bangkok
    listed = book.offices.get(province)
    row = session.scalar(select(Office).where(Office.province == province))
    if row is not None:
        return _contact_of(row, listed.aliases if listed else ())
    return listed


# ---- officers' corrections (the console) ----------------------------------------------------------------
def office_row(session: Session, province: str) -> Office | None:
    """The province's row, created from the file when `knowledge load` has not run yet."""
    row = session.scalar(select(Office).where(Office.province == province))
    listed = directory().offices.get(province)
    if row is None and listed is not None:
        row = Office(province=province, corrected=[], **{name: getattr(listed, name) for name in CONTACT_FIELDS})
        session.add(row)
        session.flush()
    return row


def correct_office(row: Office, officer: Officer, values: dict[str, Any]) -> list[str]:
    """Apply an officer's ``values`` (empty → None); record who and when, and mark the changed fields as
    corrected so the file never overwrites them. Returns the changed field names."""
    changed = []
    for name in CONTACT_FIELDS:
        if name not in values:
            continue
        value = values[name]
        value = value.strip() or None if isinstance(value, str) else value
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    if changed:
        row.corrected = sorted(set(row.corrected or ()) | set(changed))
        row.updated_by, row.updated_at = officer.id, utcnow()
    return changed
