"""The console's "คำถามที่บอทยังตอบไม่ได้" page: each unmatched query with the products proposed from the
user's words and the standards that may fit (one tap on the product, one on the standard), a server-side
search of the whole catalogue, and after an alias is added, the stored queries it would now answer.
Registered on the console blueprint (bot/office/console/base.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, g, redirect, render_template, request, url_for

from bot.db import db
from bot.knowledge.catalogue import current_editions
from bot.models import StandardAlias, UnmatchedQuery
from bot.nlp.records import StandardRecord
from bot.office.aliases import (
    AliasError,
    add_alias,
    answered_by,
    dismiss_query,
    proposals_for,
    resolve_queries,
    search_standards,
    unmatched_queries,
)
from bot.office.console.base import bp, login_required
from bot.office.console.forms import AliasForm, PostForm

CANDIDATES = 3  # standards offered under each proposed product
SHOWN = 50  # queries on the page, the most frequent first (each one searches the catalogue)


@dataclass
class Row:
    """One unmatched query as the page shows it: the proposed products, each with its candidate standards."""

    query: UnmatchedQuery
    proposals: list[tuple[str, list[StandardRecord]]]
    found: list[StandardRecord] = field(default_factory=list)  # this row's search results


def _rows(queries: list[UnmatchedQuery], find: str, find_for: int | None) -> list[Row]:
    rows = []
    catalogue = current_editions(db.session())  # read once for every search of the page
    for query in queries:
        products = proposals_for(query.example) or [query.normalized]
        proposals = [(p, search_standards(db.session(), p, CANDIDATES, catalogue)) for p in products]
        found = search_standards(db.session(), find, editions=catalogue) if find and query.id == find_for else []
        rows.append(Row(query, proposals, found))
    return rows


def _page(form: AliasForm, status: int = 200):
    args = request.args
    find = args.get("find", "").strip()
    find_for = int(args["for"]) if args.get("for", "").isdigit() else None
    added = db.session.get(StandardAlias, int(args["added"])) if args.get("added", "").isdigit() else None
    return render_template(
        "console/unmatched.html", rows=_rows(unmatched_queries(db.session(), limit=SHOWN), find, find_for),
        form=form, find=find, find_for=find_for, found=search_standards(db.session(), find) if find else [],
        added=added, now_answered=answered_by(db.session(), added.alias) if added else [],
        dismiss=PostForm()), status


@bp.get("/unmatched")
@login_required
def unmatched():
    return _page(AliasForm())


@bp.post("/unmatched/alias")
@login_required
def add_unmatched_alias():
    form = AliasForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    query_id = int(form.query_id.data) if (form.query_id.data or "").isdigit() else None
    try:
        alias = add_alias(db.session(), g.officer, form.alias.data, form.standard_number.data, query_id)
        db.session.commit()
    except AliasError as exc:
        db.session.rollback()
        form.alias.errors = [str(exc)]
        return _page(form, 422)
    flash(f"เพิ่มชื่อเรียก \"{alias.alias}\" ให้ มผช. {alias.standard_number} แล้ว บอทจะรู้จักชื่อนี้ทันที", "success")
    return redirect(url_for("console.unmatched", added=alias.id, _anchor="now-answered"))


@bp.post("/unmatched/resolve")
@login_required
def resolve_unmatched():
    """Close the queries the new alias answers (the ids the officer saw listed)."""
    form = PostForm()
    if not form.validate_on_submit():
        return _page(AliasForm(), 400)
    ids = [int(i) for i in request.form.getlist("query_id") if i.isdigit()]
    done = resolve_queries(db.session(), ids)
    db.session.commit()
    flash(f"ปิดคำถามที่บอทตอบได้แล้ว {done} รายการ", "info")
    return redirect(url_for("console.unmatched"))


@bp.post("/unmatched/<int:query_id>/dismiss")
@login_required
def dismiss_unmatched(query_id: int):
    if dismiss_query(db.session(), query_id):
        db.session.commit()
        flash("ซ่อนคำถามนี้แล้ว", "info")
    return redirect(url_for("console.unmatched"))
