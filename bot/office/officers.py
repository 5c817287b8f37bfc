"""Officer accounts: hashed passwords, API tokens, the console login lock, and the province scope
that the console and the API both enforce (an officer sees and changes only their province's
applications; an admin sees all)."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, delete, func, select, true
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.cases.applications import ApplicationError, find_application
from bot.cases.provinces import normalize_province
from bot.db import utcnow
from bot.models import ApiToken, Application, LoginAttempt, Officer

MIN_PASSWORD_LENGTH = 10
LOCK_FAILURES = 5  # failed logins per username and address …
LOCK_WINDOW = timedelta(minutes=15)  # … within this window lock that pair for the rest of the window
TOKEN_PREFIX = "tcps_"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


class AccountError(ValueError):
    """An officer account cannot be created as asked; the message says why (Thai / English)."""


# ---- accounts --------------------------------------------------------------------------------------------
def normalize_username(raw: str) -> str:
    return (raw or "").strip().lower()


def create_officer(session: Session, username: str, password: str, province: str,
                   is_admin: bool = False) -> Officer:
    """Add an officer with a hashed password (the caller commits)."""
    name = normalize_username(username)
    if not _USERNAME.match(name):
        raise AccountError("ชื่อผู้ใช้ต้องเป็น a-z 0-9 . _ - ยาว 3–80 ตัว / username: 3–80 of a-z 0-9 . _ -")
    if session.execute(select(Officer.id).where(Officer.username == name)).first():
        raise AccountError(f"มีผู้ใช้ {name} แล้ว / officer {name} already exists")
    check_password(password)
    office = normalize_province(province)
    if office is None:
        raise AccountError(f"ไม่รู้จักจังหวัด {province!r} (ดู knowledge/provinces.yaml) / unknown province")
    officer = Officer(username=name, password_hash=generate_password_hash(password), province=office,
                      is_admin=is_admin)
    session.add(officer)
    session.flush()
    return officer


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร / "
                           f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def officer_by_username(session: Session, username: str) -> Officer | None:
    return session.execute(select(Officer).where(Officer.username == normalize_username(username))
                           ).scalar_one_or_none()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def login_locked(session: Session, username: str, ip: str, now: datetime | None = None) -> bool:
    """True after LOCK_FAILURES failures for this username and address within LOCK_WINDOW
    (failures before the last success do not count)."""
    now = now or utcnow()
    name = normalize_username(username)[:80]
    since = now - LOCK_WINDOW
    last_ok = session.execute(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == name, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(True),
        LoginAttempt.at > since)).scalar()
    failures = session.execute(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == name, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False),
        LoginAttempt.at > (last_ok or since))).scalar_one()
    return failures >= LOCK_FAILURES


def authenticate(session: Session, username: str, password: str, ip: str) -> tuple[Officer | None, str]:
    """Check a console login and record the attempt (the caller commits).

    Returns ``(officer, "ok")``, ``(None, "bad")`` for an unknown user, a wrong password or an inactive
    account (the same answer for each), or ``(None, "locked")`` while the lock holds.
    """
    now = utcnow()
    name = normalize_username(username)[:80]
    ip = (ip or "?")[:64]
    if login_locked(session, name, ip, now):
        return None, "locked"
    officer = officer_by_username(session, name)
    # Hash something even for unknown users, so the answer takes as long either way.
    good = check_password_hash(officer.password_hash if officer else _dummy_hash(), password or "")
    ok = bool(officer and officer.active and good)
    session.add(LoginAttempt(username=name, ip=ip, succeeded=ok, at=now))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    if officer is None or not ok:
        return None, "bad"
    officer.last_login_at = now
    return officer, "ok"


# ---- API tokens --------------------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, officer: Officer) -> str:
    """A new random bearer token for ``officer``; only its SHA-256 is stored, so show it once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(officer_id=officer.id, token_hash=_token_hash(token)))
    session.flush()
    return token


def officer_for_token(session: Session, token: str) -> Officer | None:
    """The active officer behind a valid, unrevoked token (and note when it was last used)."""
    if not token or len(token) > 200:
        return None
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == _token_hash(token),
                                                 ApiToken.revoked_at.is_(None))).scalar_one_or_none()
    if row is None or not row.officer.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    return row.officer


# ---- province scope (the one place it is decided) -----------------------------------------------------
def sees_all(officer: Officer) -> bool:
    return bool(officer.is_admin)


def in_scope(officer: Officer) -> ColumnElement[bool]:
    """SQL condition: the applications ``officer`` may see."""
    return true() if sees_all(officer) else Application.province == officer.province


def scoped(statement: Select, officer: Officer) -> Select:
    """``statement`` (over Application) limited to what ``officer`` may see."""
    return statement.where(in_scope(officer))


def may_manage(officer: Officer, province: str) -> bool:
    """Whether ``officer`` may see and change applications of ``province``."""
    return sees_all(officer) or province == officer.province


def application_for(session: Session, officer: Officer, number: str) -> Application:
    """The application ``number`` if ``officer`` may see it; ApplicationError not_found / forbidden."""
    application = find_application(session, number)
    if application is None:
        raise ApplicationError("not_found", f"ไม่พบคำขอเลขที่ {number} / application {number} not found")
    if not may_manage(officer, application.province):
        raise ApplicationError("forbidden", f"คำขอเลขที่ {application.number} เป็นของจังหวัดอื่น / "
                                            "this application belongs to another province")
    return application
