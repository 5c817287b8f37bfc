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
* ``flask knowledge sync-tisi`` (`bot.knowledge.sync`) marks an edition missing from TISI's complete
  list ``withdrawn_on`` (unless a listed edition replaces it): a withdrawn edition is never current
  and a number with no edition in force is left out of what the matcher sees (`records_from_db`);
* aliases from the files (``created_by`` NULL) follow the files; officers' aliases are kept.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from blinker import Namespace
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import tisi_standard_list_url
from bot.db import column_length, table_of, utcnow
from bot.knowledge.standards_file import StandardRow
from bot.models import KnowledgeVersion, Standard, StandardAlias
from bot.nlp.categories import load_categories
from bot.nlp.knowledge import load_knowledge
from bot.nlp.lexicon import lexicon_key
from bot.nlp.records import AliasRecord, StandardRecord

_VERSION_ROW = 1
# Sent after standards or aliases changed in this process (in the app context that changed them).
knowledge_changed = Namespace().signal("knowledge-changed")
_CATEGORY_LEN = column_length(table_of(Standard).c.category, 20)


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
                       withdrawn=s.withdrawn_on is not None, name_en=s.name_en or "", pdf_url=s.pdf_url or "")
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


def resupersede(session: Session, numbers: Iterable[int], report: SyncReport) -> None:
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
        values: dict[str, object] = {
            "number": record.number, "year": record.year, "code": record.code, "name": record.name,
            "category": record.category, "keywords": list(record.keywords), "source_url": record.source,
        }
        if record.name_en:  # an English title from the files; one from TISI's list is kept otherwise
            values["name_en"] = record.name_en
        _apply(existing.get((record.number, record.year)), values, session, report)
    resupersede(session, {r.number for r in bundle.standards}, report)
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
    resupersede(session, {r.number for r in rows}, report)
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
