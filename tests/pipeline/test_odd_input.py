"""Odd input never gives a 500 or blocks the queue, and nothing typed is kept once it needs no answer.

Signed bodies with deep nesting, over-long ids or tokens, NUL characters, out-of-range numbers, NaN or
Infinity; an event that fails for good (even its apology); each final status drops the typed text.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from bot.db import db
from bot.models import InboundEvent, OutboundMessage
from bot.pipeline.worker import dispatch_available
from bot.simulator import events as ev
from tests.helpers import drain, post_webhook

USER = "U" + "1" * 32
OTHER = "U" + "2" * 32


def stored(app) -> list[InboundEvent]:
    with app.app_context():
        return list(db.session.scalars(select(InboundEvent).order_by(InboundEvent.id)))


def test_deeply_nested_json_is_400_not_500(db_app):
    body = ('{"destination": "x", "events": [' + '[' * 100_000 + ']' * 100_000 + ']}').encode()
    assert post_webhook(db_app.test_client(), body).status_code == 400
    assert stored(db_app) == []


def test_odd_values_are_skipped_and_the_valid_events_of_the_body_are_answered(db_app, fake_line):
    good = ev.text_event(USER, "สวัสดีค่ะ", fake_line.issue_reply_token(USER))
    long_token = ev.text_event(OTHER, "สวัสดี", "r" * 300)
    long_user = ev.text_event("U" + "9" * 200, "สวัสดี", "t" * 32)
    long_id = {**ev.text_event(OTHER, "สวัสดี", "t" * 32), "webhookEventId": "E" * 100}
    far_future = {**ev.text_event(OTHER, "สวัสดี", "t" * 32), "timestamp": 10 ** 30}
    nul = ev.text_event(OTHER, "ไข่เค็ม\u0000ค่ะ", fake_line.issue_reply_token(OTHER))
    raw = json.loads(ev.body(good, long_token, long_user, long_id, far_future, nul))
    text = json.dumps(raw, ensure_ascii=False)
    text = text.replace('"destination": ', '"odd": NaN, "big": -Infinity, "destination": ', 1)
    response = post_webhook(db_app.test_client(), text.encode())
    assert response.status_code == 200
    rows = stored(db_app)
    assert [r.webhook_event_id for r in rows] == [good["webhookEventId"], nul["webhookEventId"]]
    drain(db_app)
    assert len(fake_line.messages_for(USER)) == 1 and len(fake_line.messages_for(OTHER)) == 1
    assert {r.status for r in stored(db_app)} == {"done"}


def test_an_event_that_fails_for_good_is_closed_even_without_its_apology_and_blocks_nothing(
        db_app, fake_line, monkeypatch):
    from bot.pipeline import dispatcher

    db_app.config["DISPATCH_MAX_ATTEMPTS"] = 2
    real_enqueue = dispatcher.enqueue_reply

    def enqueue(session, user_id, *args, **kwargs):
        if user_id == USER:  # the value that breaks this user's answer breaks the apology too
            raise ValueError("value too long for type character varying(255)")
        return real_enqueue(session, user_id, *args, **kwargs)

    monkeypatch.setattr(dispatcher, "enqueue_reply", enqueue)
    poison = ev.text_event(USER, "เบอร์ 081-234-5678 ค่ะ", fake_line.issue_reply_token(USER))
    assert post_webhook(db_app.test_client(), ev.body(poison)).status_code == 200
    for _ in range(2):  # each attempt, then the retry made due at once
        dispatch_available(db_app)
        with db_app.app_context():
            db.session.execute(update(InboundEvent).values(next_attempt_at=InboundEvent.received_at))
            db.session.commit()
    row = stored(db_app)[0]
    assert row.status == "failed" and row.attempts == 2
    assert row.payload["message"]["text"] == "" and "234-5678" not in json.dumps(row.payload)
    later = ev.text_event(OTHER, "สวัสดีค่ะ", fake_line.issue_reply_token(OTHER))
    assert post_webhook(db_app.test_client(), ev.body(later)).status_code == 200
    assert dispatch_available(db_app) == 1  # the failed event is never claimed again
    drain(db_app)
    assert fake_line.messages_for(USER) == [] and len(fake_line.messages_for(OTHER)) == 1
    with db_app.app_context():
        assert db.session.scalars(select(OutboundMessage.recipients)).all() == [[OTHER]]


@pytest.mark.parametrize("case", ["standby", "group", "done", "failed"])
def test_no_final_status_keeps_what_the_user_typed(db_app, fake_line, monkeypatch, case):
    from bot.pipeline import dispatcher

    secret = "บัตร 1-2345-67890-12-3 ค่ะ"
    event = ev.text_event(USER, secret, fake_line.issue_reply_token(USER), mode="standby" if case == "standby" else "active")
    if case == "group":
        event["source"] = {"type": "group", "groupId": "C" + "1" * 32, "userId": USER}
    if case == "failed":
        db_app.config["DISPATCH_MAX_ATTEMPTS"] = 1
        monkeypatch.setattr(dispatcher, "touch_user", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    assert post_webhook(db_app.test_client(), ev.body(event)).status_code == 200
    drain(db_app)
    row = stored(db_app)[0]
    assert row.status == {"standby": "skipped", "group": "skipped", "done": "done", "failed": "failed"}[case]
    assert secret not in json.dumps(row.payload, ensure_ascii=False)
    assert row.payload["message"]["textRemoved"] is True
