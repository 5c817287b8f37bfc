"""Officers teach the bot: unmatched product queries, most frequent first, and new aliases for a
standard. Adding an alias bumps the knowledge version, so every process rebuilds its matcher."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.knowledge.store import bump_knowledge_version
from bot.models import Officer, StandardAlias, UnmatchedQuery
from bot.nlp.normalize import clean_text
from bot.office.casework import known_standards
from bot.office.unmatched import LOW_CONFIDENCE, NONE_FITS, NOT_COMMUNITY, NOT_IN_KNOWLEDGE

PRODUCT_KINDS = (NOT_IN_KNOWLEDGE, LOW_CONFIDENCE, NOT_COMMUNITY, NONE_FITS)


class AliasError(ValueError):
    """The alias cannot be added; the message says why (Thai / English)."""


def unmatched_queries(session: Session, kinds: tuple[str, ...] = PRODUCT_KINDS,
                      limit: int = 200) -> list[UnmatchedQuery]:
    """Open product queries the knowledge did not answer, the most frequent first."""
    return list(session.execute(
        select(UnmatchedQuery).where(UnmatchedQuery.resolved_at.is_(None), UnmatchedQuery.kind.in_(kinds))
        .order_by(UnmatchedQuery.count.desc(), UnmatchedQuery.last_seen_at.desc()).limit(limit)).scalars())


def add_alias(session: Session, officer: Officer, alias: str, standard_number: int | str,
              query_id: int | None = None) -> StandardAlias:
    """Add ``alias`` for ``standard_number`` and close the unmatched query it came from (caller commits)."""
    text = clean_text(alias, 201)
    if not text:
        raise AliasError("ต้องระบุชื่อเรียกสินค้า / the alias is required")
    if len(text) > 200:
        raise AliasError("ชื่อเรียกยาวเกิน 200 ตัวอักษร / the alias is longer than 200 characters")
    try:
        number = int(str(standard_number).strip())
    except ValueError:
        raise AliasError("เลข มผช. ต้องเป็นตัวเลข / the standard number must be a number") from None
    if number not in known_standards(session):
        raise AliasError(f"ไม่พบ มผช. เลขที่ {number} / unknown standard {number}")
    exists = session.execute(select(StandardAlias.id).where(StandardAlias.alias == text,
                                                            StandardAlias.standard_number == number)).first()
    if exists:
        raise AliasError(f"มีชื่อเรียก \"{text}\" ของ มผช. {number} อยู่แล้ว / this alias already exists")
    row = StandardAlias(alias=text, standard_number=number, source=f"console:{officer.username}",
                        created_by=officer.id)
    session.add(row)
    if query_id is not None:
        query = session.get(UnmatchedQuery, query_id)
        if query is not None and query.resolved_at is None:
            query.resolved_at = utcnow()
    bump_knowledge_version(session)
    return row


def dismiss_query(session: Session, query_id: int) -> bool:
    """Hide an unmatched query without adding an alias (spam, typos of nothing)."""
    query = session.get(UnmatchedQuery, query_id)
    if query is None or query.resolved_at is not None:
        return False
    query.resolved_at = utcnow()
    return True
