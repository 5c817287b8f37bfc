"""Exactly once when an outcome is unknown: a reply that timed out or a dead worker's reply is counted as
probably delivered (never pushed again); a reply that never reached LINE still goes; outcomes the database
could not record are recorded before anything else is sent. Real HTTP to the fake LINE API."""
from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from bot.db import db, utcnow
from bot.line.gateway import LineGateway
from bot.models import OutboundMessage
from bot.pipeline.outbox import enqueue_push, enqueue_reply
from bot.pipeline.sender import Sender, SenderSettings
from bot.pipeline.worker import make_sender
from tests.helpers import drain, wait_for

USER = "U" + "7" * 32
HELLO = [{"type": "text", "text": "สวัสดีค่ะ"}]


def rows(app) -> list[OutboundMessage]:
    with app.app_context():
        found = list(db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))
        db.session.expunge_all()
        return found


def queue_reply(app, token: str) -> None:
    with app.app_context():
        enqueue_reply(db.session, USER, token, HELLO)
        db.session.commit()


def test_a_reply_that_timed_out_is_probably_delivered_and_never_pushed(db_app, fake_line):
    db_app.config["LINE_TIMEOUT_SECONDS"] = 0.3
    queue_reply(db_app, fake_line.issue_reply_token(USER))
    fake_line.fail(0, "", path="/reply", delay=0.8)  # LINE is slow but takes it
    drain(db_app)
    [row] = rows(db_app)
    assert (row.status, row.error_kind, row.attempts) == ("sent", "unknown", 1)
    assert wait_for(lambda: len(fake_line.messages_for(USER)) == 1, 5)  # LINE did deliver it, late
    drain(db_app)
    assert [p["path"] for p in fake_line.requests] == ["/v2/bot/message/reply"]  # no push after it
    assert len(fake_line.messages_for(USER)) == 1


def test_a_reply_that_never_reached_line_is_tried_again(db_app, fake_line):
    with socket.socket() as sock:  # a port nothing listens on: connection refused at once
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    queue_reply(db_app, fake_line.issue_reply_token(USER))
    db_app.config["SEND_BACKOFF_SECONDS"] = 30.0  # its retry is not due during this run
    refused = Sender(LineGateway(closed, "token", 1.0), SenderSettings.from_config(db_app.config))
    with db_app.app_context():
        assert refused.run_once() == 1
    [row] = rows(db_app)
    assert row.status == "pending" and row.error_kind is None and row.attempts == 1
    with db_app.app_context():
        db.session.execute(update(OutboundMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
    drain(db_app)
    [delivery] = fake_line.messages_for(USER)
    assert delivery.via == "reply" and rows(db_app)[0].status == "sent"


def test_a_dead_workers_reply_is_taken_over_without_a_second_delivery(db_app, fake_line):
    token = fake_line.issue_reply_token(USER)
    queue_reply(db_app, token)
    with db_app.app_context():
        dead = make_sender(db_app)
        [job] = dead._lease()
        dead.gateway.reply(job.reply_token, job.messages)  # sent, then the worker was killed before recording
        db.session.execute(update(OutboundMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    drain(db_app)  # another worker takes the row over when the lease runs out
    [row] = rows(db_app)
    assert (row.status, row.kind, row.error_kind) == ("sent", "reply", "unknown")
    assert len(fake_line.messages_for(USER)) == 1  # not pushed a second time


def test_a_dead_workers_unsent_reply_still_goes_as_a_reply(db_app, fake_line):
    queue_reply(db_app, fake_line.issue_reply_token(USER))
    with db_app.app_context():
        make_sender(db_app)._lease()  # killed before calling LINE
        db.session.execute(update(OutboundMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    drain(db_app)
    [delivery] = fake_line.messages_for(USER)
    assert delivery.via == "reply" and rows(db_app)[0].error_kind is None


def test_outcomes_the_database_could_not_record_are_recorded_first_and_not_sent_again(
        db_app, fake_line, monkeypatch):
    with db_app.app_context():
        enqueue_push(db.session, USER, HELLO, "test")
        db.session.commit()
        sender = make_sender(db_app)
        real_commit = db.session.commit
        calls = {"n": 0}

        def flaky_commit():
            calls["n"] += 1
            if calls["n"] == 1:  # leased (autocommit), then PostgreSQL restarts as outcomes are written
                raise OperationalError("UPDATE outbound_message", {}, Exception("server closed the connection"))
            return real_commit()

        monkeypatch.setattr(db.session, "commit", flaky_commit)
        try:
            sender.run_once()
        except OperationalError:
            pass
        monkeypatch.setattr(db.session, "commit", real_commit)
        db.session.execute(update(OutboundMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()  # the lease ran out while the database was away
        sender.run_once()
    [row] = rows(db_app)
    assert row.status == "sent"
    assert len(fake_line.messages_for(USER)) == 1 and len(fake_line.requests) == 1
