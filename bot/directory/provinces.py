"""The province of a LINE user: that of the application they linked most recently.

Asked on most answers (the office button, the next-steps card), so it is read for every user of a
dispatcher batch in one query, the first time one of them is asked about, and kept for the
transaction. Any change to links in the session (a link added, changed or removed, by the ORM or by a
bulk DELETE) forgets what was read, so an answer never shows a province the user no longer has.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from bot.models import Application, ApplicationLink, LineUser

_KEY = "tcps_user_provinces"  # session.info: {line_user.id: province or None} for this transaction


def user_province(session: Session, user: LineUser) -> str | None:
    """The province of the application ``user`` linked most recently, if any (no autoflush: the
    dispatcher writes a whole batch's changes in one flush)."""
    if user.id is None:
        return None  # created in this turn: nothing linked yet
    if any(isinstance(obj, ApplicationLink) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.flush()  # forgets what was read (after_flush below)
    known: dict[int, str | None] = session.info.setdefault(_KEY, {})
    if user.id not in known:
        known.update(_read(session, {user.id} | _users_in(session)))
    return known[user.id]


def _users_in(session: Session) -> set[int]:
    """The ids of the users this session holds (those of the dispatcher's batch, locked together), read
    from the identity keys (an expired object's attributes would be loaded again)."""
    return {key[1][0] for key in session.identity_map.keys() if key[0] is LineUser}  # noqa: SIM118


def _read(session: Session, user_ids: set[int]) -> dict[int, str | None]:
    """One query: each user's province (None when nothing is linked), from their newest link."""
    found: dict[int, str | None] = dict.fromkeys(user_ids)
    with session.no_autoflush:
        rows = session.execute(
            select(ApplicationLink.line_user_id, Application.province).join(Application)
            .where(ApplicationLink.line_user_id.in_(sorted(user_ids)))
            .order_by(ApplicationLink.verified_at, ApplicationLink.id))
        for user_id, province in rows:  # oldest first: the newest link wins
            found[user_id] = province
    return found


@event.listens_for(Session, "after_flush")
def _links_flushed(session: Session, _context: Any) -> None:
    if any(isinstance(obj, ApplicationLink) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _links_changed_in_bulk(state: ORMExecuteState) -> None:
    if (state.is_delete or state.is_update or state.is_insert) and any(
            mapper.class_ is ApplicationLink for mapper in state.all_mappers):
        state.session.info.pop(_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one: what was read may change from now on
        session.info.pop(_KEY, None)
