"""The catalogue of standards as every part of the service reads it: the database.

The ``standard`` table is seeded from knowledge/standards.csv (`flask knowledge load`) and refreshed by
`knowledge import-standards` and the TISI sync, so a standard added a moment ago is known at once to the
console, the API, the status card, renewals and the chat. Before anything was loaded (a fresh database)
the knowledge files stand in.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.knowledge.store import records_from_db
from bot.nlp.knowledge import current_standards
from bot.nlp.records import StandardRecord


def current_editions(session: Session, include_withdrawn: bool = False) -> dict[int, StandardRecord]:
    """Number → the edition to show for each standard: the current one (else the newest). Standards TISI
    no longer lists are left out, unless ``include_withdrawn`` (for what existing applications name)."""
    standards, _aliases = records_from_db(session, include_withdrawn=include_withdrawn)
    if not standards:
        return current_standards()
    best: dict[int, StandardRecord] = {}
    for record in standards:
        held = best.get(record.number)
        if held is None or (record.is_current, record.year) > (held.is_current, held.year):
            best[record.number] = record
    return best


def standard_names(session: Session) -> dict[int, str]:
    """Number → the Thai name of its current edition."""
    return {number: record.name for number, record in current_editions(session).items()}


def standard_label(session: Session, number: int) -> str:
    """ "มผช. 129/2546 น้ำพริกแกง" for standard ``number`` ("มผช. 129" when the catalogue lacks it), withdrawn
    standards included (an application keeps the standard it was made for)."""
    record = current_editions(session, include_withdrawn=True).get(number)
    return f"{record.code} {record.name}" if record else f"มผช. {number}"
