"""What producers asked for that no standard in the catalogue covers, for an office to propose a new
standard: the open `unmatched_query` rows of kinds "not in the catalogue" and "none of the proposed fits",
each ask from `unmatched_ask`, grouped by product (merged across spellings), province and month, with the
number of distinct users. Only products, provinces, months and counts: never who asked."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.applications import in_thailand
from bot.cases.thaidate import MONTHS_TH_SHORT, to_buddhist_year
from bot.models import Officer, UnmatchedQuery
from bot.nlp.alias_proposals import same_product
from bot.office.aliases import proposals_for
from bot.office.demand.model import UnmatchedAsk
from bot.office.officers import may_manage
from bot.office.questions import asker_province
from bot.office.unmatched import NONE_FITS, NOT_IN_KNOWLEDGE

DEMAND_KINDS = (NOT_IN_KNOWLEDGE, NONE_FITS)
NO_PROVINCE = "ไม่ทราบจังหวัด"  # the asker linked no application (admins only see these)


@dataclass(frozen=True)
class Ask:
    """One ask, reduced to what the map may show: the product, where, when; ``who`` only to count people."""

    product: str
    province: str
    month: tuple[int, int]  # (year, month), Thai time
    who: tuple[str, int]


@dataclass
class Group:
    """Asks of one product, one province or one month: how many times and by how many people."""

    label: str
    asks: int = 0
    people: set[tuple[str, int]] = field(default_factory=set)
    spellings: dict[str, int] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)  # province → asks

    @property
    def users(self) -> int:
        return len(self.people)

    def add(self, ask: Ask) -> None:
        self.asks += 1
        self.people.add(ask.who)
        self.spellings[ask.product] = self.spellings.get(ask.product, 0) + 1
        self.where[ask.province] = self.where.get(ask.province, 0) + 1


@dataclass
class Demand:
    """The map: products (most people first), provinces, months (oldest first), and product × province ×
    month cells (for the CSV)."""

    products: list[Group]
    provinces: list[Group]
    months: list[Group]
    cells: list[tuple[str, str, str, Group]]
    asks: int
    users: int


def month_label(month: tuple[int, int]) -> str:
    """``(2026, 11)`` → "พ.ย. 2569"."""
    return f"{MONTHS_TH_SHORT[month[1] - 1]} {to_buddhist_year(month[0])}"


def _month(moment: datetime) -> tuple[int, int]:
    local = in_thailand(moment)
    return local.year, local.month


def collect_asks(session: Session, officer: Officer, since: datetime | None = None) -> list[Ask]:
    """Each ask ``officer`` may see (their province; admins all, with those of no known province), one per
    product of the message. An ask recorded without a province takes the asker's linked application's."""
    query = (select(UnmatchedAsk, UnmatchedQuery).join(UnmatchedQuery, UnmatchedAsk.query_id == UnmatchedQuery.id)
             .where(UnmatchedQuery.kind.in_(DEMAND_KINDS), UnmatchedQuery.resolved_at.is_(None)))
    if since is not None:
        query = query.where(UnmatchedAsk.asked_at >= since)
    products: dict[int, list[str]] = {}
    linked: dict[int, str | None] = {}
    asks: list[Ask] = []
    for ask, unmatched in session.execute(query.order_by(UnmatchedAsk.id)):
        province = ask.province
        if province is None and ask.line_user_id is not None:
            if ask.line_user_id not in linked:
                linked[ask.line_user_id] = asker_province(session, ask.line_user_id)
            province = linked[ask.line_user_id]
        if province is None and not officer.is_admin or province is not None and not may_manage(officer, province):
            continue
        if unmatched.id not in products:
            products[unmatched.id] = proposals_for(unmatched.example) or [unmatched.normalized]
        who = ("user", ask.line_user_id) if ask.line_user_id is not None else ("ask", ask.id)
        asks.extend(Ask(p, province or NO_PROVINCE, _month(ask.asked_at), who) for p in products[unmatched.id])
    return asks


def _merged(asks: list[Ask]) -> dict[str, str]:
    """Each spelling → the product it belongs to (the most asked spelling of the similar ones)."""
    counts: dict[str, int] = defaultdict(int)
    for ask in asks:
        counts[ask.product] += 1
    heads: list[str] = []
    to_head: dict[str, str] = {}
    for spelling in sorted(counts, key=lambda s: (-counts[s], len(s), s)):
        head = next((h for h in heads if same_product(h, spelling)), None)
        if head is None:
            heads.append(spelling)
            head = spelling
        to_head[spelling] = head
    return to_head


def _grouped(items: Iterable[tuple[str, Ask]]) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for label, ask in items:
        groups.setdefault(label, Group(label)).add(ask)
    return groups


def build_demand(asks: list[Ask]) -> Demand:
    """Group ``asks`` by product (spellings merged), province and month, and their combinations."""
    head = _merged(asks)
    products = _grouped((head[a.product], a) for a in asks)
    provinces = _grouped((a.province, a) for a in asks)
    months = {month_label(m): g for m, g in sorted(_grouped_by_month(asks).items())}
    cells: dict[tuple[str, str, tuple[int, int]], Group] = {}
    for ask in asks:
        cells.setdefault((head[ask.product], ask.province, ask.month), Group(head[ask.product])).add(ask)
    return Demand(products=_ranked(products.values()), provinces=_ranked(provinces.values()),
                  months=list(months.values()),
                  cells=[(product, province, month_label(month), g) for (product, province, month), g in
                         sorted(cells.items(), key=lambda kv: (kv[0][2], -kv[1].users, kv[0][0], kv[0][1]))],
                  asks=len(asks), users=len({a.who for a in asks}))


def _ranked(groups: Iterable[Group]) -> list[Group]:
    """Most people first, then most asks."""
    return sorted(groups, key=lambda g: (-g.users, -g.asks, g.label))


def _grouped_by_month(asks: list[Ask]) -> dict[tuple[int, int], Group]:
    groups: dict[tuple[int, int], Group] = {}
    for ask in asks:
        groups.setdefault(ask.month, Group(month_label(ask.month))).add(ask)
    return groups
