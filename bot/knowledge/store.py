"""Standards and aliases in the database: load the knowledge files, import TISI's list, read them back.

The files in ``knowledge/`` are the curated source; ``flask knowledge load`` copies them into the
``standard`` and ``standard_alias`` tables, ``flask knowledge import-standards`` adds TISI's official
list, and officers add aliases from the console. Every change bumps ``knowledge_version`` so that
each process rebuilds its matcher (``bot.knowledge.brain.refresh_brain``); the change is also announced
in this process with the `knowledge_changed` signal (the brain subscribes, so it checks at once).

Rules shared by both commands:

* a standard edition is identified by (number, year); the newest year of a number is current and
  every older edition is marked ``superseded_by`` the newest code (recomputed after each change);
* standards are never deleted (an imported one may not be in the files);
* ``flask knowledge sync-tisi`` (`sync_tisi_catalogue`) marks an edition missing from TISI's complete
  list ``withdrawn_on`` (unless a listed edition replaces it): a withdrawn edition is never current
  and a number with no edition in force is left out of what the matcher sees (`records_from_db`);
* aliases from the files (``created_by`` NULL) follow the files; officers' aliases are kept.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from blinker import Namespace
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import tisi_standard_list_url
from bot.db import column_length, table_of, utcnow
from bot.knowledge.standards_file import StandardRow
from bot.knowledge.tisi import Catalogue
from bot.knowledge.tisi_page import ListedStandard, TisiError
from bot.models import KnowledgeVersion, Standard, StandardAlias, TisiSync
from bot.nlp.categories import load_categories
from bot.nlp.knowledge import load_knowledge
from bot.nlp.lexicon import lexicon_key
from bot.nlp.records import AliasRecord, StandardRecord

_VERSION_ROW = 1
# Sent after standards or aliases changed in this process (in the app context that changed them).
knowledge_changed = Namespace().signal("knowledge-changed")
_CATEGORY_LEN = column_length(table_of(Standard).c.category, 20)
_LOCATION_LEN = column_length(table_of(TisiSync).c.location, 500)


@dataclass
class SyncReport:
    """What a load or an import changed (codes such as ``มผช. 129/2546``)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (old code, newest code)
    unchanged: int = 0
    aliases_added: int = 0
    aliases_updated: int = 0
    aliases_removed: int = 0
    aliases_kept: int = 0  # officers' aliases left alone
    version: int | None = None  # the new knowledge version, when something changed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.superseded or self.aliases_added
                    or self.aliases_updated or self.aliases_removed)


# ---------------------------------------------------------------- version
def knowledge_version(session: Session) -> int:
    """The current knowledge version (0 before anything was loaded)."""
    return session.scalar(select(KnowledgeVersion.version).where(KnowledgeVersion.id == _VERSION_ROW)) or 0


def bump_knowledge_version(session: Session) -> int:
    """Count one change of standards or aliases (in the caller's transaction); return the new version.

    Call it whenever you change ``standard`` or ``standard_alias`` rows (e.g. an officer adds an
    alias): every process rebuilds its matcher within ``KNOWLEDGE_REFRESH_SECONDS`` of the commit.
    """
    now = utcnow()
    bumped = session.execute(
        update(KnowledgeVersion).where(KnowledgeVersion.id == _VERSION_ROW)
        .values(version=KnowledgeVersion.version + 1, updated_at=now)
    )
    if not getattr(bumped, "rowcount", 0):  # an UPDATE's result is a CursorResult
        try:
            with session.begin_nested():
                session.add(KnowledgeVersion(id=_VERSION_ROW, version=1, updated_at=now))
        except IntegrityError:  # another transaction created the row first
            session.execute(update(KnowledgeVersion).where(KnowledgeVersion.id == _VERSION_ROW)
                            .values(version=KnowledgeVersion.version + 1, updated_at=now))
    knowledge_changed.send()
    return knowledge_version(session)


# ---------------------------------------------------------------- read back
def records_from_db(session: Session, *, include_withdrawn: bool = False
                    ) -> tuple[list[StandardRecord], list[AliasRecord]]:
    """Standards (by number, year) and aliases (in insertion order) as matcher records.

    A number none of whose editions is in force any more (all withdrawn from TISI's list) is left
    out with its aliases, so the matcher never offers it; ``include_withdrawn`` keeps it (history).
    Withdrawn editions carry ``withdrawn=True`` (not current). Aliases of numbers with no standard
    row are left out (the matcher refuses them).
    """
    rows = list(session.scalars(select(Standard).order_by(Standard.number, Standard.year)))
    in_force = {s.number for s in rows if s.withdrawn_on is None}
    standards = [
        StandardRecord(number=s.number, year=s.year, code=s.code, name=s.name, category=s.category or "",
                       keywords=tuple(s.keywords or ()), source=s.source_url or "", superseded_by=s.superseded_by,
                       withdrawn=s.withdrawn_on is not None)
        for s in rows if include_withdrawn or s.number in in_force
    ]
    numbers = {s.number for s in standards}
    aliases = [
        AliasRecord(alias=a.alias, number=a.standard_number, source=a.source or "")
        for a in session.scalars(select(StandardAlias).order_by(StandardAlias.id))
        if a.standard_number in numbers and a.alias.strip()
    ]
    return standards, aliases


# ---------------------------------------------------------------- write
def _editions(session: Session, numbers: Iterable[int]) -> dict[int, list[Standard]]:
    by_number: dict[int, list[Standard]] = defaultdict(list)
    wanted = sorted(set(numbers))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for row in session.scalars(select(Standard).where(Standard.number.in_(chunk))):
            by_number[row.number].append(row)
    return by_number


def _resupersede(session: Session, numbers: Iterable[int], report: SyncReport) -> None:
    """Mark every edition but the newest of each number as superseded by the newest.

    Withdrawn editions are never the newest while another edition is in force (an edition
    withdrawn while an older one is still listed supersedes nothing).
    """
    session.flush()
    for editions in _editions(session, numbers).values():
        editions.sort(key=lambda s: s.year)
        newest = ([s for s in editions if s.withdrawn_on is None] or editions)[-1]
        if newest.superseded_by is not None:
            newest.superseded_by = None
        for old in editions:
            if old is newest:
                continue
            if old.year > newest.year:  # withdrawn, newer than the edition in force
                if old.superseded_by is not None:
                    old.superseded_by = None
                continue
            if old.superseded_by != newest.code:
                if old.superseded_by is None:
                    report.superseded.append((old.code, newest.code))
                old.superseded_by = newest.code


def _apply(row: Standard | None, values: dict[str, object], session: Session, report: SyncReport) -> None:
    """Insert or update one edition with ``values`` (only the keys given are compared)."""
    if row is None:
        session.add(Standard(**values))
        report.added.append(str(values["code"]))
        return
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if changed:
        report.updated.append(row.code)
    else:
        report.unchanged += 1


def load_files(session: Session, knowledge_dir: Path | None = None) -> SyncReport:
    """Sync ``standards.csv`` and ``aliases.csv`` into the tables (caller commits).

    The files win for the editions they hold; editions only in the database stay; file
    aliases missing from the files are removed, officers' aliases are kept.
    """
    bundle = load_knowledge(knowledge_dir)
    report = SyncReport()
    existing = {(s.number, s.year): s for s in session.scalars(select(Standard))}
    for record in bundle.standards:
        _apply(existing.get((record.number, record.year)), {
            "number": record.number, "year": record.year, "code": record.code, "name": record.name,
            "category": record.category, "keywords": list(record.keywords), "source_url": record.source,
        }, session, report)
    _resupersede(session, {r.number for r in bundle.standards}, report)
    _sync_file_aliases(session, bundle.aliases, report)
    if report.changed:
        report.version = bump_knowledge_version(session)
    return report


def _sync_file_aliases(session: Session, aliases: Sequence[AliasRecord], report: SyncReport) -> None:
    wanted: dict[tuple[str, int], str] = {}
    for record in aliases:
        wanted.setdefault((record.alias.strip(), record.number), record.source.strip())
    rows = list(session.scalars(select(StandardAlias).order_by(StandardAlias.id)))
    officers = {(r.alias, r.standard_number) for r in rows if r.created_by is not None}
    report.aliases_kept = len(officers)
    seen: set[tuple[str, int]] = set()
    for row in rows:
        key = (row.alias, row.standard_number)
        if row.created_by is not None:
            continue
        if key not in wanted or key in seen:
            session.delete(row)
            report.aliases_removed += 1
            continue
        seen.add(key)
        if row.source != wanted[key]:
            row.source = wanted[key]
            report.aliases_updated += 1
    session.flush()
    for (alias, number), source in wanted.items():
        if (alias, number) not in seen and (alias, number) not in officers:
            session.add(StandardAlias(alias=alias, standard_number=number, source=source))
            report.aliases_added += 1
    session.flush()


def import_rows(session: Session, rows: Sequence[StandardRow]) -> SyncReport:
    """Upsert TISI's list (caller commits, in one transaction).

    Name always comes from the list; category and keywords only when the list has them (so an
    import without those columns keeps ours); new editions get TISI's list as their source.
    """
    report = SyncReport()
    existing = {(s.number, s.year): s for s in session.scalars(select(Standard))}
    category_of = category_mapper()
    for row in rows:
        current = existing.get((row.number, row.year))
        values: dict[str, object] = {"number": row.number, "year": row.year, "code": row.code, "name": row.name}
        if row.category:
            values["category"] = category_of(row.category)
        if row.keywords:
            values["keywords"] = list(row.keywords)
        if current is None:
            values.setdefault("category", "")
            values.setdefault("keywords", [])
            values["source_url"] = tisi_standard_list_url()
        _apply(current, values, session, report)
    _resupersede(session, {r.number for r in rows}, report)
    if report.changed:
        report.version = bump_knowledge_version(session)
    return report


def category_mapper() -> Callable[[str], str]:
    """A function mapping a category cell ("อาหาร", "Food", "ผ้าและเครื่องแต่งกาย") to our key.

    Unknown labels are kept as written (cut to the column's length).
    """
    exact: dict[str, str] = {}
    contained: list[tuple[str, str]] = []
    for cat in load_categories():
        for label in (cat.key, cat.label_th, cat.label_en, *cat.triggers_th, *cat.triggers_en):
            key = lexicon_key(label)
            exact.setdefault(key, cat.key)
            contained.append((key, cat.key))
    contained.sort(key=lambda kv: -len(kv[0]))

    def mapped(cell: str) -> str:
        key = lexicon_key(cell)
        if key in exact:
            return exact[key]
        for label, cat_key in contained:
            if len(label) >= 3 and label in key:
                return cat_key
        return cell.strip()[:_CATEGORY_LEN]

    return mapped


# ---------------------------------------------------------------- TISI's official list
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
    the run; the knowledge version is bumped only when the catalogue changed.
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
    _resupersede(session, set(newest_listed) | {s.number for s in rows}, report)
    if report.changed:
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
