"""The dispatcher handles events in batches (one transaction for several users' events), and a bad
event in a batch costs the others nothing: they are answered, only it is retried or apologised for."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.db import db
from bot.models import InboundEvent, LineUser
from bot.pipeline import dispatcher
from bot.pipeline.dispatcher import dispatch_batch
from bot.pipeline.worker import make_sender, send_available
from bot.simulator import events as ev
from tests.helpers import post_webhook

USERS = ["U" + f"{i:032x}" for i in range(5)]


def _post(app, fake_line, texts: list[str]) -> None:
    events = []
    for n, text in enumerate(texts):
        for user in USERS:
            event = ev.text_event(user, text, fake_line.issue_reply_token(user))
            event["timestamp"] += n
            events.append(event)
    assert post_webhook(app.test_client(), ev.body(*events)).status_code == 200


def _statuses(app) -> dict[str, list[str]]:
    with app.app_context():
        rows = db.session.execute(select(InboundEvent.source_user_id, InboundEvent.status)
                                  .order_by(InboundEvent.event_timestamp, InboundEvent.id)).all()
    out: dict[str, list[str]] = {}
    for user, status in rows:
        out.setdefault(user, []).append(status)
    return out


def test_a_batch_takes_one_event_per_user_and_keeps_each_users_order(db_app, fake_line):
    _post(db_app, fake_line, ["มผช. 1", "มผช. 2"])
    with db_app.app_context():
        assert dispatch_batch(20) == 5  # each user's first event; the second waits for it
        assert db.session.scalar(select(func.count()).select_from(LineUser)) == 5  # new users, no collision
    assert _statuses(db_app) == {user: ["done", "pending"] for user in USERS}
    with db_app.app_context():
        assert dispatch_batch(20) == 5
        assert dispatch_batch(20) == 0
    send_available(db_app, make_sender(db_app))
    for user in USERS:
        alts = [m.get("altText", "") for d in fake_line.messages_for(user) for m in d.messages]
        assert [a.split("/")[0] for a in alts] == ["มผช. 1", "มผช. 2"], alts


def test_a_failing_event_in_a_batch_costs_the_others_nothing(db_app, fake_line, monkeypatch):
    bad = USERS[2]
    real_touch = dispatcher.touch_user

    def touch(session, incoming, *known):
        if incoming.user_id == bad:
            raise RuntimeError("this event cannot be handled")
        return real_touch(session, incoming, *known)

    monkeypatch.setattr(dispatcher, "touch_user", touch)
    _post(db_app, fake_line, ["มผช. 1"])
    with db_app.app_context():
        assert dispatch_batch(20, max_attempts=1) == 5
    assert _statuses(db_app) == {user: ["failed" if user == bad else "done"] for user in USERS}
    send_available(db_app, make_sender(db_app))
    for user in USERS:
        [delivery] = fake_line.messages_for(user)  # one answer each: a card, or the apology
        text = delivery.messages[0].get("altText") or delivery.messages[0].get("text", "")
        assert text.startswith("มผช. 1/") != (user == bad), text
