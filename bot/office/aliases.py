"""Officers teach the bot: unmatched product queries, most frequent first, and new aliases for a
standard, proposed from the user's words, the standard found by searching the catalogue, and the stored
queries a new alias would have answered. Adding an alias bumps the knowledge version, so every process rebuilds its matcher."""
from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.knowledge.brain import get_brain
from bot.knowledge.catalogue import current_editions
from bot.knowledge.store import bump_knowledge_version
from bot.models import Officer, StandardAlias, UnmatchedQuery
from bot.nlp.alias_proposals import alias_answers, product_key, proposal_words, propose_aliases
from bot.nlp.codes import parse_standard_ref
from bot.nlp.normalize import clean_text, normalize_text, to_arabic_digits
from bot.nlp.records import StandardRecord
from bot.office.casework import known_standards
from bot.office.unmatched import LOW_CONFIDENCE, NONE_FITS, NOT_COMMUNITY, NOT_IN_KNOWLEDGE

PRODUCT_KINDS = (NOT_IN_KNOWLEDGE, LOW_CONFIDENCE, NOT_COMMUNITY, NONE_FITS)
SEARCH_LIMIT = 8
FUZZY_AT_LEAST = 70  # rapidfuzz partial ratio of a search to a title that is still worth listing


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
    typed = to_arabic_digits(str(standard_number)).strip()
    ref = parse_standard_ref(typed)  # "มผช. 129", "129/2546"
    if ref is None and not typed.isdigit():
        raise AliasError("เลข มผช. ต้องเป็นตัวเลข / the standard number must be a number")
    number = ref[0] if ref is not None else int(typed)
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


def proposals_for(example: str) -> list[str]:
    """The products in a user's message, as aliases to propose ("i sell chili paste" → ["chili paste"])."""
    prepared = get_brain().matcher.preprocessor.prepare(example)
    return propose_aliases([p.display for p in prepared.phrases if p.is_meaningful], proposal_words(), example)


def search_standards(session: Session, text: str, limit: int = SEARCH_LIMIT,
                     editions: dict[int, StandardRecord] | None = None) -> list[StandardRecord]:
    """Current standards of the whole catalogue by code or number ("129", "มผช. 129/2546"), Thai or English
    title (words inside it, or close to it), best first. ``editions``: the catalogue, when already read."""
    query = normalize_text(clean_text(to_arabic_digits(text), 200))
    if not query:
        return []
    editions = current_editions(session) if editions is None else editions
    ref = parse_standard_ref(query) or (parse_standard_ref(f"มผช. {query}") if query.isdigit() else None)
    if ref is not None:
        return [editions[ref[0]]] if ref[0] in editions else []
    key = product_key(query)
    records = list(editions.values())
    titles = [(i, product_key(t)) for i, r in enumerate(records) for t in (r.name, r.name_en) if t]
    best: dict[int, float] = {}
    for i, title in titles:  # the search inside a title: the best score
        if key in title:
            best[i] = 100.0
    if len(best) < limit:  # then titles close to it (rapidfuzz, in C over the whole catalogue)
        for _title, score, at in process.extract(key, [t for _, t in titles], scorer=fuzz.partial_ratio,
                                                 score_cutoff=FUZZY_AT_LEAST, limit=None):
            i = titles[at][0]
            best[i] = max(best.get(i, 0.0), score)
    ranked = sorted(best, key=lambda i: (-best[i], len(records[i].name), records[i].number))
    return [records[i] for i in ranked[:limit]]


def answered_by(session: Session, alias: str) -> list[UnmatchedQuery]:
    """Open product queries that ``alias`` would now have answered (the same product or inside it)."""
    return [q for q in unmatched_queries(session) if alias_answers(alias, [q.normalized, *proposals_for(q.example)])]


def resolve_queries(session: Session, ids: Iterable[int]) -> int:
    """Mark these open queries answered (after an alias covers them); how many were still open."""
    now, done = utcnow(), 0
    for query in session.scalars(select(UnmatchedQuery).where(UnmatchedQuery.id.in_(list(ids)),
                                                              UnmatchedQuery.resolved_at.is_(None))):
        query.resolved_at, done = now, done + 1
    return done
