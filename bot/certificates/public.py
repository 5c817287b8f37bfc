"""The public page a QR code on a package opens: ``GET /verify/<token>`` (no login, Thai or English).

Answers: 200 with the facts (and a clear warning when expired, suspended or revoked), 404 for an unknown
link (with the "not found" warning), 410 for a replaced link ("this link was replaced"), 429 beyond the
lookup limit of the client's address. Language: ``?lang=th|en``, else the browser's Accept-Language.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from bot.cases.applications import today_in_thailand
from bot.cases.thaidate import format_thai_date, format_thai_date_en
from bot.certificates.facts import facts_of
from bot.certificates.ratelimit import allowed, record
from bot.certificates.records import count_lookup, link_for
from bot.db import db, utcnow
from bot.knowledge.replies import phrase

bp = Blueprint("verify", __name__, template_folder="templates", static_folder="static",
               static_url_path="/verify/static")


def page_language() -> str:
    chosen = request.args.get("lang", "")
    if chosen in ("th", "en"):
        return chosen
    return request.accept_languages.best_match(["th", "en"], default="th") or "th"


@bp.get("/verify/<token>")
def verify(token: str) -> tuple[str, int] | Response:
    lang = page_language()
    session, now = db.session(), utcnow()
    client = f"ip:{request.remote_addr or '-'}"
    if not allowed(session, client, now):
        db.session.rollback()
        return _page("too_many", lang, 429)
    link = link_for(session, token)
    record(session, client, link is not None, now)
    if link is None:
        db.session.commit()
        return _page("unknown", lang, 404)
    if link.replaced_at is not None:
        db.session.commit()
        return _page("replaced", lang, 410)
    count_lookup(session, link.certificate)
    facts = facts_of(session, link.certificate, today_in_thailand())
    db.session.commit()
    day = format_thai_date_en if lang == "en" else format_thai_date
    return _page("certificate", lang, 200, facts=facts, issued=day(facts.issued_on), expires=day(facts.expires_on))


def _page(kind: str, lang: str, status: int, **values: object) -> tuple[str, int]:
    def say(key: str, **extra: object) -> str:
        return phrase(key, lang, **extra)

    other = "en" if lang == "th" else "th"
    return render_template("verify/page.html", kind=kind, lang=lang, say=say, other=other, **values), status
