"""Make the catalogue in the database match TISI's complete official list (`flask knowledge sync-tisi`).

`bot.knowledge.tisi` crawls or reads the list into a `Catalogue` before anything is written; this module
writes it in the caller's transaction: new standards and editions, titles and PDF links, superseded and
withdrawn editions, and a `TisiSync` row recording the run.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import tisi_standard_list_url
from bot.db import column_length, table_of, utcnow
from bot.knowledge.store import SyncReport, bump_knowledge_version, resupersede
from bot.knowledge.tisi import Catalogue
from bot.knowledge.tisi_page import ListedStandard, TisiError
from bot.models import Standard, TisiSync

_LOCATION_LEN = column_length(table_of(TisiSync).c.location, 500)


@dataclass
class TisiSyncReport(SyncReport):
    """What a sync with TISI's list changed, on top of `SyncReport` (added, updated, superseded)."""

    retitled: list[tuple[str, str, str]] = field(default_factory=list)  # (code, old title, new title)
    withdrawn: list[str] = field(default_factory=list)
    reinstated: list[str] = field(default_factory=list)  # withdrawn before, listed again
    listed: int = 0
    pages: int = 0

    @property
    def changed(self) -> bool:
        return bool(super().changed or self.retitled or self.withdrawn or self.reinstated)


def _titles(name: str, name_en: str | None) -> str:
    return f"{name} ({name_en})" if name_en else name


def _check_lengths(listed: Sequence[ListedStandard]) -> None:
    """A title longer than its column means the page was misread: stop before writing."""
    columns = table_of(Standard).c
    limits = {"name": column_length(columns.name, 300), "name_en": column_length(columns.name_en, 300)}
    for row in listed:
        for key, limit in limits.items():
            if len(getattr(row, key) or "") > limit:
                raise TisiError(f"{row.code}: ชื่อยาวเกิน {limit} ตัวอักษร", f"{row.code}: title longer than {limit}")


def _new_edition(row: ListedStandard, earlier: list[Standard]) -> Standard:
    """A listed edition we did not have; it keeps the category and keywords of the latest earlier edition."""
    previous = max(earlier, key=lambda s: s.year) if earlier else None
    return Standard(number=row.number, year=row.year, code=row.code, name=row.name, name_en=row.name_en,
                    pdf_url=row.pdf_url, category=previous.category if previous else "",
                    keywords=list(previous.keywords or ()) if previous else [], source_url=tisi_standard_list_url())


def _update_edition(current: Standard, row: ListedStandard, report: TisiSyncReport) -> None:
    """Take the list's titles and PDF link; a withdrawn edition listed again is reinstated."""
    old_titles = _titles(current.name, current.name_en)
    retitled = current.name != row.name or (current.name_en is not None and current.name_en != row.name_en)
    changed = (current.name, current.name_en, current.pdf_url) != (row.name, row.name_en, row.pdf_url)
    current.name, current.name_en, current.pdf_url = row.name, row.name_en, row.pdf_url
    reinstated = current.withdrawn_on is not None
    if reinstated:
        current.withdrawn_on = None
        report.reinstated.append(current.code)
    if retitled:
        report.retitled.append((current.code, old_titles, _titles(row.name, row.name_en)))
    elif changed:
        report.updated.append(current.code)
    elif not reinstated:
        report.unchanged += 1


def _withdraw_unlisted(rows: Iterable[Standard], newest_listed: dict[int, int], today: date,
                       report: TisiSyncReport) -> None:
    """Editions not on the complete list and not older than a listed edition of their number."""
    for row in rows:
        replaced = row.year < newest_listed.get(row.number, 0)
        if not replaced and row.withdrawn_on is None:
            row.withdrawn_on = today
            report.withdrawn.append(row.code)


def sync_tisi_catalogue(session: Session, catalogue: Catalogue, today: date | None = None) -> TisiSyncReport:
    """Make the catalogue match TISI's complete list and record the sync (caller commits, one transaction).

    Listed editions are added or take the list's titles and PDF link; older editions of a listed
    number are superseded; every other edition missing from the list is withdrawn (kept, never
    offered). Aliases are keyed by number, so they follow the new edition. A `TisiSync` row records
    the run; the knowledge version is bumped when the catalogue changed, and on the first sync (from
    then on the catalogue is complete, which changes what the bot says about uncovered products).
    """
    if not catalogue.standards:
        raise TisiError("รายชื่อว่างเปล่า", "the list is empty")
    _check_lengths(catalogue.standards)
    report = TisiSyncReport(listed=len(catalogue.standards), pages=catalogue.pages)
    rows = list(session.scalars(select(Standard)))
    existing = {(s.number, s.year): s for s in rows}
    by_number: dict[int, list[Standard]] = defaultdict(list)
    for s in rows:
        by_number[s.number].append(s)
    newest_listed: dict[int, int] = {}
    for listed in catalogue.standards:
        newest_listed[listed.number] = max(listed.year, newest_listed.get(listed.number, 0))
        current = existing.get((listed.number, listed.year))
        if current is None:
            session.add(_new_edition(listed, by_number[listed.number]))
            report.added.append(listed.code)
        else:
            _update_edition(current, listed, report)
    listed_keys = {(r.number, r.year) for r in catalogue.standards}
    _withdraw_unlisted((s for s in rows if (s.number, s.year) not in listed_keys), newest_listed,
                       today or utcnow().date(), report)
    resupersede(session, set(newest_listed) | {s.number for s in rows}, report)
    first = last_tisi_sync(session) is None  # the catalogue becomes complete: the bot's answers change too
    if report.changed or first:
        report.version = bump_knowledge_version(session)
    session.add(TisiSync(
        source=catalogue.source, location=catalogue.location[:_LOCATION_LEN], pages=catalogue.pages,
        standards=report.listed, added=len(report.added), updated=len(report.updated),
        superseded=len(report.superseded), retitled=len(report.retitled), withdrawn=len(report.withdrawn),
        reinstated=len(report.reinstated), knowledge_version=report.version))
    session.flush()
    return report


def last_tisi_sync(session: Session) -> TisiSync | None:
    """The latest complete sync with TISI's list (None before the first): when, and how many standards."""
    return session.scalars(select(TisiSync).order_by(TisiSync.finished_at.desc(), TisiSync.id.desc())
                           .limit(1)).first()
