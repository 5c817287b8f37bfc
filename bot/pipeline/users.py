"""LINE users: created on first contact, follow/unfollow recorded."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.db import utcnow
from bot.models import LineUser
from bot.pipeline.incoming import Incoming


def touch_user(session: Session, incoming: Incoming) -> LineUser:
    """Return the user of ``incoming`` (row-locked on PostgreSQL so one user's events run in order)."""
    user = session.execute(  # the conversation state comes in the same round trip
        select(LineUser).options(joinedload(LineUser.state))
        .where(LineUser.line_user_id == incoming.user_id).with_for_update(of=LineUser)
    ).unique().scalar_one_or_none()
    now = utcnow()
    if user is None:
        user = LineUser(line_user_id=incoming.user_id, following=True, language="th", created_at=now,
                        state=None)  # known to have none: no query for it later
        session.add(user)
    user.last_seen_at = now
    if incoming.kind == "follow":
        user.following, user.unfollowed_at = True, None
    elif incoming.kind == "unfollow":
        user.following, user.unfollowed_at = False, now
    session.flush()
    return user
