"""The console's blueprint and what every page shares: the officer of the session (a small
`login_required`, no Flask-Login), security headers, error pages and template filters."""
from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from bot.cases.applications import in_thailand, stage_book
from bot.cases.thaidate import format_thai_date
from bot.db import db
from bot.models import Officer
from bot.office.unmatched import kind_label

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates", static_folder="static",
               static_url_path="/static")

SESSION_HOURS = 8  # a console login lasts a working day


def start_session(officer: Officer) -> None:
    """A fresh session for ``officer`` (nothing from before survives), valid until the password changes."""
    session.clear()
    session["officer_id"], session["login_at"] = officer.id, int(time.time())
    session["session_version"] = officer.session_version


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anyone not logged in (or logged in too long ago, or deactivated) to the login page."""
    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> Any:
        if g.get("officer") is None:
            return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)
    return wrapped


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page for admins only: others logged in get 403, anonymous visitors the login page."""
    @functools.wraps(view)
    @login_required
    def wrapped(**kwargs: Any) -> Any:
        if not g.officer.is_admin:
            abort(403)
        return view(**kwargs)
    return wrapped


@bp.before_request
def load_officer() -> None:
    g.officer = None
    officer_id, since = session.get("officer_id"), session.get("login_at", 0)
    if officer_id is None:
        return
    officer = db.session.get(Officer, officer_id)
    if (officer is None or not officer.active or time.time() - since > SESSION_HOURS * 3600
            or session.get("session_version", 0) != officer.session_version):  # password reset since the login
        session.clear()
        return
    g.officer = officer


def safe_next(target: str | None) -> str:
    """Only a path inside the console (no other host) is a place to return to after login."""
    target = target or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or target.startswith("//"):
        return url_for("console.dashboard")
    return target


@bp.after_request
def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; "
                                                           "form-action 'self'; base-uri 'none'")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(CSRFError)
def csrf_error(exc: CSRFError) -> Response | HTTPException:
    if not request.path.startswith(bp.url_prefix or "/console"):
        return exc
    return Response(render_template("console/error.html", status=400,
                                    message="แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"),
                    status=400)


@bp.errorhandler(403)
@bp.errorhandler(404)
def not_yours(exc: HTTPException) -> tuple[str, int]:
    """A console page in Thai for what an officer may not see or what does not exist."""
    message = ("รายการนี้เป็นของจังหวัดอื่น ท่านไม่มีสิทธิ์ดูหรือแก้ไข" if exc.code == 403
               else "ไม่พบรายการนี้ อาจถูกลบหรือพิมพ์ที่อยู่ผิด")
    return render_template("console/error.html", status=exc.code, message=message), exc.code or 404


@bp.app_template_filter("thaidate")
def thaidate(value: Any) -> str:
    return format_thai_date(value) if value else "–"


@bp.app_template_filter("thaitime")
def thaitime(value: datetime | None) -> str:
    """A naive-UTC moment as Bangkok time: ``24 พ.ย. 2569 14:35 น.``"""
    if not value:
        return "–"
    local = in_thailand(value)
    return f"{format_thai_date(local.date())} {local:%H:%M} น."


@bp.app_template_filter("stage_label")
def stage_label(key: str | None) -> str:
    return stage_book()[key].label_th if key and key in stage_book() else (key or "–")


@bp.app_template_filter("mask_line_id")
def mask_line_id(value: str) -> str:
    return f"{value[:5]}…{value[-4:]}" if value and len(value) > 12 else (value or "")


bp.add_app_template_filter(kind_label, "kind_label")
