"""Security rules of the status check: lockout, unlinking, and no personal data in logs."""
from __future__ import annotations

import logging
import re
from datetime import UTC, timedelta

from sqlalchemy import select

from bot.cases.applications import BANGKOK
from bot.cases.status_card import format_unlock_time
from bot.cases.verification import MAX_FAILURES, locked_until, tries_left
from bot.db import db, utcnow
from bot.knowledge.replies import phrase
from bot.models import LineUser, VerificationAttempt
from tests.helpers import say, tap
from tests.status_helpers import (
    ANSWER,
    NATIONAL_ID,
    PHONE,
    card_text,
    link_user,
    linked_numbers,
    new_application,
    new_user,
    quick_data,
)


def _fail(app, fake, user, number="67/0012", wrong="1111"):
    say(app, fake, user, number)
    return say(app, fake, user, wrong)


def _age_attempts(app, user_id, minutes):
    """Move the user's verification attempts ``minutes`` into the past (instead of sleeping)."""
    with app.app_context():
        user_pk = db.session.execute(select(LineUser.id).where(LineUser.line_user_id == user_id)).scalar_one()
        attempts = db.session.execute(select(VerificationAttempt).where(
            VerificationAttempt.line_user_id == user_pk)).scalars()
        for attempt in attempts:  # in Python: date arithmetic in SQL differs between SQLite and PostgreSQL
            attempt.at -= timedelta(minutes=minutes)
        db.session.commit()


def test_five_failures_in_an_hour_lock_the_flow_until_the_hour_is_over(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    lefts = []
    for attempt in range(1, MAX_FAILURES):
        reply = _fail(db_app, fake_line, user, wrong=f"{attempt:04d}")
        lefts.append(reply[0]["text"])
    assert lefts == [phrase("status_refused", "th", left=n) for n in (4, 3, 2, 1)]
    first_failure = utcnow()
    last = _fail(db_app, fake_line, user, number="67/0099")  # the fifth: an unknown number counts the same
    with db_app.app_context():
        user_row = db.session.execute(select(LineUser).where(LineUser.line_user_id == user)).scalar_one()
        until = locked_until(db.session, user_row, utcnow())
        oldest = db.session.execute(select(VerificationAttempt.at).order_by(VerificationAttempt.at)).scalars().first()
    assert until == oldest + timedelta(hours=1) and until <= first_failure + timedelta(hours=1)
    clock = until.replace(tzinfo=UTC).astimezone(BANGKOK).strftime("%H:%M")
    unlock = format_unlock_time(until, "th")
    assert unlock.endswith(f"{clock} น.")
    assert last[0]["text"] == phrase("status_refused_locked", "th", until=unlock)
    # Locked: no new check, not even with the right answer; asked politely to come back at that time.
    for message in ("เช็คสถานะ", "67/0012"):
        reply = say(db_app, fake_line, user, message)
        assert reply[0]["text"] == phrase("status_locked", "th", until=unlock)
    assert tap(db_app, fake_line, user, "action=track_status")[0]["text"].startswith("ขออภัยค่ะ ตอนนี้ระบบพัก")
    assert linked_numbers(db_app, user) == []
    # An hour later the flow works again.
    _age_attempts(db_app, user, 61)
    assert say(db_app, fake_line, user, "67/0012")[0]["text"] == phrase("status_ask_answer", "th", number="67/0012")
    assert say(db_app, fake_line, user, ANSWER)[1]["type"] == "flex"
    assert linked_numbers(db_app, user) == ["67/0012"]


def test_lock_also_stops_an_answer_already_asked_for(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    say(db_app, fake_line, user, "67/0012")  # waiting for the answer ...
    with db_app.app_context():  # ... while five failures get recorded (e.g. from another device)
        row = db.session.execute(select(LineUser).where(LineUser.line_user_id == user)).scalar_one()
        db.session.add_all([VerificationAttempt(line_user_id=row.id, succeeded=False, at=utcnow())
                            for _ in range(MAX_FAILURES)])
        db.session.commit()
    reply = say(db_app, fake_line, user, ANSWER)  # even the right answer is not checked now
    assert reply[0]["text"].startswith("ขออภัยค่ะ ตอนนี้ระบบพัก")
    assert linked_numbers(db_app, user) == [] and len(_failures(db_app, user)) == MAX_FAILURES


def _failures(app, user_id):
    with app.app_context():
        return db.session.execute(select(VerificationAttempt.id).join(LineUser).where(
            LineUser.line_user_id == user_id, VerificationAttempt.succeeded.is_(False))).scalars().all()


def test_the_window_is_rolling_and_only_failures_count(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    for _ in range(3):
        _fail(db_app, fake_line, user)
    _age_attempts(db_app, user, 59)  # still inside the hour
    for _ in range(2):
        _fail(db_app, fake_line, user)
    with db_app.app_context():
        row = db.session.execute(select(LineUser).where(LineUser.line_user_id == user)).scalar_one()
        now = utcnow()
        assert locked_until(db.session, row, now) is not None
        assert locked_until(db.session, row, now + timedelta(minutes=2)) is None  # the three old ones aged out
        assert tries_left(db.session, row, now + timedelta(minutes=2)) == 3
        db.session.add_all([VerificationAttempt(line_user_id=row.id, succeeded=True, at=now) for _ in range(5)])
        db.session.commit()
        assert tries_left(db.session, row, now + timedelta(minutes=2)) == 3  # successes are not failures


def test_lock_is_per_line_user_and_linked_cards_stay_visible(db_app, fake_line):
    new_application(db_app)
    new_application(db_app, "67/0013", phone="089-999-0000")
    locked, other = new_user(), new_user()
    link_user(db_app, locked, "67/0013")
    for _ in range(MAX_FAILURES):
        _fail(db_app, fake_line, locked)
    # Already verified applications need no new verification.
    assert say(db_app, fake_line, locked, "เช็คสถานะ")[0]["altText"] == "สถานะคำขอ 67/0013: ยื่นคำขอแล้ว"
    assert tap(db_app, fake_line, locked, "action=status_other")[0]["text"].startswith("ขออภัยค่ะ ตอนนี้ระบบพัก")
    # Another LINE user is not affected.
    say(db_app, fake_line, other, "67/0012")
    assert say(db_app, fake_line, other, ANSWER)[1]["type"] == "flex"


def test_unlink_one_application_with_confirmation(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    link_user(db_app, user, "67/0012")
    ask = say(db_app, fake_line, user, "ยกเลิกการผูกบัญชี")
    assert ask[0]["text"] == phrase("status_unlink_confirm_one", "th", number="67/0012", product="น้ำพริกแกง")
    confirm, keep = quick_data(ask[0])
    assert tap(db_app, fake_line, user, keep)[0]["text"] == phrase("status_unlink_kept", "th")
    assert linked_numbers(db_app, user) == ["67/0012"]
    assert tap(db_app, fake_line, user, confirm)[0]["text"] == phrase("status_unlinked", "th", numbers="67/0012")
    assert linked_numbers(db_app, user) == []
    # No status without verifying again.
    assert say(db_app, fake_line, user, "คำขอ 67/0012 ถึงไหนแล้ว")[0]["text"] == phrase(
        "status_ask_answer", "th", number="67/0012")
    assert tap(db_app, fake_line, user, confirm)[0]["text"] == phrase("status_unlink_nothing", "th")


def test_unlink_when_several_choose_one_or_all(db_app, fake_line):
    for number in ("67/0012", "67/0013", "67/0014"):
        new_application(db_app, number)
    user, neighbour = new_user(), new_user()
    for number in ("67/0012", "67/0013", "67/0014"):
        link_user(db_app, user, number)
    link_user(db_app, neighbour, "67/0012")
    ask = tap(db_app, fake_line, user, "action=status_unlink_ask")
    data = quick_data(ask[0])
    assert data == ["action=status_unlink&n=67%2F0014", "action=status_unlink&n=67%2F0013",
                    "action=status_unlink&n=67%2F0012", "action=status_unlink&n=all", "action=status_unlink_keep"]
    assert all(len(i["action"]["label"]) <= 20 for i in ask[0]["quickReply"]["items"])
    assert "67/0013 น้ำพริกแกง" in ask[0]["text"]
    tap(db_app, fake_line, user, data[1])
    assert linked_numbers(db_app, user) == ["67/0012", "67/0014"]
    assert tap(db_app, fake_line, user, "action=status_unlink&n=all")[0]["text"] == phrase(
        "status_unlinked", "th", numbers="67/0014, 67/0012")
    assert linked_numbers(db_app, user) == [] and linked_numbers(db_app, neighbour) == ["67/0012"]


def test_unlink_touches_only_the_users_own_links(db_app, fake_line):
    new_application(db_app)
    owner, stranger = new_user(), new_user()
    link_user(db_app, owner, "67/0012")
    # A forged postback from someone else removes nothing.
    assert tap(db_app, fake_line, stranger, "action=status_unlink&n=67%2F0012")[0]["text"] == phrase(
        "status_unlink_nothing", "th")
    assert tap(db_app, fake_line, stranger, "action=status_unlink&n=%27%3B drop")[0]["text"] == phrase(
        "status_unlink_nothing", "th")
    assert say(db_app, fake_line, stranger, "ยกเลิกการผูกบัญชี")[0]["text"] == phrase("status_unlink_none", "th")
    assert linked_numbers(db_app, owner) == ["67/0012"]


_LAST4 = re.compile(r"(?<![0-9A-Za-z])5678(?![0-9A-Za-z])")
_PERSONAL = ("0812345678", PHONE, "081 234 5678", "3101234567891", NATIONAL_ID, "๕๖๗๘", "๐๘๑")


def test_nothing_personal_is_logged_during_the_flow(db_app, fake_line, caplog):
    caplog.set_level(logging.DEBUG)
    new_application(db_app)
    user = new_user()
    say(db_app, fake_line, user, "เช็คสถานะ")
    say(db_app, fake_line, user, f"เลขบัตร {NATIONAL_ID} ค่ะ")  # not a number: asked again
    say(db_app, fake_line, user, "67/0012")
    say(db_app, fake_line, user, "081 234 5679")  # wrong
    say(db_app, fake_line, user, "67/0012")
    say(db_app, fake_line, user, "๕๖๗๘")
    reply_wrong_then_right = say(db_app, fake_line, user, "เช็คสถานะ")
    assert reply_wrong_then_right[0]["type"] == "flex"
    say(db_app, fake_line, user, "67/0012")
    say(db_app, fake_line, user, PHONE)
    messages = [record.getMessage() for record in caplog.records]
    assert any("linked to application" in message for message in messages)  # the flow did log
    for message in messages:
        assert not _LAST4.search(message), message
        assert not any(value in message for value in _PERSONAL), message
        assert "5679" not in message


def test_the_card_shows_no_personal_data(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    link_user(db_app, user, "67/0012")
    text = card_text(say(db_app, fake_line, user, "เช็คสถานะ")[0])
    assert "5678" not in text and "081" not in text and "กลุ่มแม่บ้าน" not in text


def test_guessing_from_many_accounts_pauses_checks_for_everyone(db_app, fake_line):
    """Each account stays under its own limit, but together they pass the overall limit: every status
    check pauses until the oldest of those failures is older than the window; the right answer is refused too."""
    from bot.cases.verification import GLOBAL_WINDOW

    db_app.config["VERIFY_GLOBAL_MAX_FAILURES"] = 6
    new_application(db_app)
    guessers = [new_user() for _ in range(3)]
    for guesser in guessers:
        for wrong in ("1111", "2222"):
            _fail(db_app, fake_line, guesser, number="67/0012", wrong=wrong)
    honest = new_user()  # never failed once
    assert say(db_app, fake_line, honest, "67/0012")[0]["text"].startswith("ขออภัยค่ะ ตอนนี้ระบบพัก")
    assert linked_numbers(db_app, honest) == []
    with db_app.app_context():  # the window passes: checks work again
        for attempt in db.session.execute(select(VerificationAttempt)).scalars():
            attempt.at -= GLOBAL_WINDOW + timedelta(minutes=1)
        db.session.commit()
    say(db_app, fake_line, honest, "67/0012")
    assert say(db_app, fake_line, honest, ANSWER)[1]["type"] == "flex"
    assert linked_numbers(db_app, honest) == ["67/0012"]
