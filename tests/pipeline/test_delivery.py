"""Dispatcher and sender against the fake LINE API over real HTTP (SQLite and PostgreSQL)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import db, utcnow
from bot.knowledge.replies import phrase
from bot.models import InboundEvent, LineUser, OutboundMessage
from bot.pipeline.outbox import enqueue_multicast, enqueue_push
from bot.simulator import events as ev
from tests.helpers import deliver, drain, post_webhook, say, tap

USER = "U" + "b" * 32


def outbox(app) -> list[OutboundMessage]:
    with app.app_context():
        return db.session.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars().all()


def test_follow_gets_greeting_with_three_jobs(db_app, fake_line):
    messages = deliver(db_app, fake_line, USER, ev.follow_event(USER, fake_line.issue_reply_token(USER)))
    assert len(messages) == 2  # the greeting, then the short privacy notice with the buttons
    assert "มผช." in messages[0]["text"] and "ลบข้อมูลของฉัน" in messages[1]["text"]
    labels = [item["action"]["label"] for item in messages[1]["quickReply"]["items"]]
    assert labels == ["หามาตรฐานสินค้า", "ติดตามสถานะคำขอ", "ถามเรื่อง มผช.", "ความเป็นส่วนตัว"]
    assert fake_line.messages_for(USER)[0].via == "reply"


def test_unfollow_is_recorded_and_not_answered(db_app, fake_line):
    deliver(db_app, fake_line, USER, ev.follow_event(USER, fake_line.issue_reply_token(USER)))
    assert deliver(db_app, fake_line, USER, ev.unfollow_event(USER)) == []
    with db_app.app_context():
        user = db.session.execute(select(LineUser)).scalar_one()
        assert user.following is False and user.unfollowed_at is not None
    again = deliver(db_app, fake_line, USER, ev.follow_event(USER, fake_line.issue_reply_token(USER), unblocked=True))
    assert "ยินดีต้อนรับกลับมา" in again[0]["text"]
    with db_app.app_context():
        assert db.session.execute(select(LineUser)).scalar_one().following is True


def test_help_request_gets_how_to_use_with_quick_replies(db_app, fake_line):
    messages = say(db_app, fake_line, USER, "ช่วยด้วย ใช้งานยังไง")
    assert "วิธีใช้งาน" in messages[0]["text"]
    assert len(messages[0]["quickReply"]["items"]) == 5


def test_sticker_and_image_get_polite_text(db_app, fake_line):
    """A photo from an account linked to no application: how documents are submitted (nothing stored)."""
    sticker = deliver(db_app, fake_line, USER, ev.sticker_event(USER, fake_line.issue_reply_token(USER)))
    image = deliver(db_app, fake_line, USER, ev.image_event(USER, fake_line.issue_reply_token(USER)))
    assert "สติกเกอร์" in sticker[0]["text"]
    assert image[0]["text"] == phrase("documents_not_linked", "th") and image[0]["type"] == "text"


def test_menu_postback_asks_for_the_product(db_app, fake_line):
    messages = tap(db_app, fake_line, USER, "action=find_standard")
    assert "ชื่อสินค้า" in messages[0]["text"]


def test_rejected_reply_token_falls_back_to_push_with_retry_key(db_app, fake_line):
    event = ev.text_event(USER, "สวัสดี", "token-that-line-does-not-know")
    post_webhook(db_app.test_client(), ev.body(event))
    drain(db_app)
    [delivery] = fake_line.messages_for(USER)
    assert delivery.via == "push"
    [row] = outbox(db_app)
    assert (row.kind, row.status) == ("push", "sent")
    push = next(r for r in fake_line.requests if r["path"] == "/v2/bot/message/push")
    assert push["headers"]["X-Line-Retry-Key"] == row.retry_key


def test_old_reply_token_is_not_tried(db_app, fake_line):
    event = ev.text_event(USER, "สวัสดี", fake_line.issue_reply_token(USER))
    post_webhook(db_app.test_client(), ev.body(event))
    from bot.pipeline.worker import dispatch_available
    dispatch_available(db_app)
    with db_app.app_context():
        row = db.session.execute(select(OutboundMessage)).scalar_one()
        row.created_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    drain(db_app)
    assert [p["path"] for p in fake_line.requests] == ["/v2/bot/message/push"]


@pytest.mark.parametrize("status, message", [
    (500, "Internal server error"), (503, "Service unavailable"), (429, "Too many requests"),
])
def test_transient_errors_are_retried_until_delivered(db_app, fake_line, status, message):
    fake_line.fail(status, message, path="/reply", times=2)
    say(db_app, fake_line, USER, "สวัสดี")
    [row] = outbox(db_app)
    assert row.status == "sent" and row.attempts == 3
    assert len(fake_line.messages_for(USER)) == 1


def test_timeouts_are_retried_and_push_is_never_duplicated(db_app, fake_line):
    db_app.config["LINE_TIMEOUT_SECONDS"] = 0.3
    with db_app.app_context():
        enqueue_push(db.session, USER, [{"type": "text", "text": "แจ้งเตือน"}], purpose="test")
        db.session.commit()
    fake_line.fail(0, "", path="/push", delay=0.8)  # first call is slow but goes through
    drain(db_app)
    [row] = outbox(db_app)
    assert row.status == "sent"
    assert row.attempts == 2  # timeout, then 409 "already accepted" counts as sent
    assert len(fake_line.messages_for(USER)) == 1


@pytest.mark.parametrize(("status", "body", "kind", "attempts", "error"), [
    (429, "You have reached your monthly limit.", "quota", 1, "monthly limit"),  # at once, no retries
    (500, "Internal server error", "exhausted", 3, "500"),  # retries stop at SEND_MAX_ATTEMPTS
])
def test_failures_are_kept_with_their_error(db_app, fake_line, status, body, kind, attempts, error):
    db_app.config["SEND_MAX_ATTEMPTS"] = 3
    fake_line.fail(status, body, path="/push", times=100)
    with db_app.app_context():
        enqueue_push(db.session, USER, [{"type": "text", "text": "ประกาศ"}], purpose="test")
        db.session.commit()
    drain(db_app)
    [row] = outbox(db_app)
    assert (row.status, row.error_kind, row.attempts) == ("failed", kind, attempts)
    assert error in row.last_error


def test_backoff_schedules_the_next_attempt_later(db_app, fake_line):
    db_app.config["SEND_BACKOFF_SECONDS"] = 30.0
    fake_line.fail(500, "Internal server error", path="/push")
    with db_app.app_context():
        enqueue_push(db.session, USER, [{"type": "text", "text": "ประกาศ"}], purpose="test")
        db.session.commit()
    drain(db_app)
    [row] = outbox(db_app)
    assert row.status == "pending" and row.attempts == 1
    wait = (row.next_attempt_at - utcnow()).total_seconds()
    assert 10 < wait < 50  # 30 s × jitter in [0.5, 1.5)


def test_invalid_message_is_rejected_not_retried(db_app, fake_line):
    with db_app.app_context():
        enqueue_push(db.session, USER, [{"type": "text"}], purpose="test")  # no text
        db.session.commit()
    drain(db_app)
    [row] = outbox(db_app)
    assert (row.status, row.error_kind) == ("failed", "rejected")
    assert fake_line.requests == []


def test_a_message_list_is_checked_once_and_a_bad_one_every_time(db_app, fake_line):
    """The SDK's model check of a list already accepted is not repeated (an announcement, a popular card);
    a rejected list is never remembered as good."""
    from bot.line.gateway import CHECKED
    card = [{"type": "text", "text": f"ประกาศ {utcnow().isoformat()}"}]  # a list no other test has sent
    before = CHECKED.checks
    with db_app.app_context():
        for i in range(3):
            enqueue_push(db.session, f"U{i:032x}", card, purpose="test")
            enqueue_push(db.session, f"U{i:032x}", [{"type": "text"}], purpose="test")  # no text
        db.session.commit()
    drain(db_app)
    assert CHECKED.checks - before == 4  # the good list once, the bad one each time
    rows = outbox(db_app)
    assert [(r.status, r.error_kind) for r in rows] == [("sent", None), ("failed", "rejected")] * 3
    assert len(fake_line.deliveries) == 3


def test_multicast_batches_of_500_with_retry_keys(db_app, fake_line):
    users = [f"U{i:032x}" for i in range(1201)]
    with db_app.app_context():
        enqueue_multicast(db.session, users, [{"type": "text", "text": "ประกาศ"}], purpose="announcement")
        db.session.commit()
    drain(db_app)
    rows = outbox(db_app)
    assert [len(r.recipients) for r in rows] == [500, 500, 201]
    assert all(r.status == "sent" for r in rows)
    assert len({d.to for d in fake_line.deliveries}) == 1201
    keys = [r["headers"]["X-Line-Retry-Key"] for r in fake_line.requests]
    assert sorted(keys) == sorted(r.retry_key for r in rows)


def test_handler_crash_is_retried_then_apologises(db_app, fake_line, monkeypatch):
    from bot.handlers import router as conversation
    def broken(turn):
        raise RuntimeError("boom")

    monkeypatch.setitem(conversation.EVENT_HANDLERS, "sticker", broken)
    db_app.config["DISPATCH_MAX_ATTEMPTS"] = 2
    event = ev.sticker_event(USER, fake_line.issue_reply_token(USER))
    post_webhook(db_app.test_client(), ev.body(event))
    drain(db_app)
    with db_app.app_context():
        row = db.session.execute(select(InboundEvent)).scalar_one()
        assert row.status == "pending" and row.attempts == 1 and "boom" in row.last_error
        row.next_attempt_at = utcnow()
        db.session.commit()
    drain(db_app)
    with db_app.app_context():
        row = db.session.execute(select(InboundEvent)).scalar_one()
        assert row.status == "failed" and row.attempts == 2
    assert "ขออภัย" in fake_line.texts_for(USER)[0]
