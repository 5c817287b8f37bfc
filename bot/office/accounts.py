"""Account hygiene, shared by `flask officers …` and the admins' console page: revoke an officer's API
tokens, reset a password (ends the officer's other console sessions), deactivate and reactivate.

Each change is logged with officer ids only (no names), saying who did it; the caller commits."""
from __future__ import annotations

import logging

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from bot.db import utcnow
from bot.models import ApiToken, Officer
from bot.office.officers import AccountError, check_password

log = logging.getLogger(__name__)
CLI = "cli"


def revoke_tokens(session: Session, officer: Officer, by: Officer | str = CLI) -> int:
    """Revoke every unrevoked API token of ``officer``; how many were revoked."""
    revoked = session.execute(update(ApiToken).where(ApiToken.officer_id == officer.id,
                                                     ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    count = int(getattr(revoked, "rowcount", 0) or 0)
    _audit("revoke_tokens", officer, by, tokens=count)
    return count


def reset_password(session: Session, officer: Officer, password: str, by: Officer | str = CLI) -> None:
    """Set a new password (the length rule of check_password) and end every console session of ``officer``
    started before (the caller keeps its own session going if ``officer`` changed their own password)."""
    check_password(password)
    officer.password_hash = generate_password_hash(password)
    officer.session_version = (officer.session_version or 0) + 1
    session.flush()
    _audit("reset_password", officer, by)


def set_active(session: Session, officer: Officer, active: bool, by: Officer | str = CLI) -> None:
    """Deactivate (its sessions and tokens stop working on their next request) or reactivate ``officer``;
    an admin cannot deactivate themselves, and the last active admin cannot be deactivated."""
    if not active and isinstance(by, Officer) and by.id == officer.id:
        raise AccountError("ปิดบัญชีของตนเองไม่ได้ / you cannot deactivate your own account")
    if not active and officer.is_admin and officer.active and _active_admins(session) <= 1:
        raise AccountError("ต้องมีผู้ดูแลระบบที่ใช้งานได้อย่างน้อยหนึ่งคน / the last active admin cannot be deactivated")
    officer.active = active
    session.flush()
    _audit("activate" if active else "deactivate", officer, by)


def all_officers(session: Session) -> list[tuple[Officer, int]]:
    """Every officer (admins first, then by province and name) with their number of live API tokens."""
    live = dict(session.execute(select(ApiToken.officer_id, func.count()).where(ApiToken.revoked_at.is_(None))
                                .group_by(ApiToken.officer_id)).all())
    officers = session.execute(select(Officer).order_by(Officer.is_admin.desc(), Officer.province,
                                                        Officer.username)).scalars()
    return [(officer, live.get(officer.id, 0)) for officer in officers]


def _active_admins(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Officer)
                           .where(Officer.is_admin.is_(True), Officer.active.is_(True))).scalar_one()


def _audit(action: str, officer: Officer, by: Officer | str, **extra: object) -> None:
    actor = f"officer {by.id}" if isinstance(by, Officer) else by
    details = "".join(f" {key}={value}" for key, value in extra.items())
    log.info("account %s: officer %s by %s%s", action, officer.id, actor, details)
