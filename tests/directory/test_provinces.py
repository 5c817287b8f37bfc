"""A user's province (that of their newest link): read for a whole batch of users in one query, and
forgotten as soon as links change in the session, whether by the ORM or by a bulk DELETE."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, event, select

from bot.cases.applications import find_application
from bot.cases.verification import link, unlink
from bot.db import db, utcnow
from bot.directory.provinces import user_province
from bot.models import ApplicationLink, LineUser
from tests.status_helpers import link_user, new_application


def users(app, *names: str) -> list[int]:
    """New LINE users; their ids."""
    with app.app_context():
        rows = [LineUser(line_user_id=f"U{name:0>32}") for name in names]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def two_applications_and_a_user(app) -> list[int]:
    new_application(app, "67/0001", province="ตราด")
    new_application(app, "67/0002", province="น่าน")
    return users(app, "a")


def count_selects(app):
    """A list that grows by one for each SELECT on application_link."""
    seen: list[str] = []
    engine = db.engine

    def before(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "application_link" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(engine, "before_cursor_execute", before)


def test_the_provinces_of_a_batch_are_read_in_one_query(db_app):
    new_application(db_app, "67/0001", province="ตราด")
    new_application(db_app, "67/0002", province="น่าน")
    users(db_app, "a", "b", "c")
    link_user(db_app, "U" + "a".rjust(32, "0"), "67/0001")
    link_user(db_app, "U" + "b".rjust(32, "0"), "67/0002")
    with db_app.app_context():
        seen, stop = count_selects(db_app)
        try:
            batch = db.session.scalars(select(LineUser).order_by(LineUser.id)).all()  # as lock_users loads them
            assert [user_province(db.session, user) for user in batch] == ["ตราด", "น่าน", None]
            assert len(seen) == 1
        finally:
            stop()


def test_the_newest_link_wins(db_app):
    [user_id] = two_applications_and_a_user(db_app)
    with db_app.app_context():
        user = db.session.get(LineUser, user_id)
        link(db.session, user, find_application(db.session, "67/0001"), utcnow() - timedelta(days=3))
        link(db.session, user, find_application(db.session, "67/0002"), utcnow())
        db.session.commit()
        assert user_province(db.session, user) == "น่าน"


def test_a_change_of_links_in_the_turn_is_seen_at_once(db_app):
    [user_id] = two_applications_and_a_user(db_app)
    with db_app.app_context():
        user = db.session.get(LineUser, user_id)
        assert user_province(db.session, user) is None
        link(db.session, user, find_application(db.session, "67/0001"), utcnow())  # added and flushed
        assert user_province(db.session, user) == "ตราด"
        db.session.add(ApplicationLink(application_id=find_application(db.session, "67/0002").id,
                                       line_user_id=user.id, verified_at=utcnow() + timedelta(seconds=1)))
        assert user_province(db.session, user) == "น่าน"  # added, not flushed yet
        unlink(db.session, user, "67/0002")  # a bulk DELETE
        assert user_province(db.session, user) == "ตราด"
        db.session.execute(delete(ApplicationLink))
        assert user_province(db.session, user) is None
        db.session.rollback()
        assert user_province(db.session, db.session.get(LineUser, user_id)) is None  # nothing was kept


def test_what_was_read_is_not_kept_after_the_transaction(db_app):
    new_application(db_app, "67/0001", province="ตราด")
    [user_id] = users(db_app, "a")
    with db_app.app_context():
        user = db.session.get(LineUser, user_id)
        assert user_province(db.session, user) is None
        db.session.commit()
        link_user(db_app, "U" + "a".rjust(32, "0"), "67/0001")  # another session (an officer, another worker)
        assert user_province(db.session, user) == "ตราด"
