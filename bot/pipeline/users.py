"""LINE users: created on first contact, follow/unfollow recorded."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.db import utcnow
from bot.models import LineUser
from bot.pipeline.incoming import Incoming


def lock_users(session: Session, line_user_ids: Iterable[str | None]) -> dict[str, LineUser]:
    """The known users among ``line_user_ids``, by LINE id, with their conversation state, in one round
    trip; row-locked on PostgreSQL (in id order, so two workers never deadlock) so that each user's
    events run one at a time."""
    wanted = sorted({user_id for user_id in line_user_ids if user_id})
    if not wanted:
        return {}
    users = session.execute(
        select(LineUser).options(joinedload(LineUser.state))
        .where(LineUser.line_user_id.in_(wanted)).order_by(LineUser.id).with_for_update(of=LineUser)
    ).unique().scalars()
    return {user.line_user_id: user for user in users}


def touch_user(session: Session, incoming: Incoming, known: dict[str, LineUser] | None = None) -> LineUser:
    """Return the user of ``incoming`` (from ``known``, from `lock_users`, or created now), seen now."""
    assert incoming.user_id
    if known is None:
        known = lock_users(session, [incoming.user_id])
    user = known.get(incoming.user_id)
    now = utcnow()
    if user is None:
        user = LineUser(line_user_id=incoming.user_id, following=True, language="th", created_at=now,
                        state=None)  # known to have none: no query for it later
        session.add(user)
        session.flush()  # its id, for what the handler stores about it
        known[incoming.user_id] = user
    user.last_seen_at = now
    if incoming.kind == "follow":
        user.following, user.unfollowed_at = True, None
    elif incoming.kind == "unfollow":
        user.following, user.unfollowed_at = False, now
    return user
