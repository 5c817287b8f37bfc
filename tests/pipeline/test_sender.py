"""The faster sender keeps its promises: one recipient's messages stay in order across threads, a row
is not sent when its lease is nearly over, and a row another worker took over is not overwritten."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.db import db, utcnow
from bot.models import OutboundMessage
from bot.pipeline.outbox import enqueue_push
from bot.pipeline.worker import make_sender
from tests.helpers import drain, wait_for

ALICE, BOB = "U" + "a" * 32, "U" + "b" * 32


def _rows(app) -> list[OutboundMessage]:
    with app.app_context():
        rows = db.session.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars().all()
        db.session.expunge_all()
        return rows


def test_each_recipients_messages_arrive_in_order(db_app, fake_line):
    with db_app.app_context():
        for i in range(12):
            enqueue_push(db.session, (ALICE, BOB)[i % 2], [{"type": "text", "text": f"ข้อความที่ {i}"}], purpose="t")
        enqueue_push(db.session, BOB, [{"type": "text", "text": f"ที่ {i}"} for i in range(7)], purpose="t")
        db.session.commit()
    fake_line.fail(0, "", path="/push", times=6, delay=0.05)  # uneven answer times between the threads
    drain(db_app)
    assert fake_line.texts_for(ALICE) == [f"ข้อความที่ {i}" for i in range(0, 12, 2)]
    assert fake_line.texts_for(BOB) == [f"ข้อความที่ {i}" for i in range(1, 12, 2)] + [f"ที่ {i}" for i in range(7)]
    assert {r.status for r in _rows(db_app)} == {"sent"}


def test_a_row_whose_lease_is_nearly_over_is_put_back_unsent(db_app, fake_line):
    with db_app.app_context():
        enqueue_push(db.session, ALICE, [{"type": "text", "text": "แจ้งเตือน"}], purpose="t")
        db.session.commit()
        sender = make_sender(db_app)
        [job] = sender._lease()
        job.lease_until = utcnow() + timedelta(seconds=1)  # the batch took almost all of the lease
        sender._record_all([(job, sender._attempt(job))])
    [row] = _rows(db_app)
    assert (row.status, row.attempts, row.lease_until) == ("pending", 0, None)
    assert fake_line.requests == []
    drain(db_app)
    assert fake_line.texts_for(ALICE) == ["แจ้งเตือน"]


def test_an_outcome_does_not_overwrite_a_row_another_worker_took_over(db_app, fake_line):
    with db_app.app_context():
        enqueue_push(db.session, ALICE, [{"type": "text", "text": "แจ้งเตือน"}], purpose="t")
        db.session.commit()
        sender = make_sender(db_app)
        [job] = sender._lease()
        # Our lease ran out meanwhile and another worker leased the row again (attempt 2).
        db.session.execute(update(OutboundMessage).values(attempts=2, lease_until=utcnow() + timedelta(minutes=1)))
        db.session.commit()
        sender._record_all([(job, sender._attempt(job))])
    [row] = _rows(db_app)
    assert (row.status, row.attempts) == ("sending", 2)  # left to the worker that holds it now
    assert len(fake_line.messages_for(ALICE)) == 1


def _queue_during_a_slow_call(db_app, fake_line, others: list[str], wake: bool) -> list[int]:
    """One reply hangs 3 s at LINE (well within the call's timeout); meanwhile pushes to ``others`` are queued
    (and the sender's wake event set, as the LISTEN thread does on NOTIFY, when ``wake``). Returns what the one
    run handled. The margins are wide so that a loaded machine cannot end the slow call before the pushes
    are queued."""
    import threading

    from bot.pipeline.outbox import enqueue_reply
    from bot.pipeline.signals import outbox_signal

    with db_app.app_context():
        enqueue_reply(db.session, ALICE, fake_line.issue_reply_token(ALICE), [{"type": "text", "text": "ช้า"}])
        db.session.commit()
    fake_line.fail(0, "", path="/reply", delay=3.0)  # LINE takes 3 s to answer this one
    db_app.config["LINE_TIMEOUT_SECONDS"] = 10.0
    sender = make_sender(db_app)
    assert sender.wake is outbox_signal
    handled: list[int] = []

    def run() -> None:
        with db_app.app_context():
            handled.append(sender.run_once())

    worker = threading.Thread(target=run)
    worker.start()
    assert wait_for(lambda: any(r["path"].endswith("/reply") for r in fake_line.requests), 5)
    with db_app.app_context():
        for user in others:
            enqueue_push(db.session, user, [{"type": "text", "text": "เร็ว"}], purpose="t")
        db.session.commit()
    if wake:
        outbox_signal.set()
    worker.join(10)
    return handled


def test_a_slow_call_holds_up_only_itself(db_app, fake_line):
    """Rows queued while one call hangs are leased and sent at once, not after the slow call."""
    others = [f"U{i:032x}" for i in range(3)]
    assert _queue_during_a_slow_call(db_app, fake_line, others, wake=True) == [4]  # the same run took them
    order = [d.to for d in sorted(fake_line.deliveries, key=lambda d: d.seq)]
    assert sorted(order[:3]) == sorted(others) and order[3] == ALICE
    assert {r.status for r in _rows(db_app)} == {"sent"}


def test_no_lease_mid_run_until_rows_are_said_to_be_queued(db_app, fake_line):
    """Without the wake-up, a run in flight does not look again (a lease that finds nothing costs a
    statement): the rows wait until its calls are back, then the same run takes them."""
    others = [f"U{i:032x}" for i in range(3)]
    assert _queue_during_a_slow_call(db_app, fake_line, others, wake=False) == [4]
    order = [d.to for d in sorted(fake_line.deliveries, key=lambda d: d.seq)]
    assert order[0] == ALICE and sorted(order[1:]) == sorted(others)
