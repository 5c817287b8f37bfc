"""One user's events are handled one at a time, in the order LINE sent them, and their answers reach LINE
in that order, across several workers; other users are not held back (real threads, the fake LINE API)."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select, update

from bot.db import db, utcnow
from bot.models import InboundEvent
from bot.pipeline.worker import dispatch_available, make_sender, send_available, start_threads
from bot.simulator import events as ev
from tests.helpers import post_webhook, wait_for

CODES = [1, 2, 23, 26, 27, 28]  # each answered with its own card: "มผช. N/…" in the alt text
USERS = ["U" + f"{i:032x}" for i in range(8)]


def answered_codes(fake_line, user: str) -> list[int]:
    out = []
    for delivery in fake_line.messages_for(user):
        for message in delivery.messages:
            alt = message.get("altText", "")
            for code in CODES:
                if alt.startswith((f"มผช. {code}/", f"มผช. {code} ")):
                    out.append(code)
    return out


def test_two_workers_answer_each_user_in_order(db_app, fake_line):
    db_app.config["HEARTBEAT_SECONDS"] = 1.0
    stops = [threading.Event(), threading.Event()]
    threads = [t for stop in stops for t in start_threads(db_app, stop, kind="worker")]
    client = db_app.test_client()
    try:
        for code in CODES:  # every user sends the codes in order, the users interleaved, ~50 ms apart
            for user in USERS:
                event = ev.text_event(user, f"มผช. {code}", fake_line.issue_reply_token(user))
                assert post_webhook(client, ev.body(event)).status_code == 200
            time.sleep(0.05)
        assert wait_for(lambda: all(len(answered_codes(fake_line, u)) == len(CODES) for u in USERS), 90), \
            {u[-4:]: answered_codes(fake_line, u) for u in USERS}
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(timeout=15)
    for user in USERS:
        assert answered_codes(fake_line, user) == CODES, user
        assert all(d.via == "reply" for d in fake_line.messages_for(user))  # no reply turned into a push


def test_an_event_waiting_for_a_retry_holds_back_only_its_user(db_app, fake_line, monkeypatch):
    from bot.pipeline import dispatcher

    slow, other = USERS[0], USERS[1]
    real_touch = dispatcher.touch_user
    failures = {"left": 2}  # in its batch, then again on its own (the batch's events are retried one by one)

    def touch(session, incoming, *known):
        if incoming.user_id == slow and failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("database hiccup")
        return real_touch(session, incoming, *known)

    monkeypatch.setattr(dispatcher, "touch_user", touch)
    client = db_app.test_client()
    first = ev.text_event(slow, "มผช. 1", fake_line.issue_reply_token(slow))
    second = ev.text_event(slow, "มผช. 2", fake_line.issue_reply_token(slow))
    second["timestamp"] = first["timestamp"] + 1
    theirs = ev.text_event(other, "มผช. 23", fake_line.issue_reply_token(other))
    assert post_webhook(client, ev.body(first, second, theirs)).status_code == 200
    # The first event fails and waits for its retry: the user's second event waits too, the other user's not.
    assert dispatch_available(db_app) == 2
    with db_app.app_context():
        rows = {r.webhook_event_id: r.status for r in db.session.scalars(select(InboundEvent))}
    assert rows == {first["webhookEventId"]: "pending", second["webhookEventId"]: "pending",
                    theirs["webhookEventId"]: "done"}
    with db_app.app_context():  # the retry falls due
        db.session.execute(update(InboundEvent).values(next_attempt_at=utcnow()))
        db.session.commit()
    assert dispatch_available(db_app) == 2
    send_available(db_app, make_sender(db_app))
    assert answered_codes(fake_line, slow) == [1, 2]


def test_a_users_later_message_waits_while_another_worker_sends_the_earlier_one(db_app, fake_line):
    from bot.models import OutboundMessage
    from bot.pipeline.outbox import enqueue_push

    user, other = USERS[2], USERS[3]
    with db_app.app_context():
        for text in ("ข้อความแรก", "ข้อความที่สอง"):
            enqueue_push(db.session, user, [{"type": "text", "text": text}], "test")
        enqueue_push(db.session, other, [{"type": "text", "text": "ของอีกคน"}], "test")
        db.session.commit()
        first_worker, second_worker = make_sender(db_app), make_sender(db_app)
        first_worker.batch = 1
        held = first_worker._lease()  # worker 1 holds the user's first message, mid-call
        assert [job.recipients for job in held] == [[user]]
        assert second_worker.run_once() == 1  # worker 2 sends only the other user's message
        assert [d.to for d in fake_line.deliveries] == [other]
        first_worker._record_all([(held[0], first_worker._attempt(held[0]))])
        assert second_worker.run_once() == 1  # now the second message may go
        statuses = db.session.scalars(select(OutboundMessage.status).order_by(OutboundMessage.id)).all()
    assert statuses == ["sent", "sent", "sent"]
    assert [d.messages[0]["text"] for d in fake_line.messages_for(user)] == ["ข้อความแรก", "ข้อความที่สอง"]
