"""The "ติดต่อ สอจ." button on every reply that tells the user to ask their provincial office, and what it opens."""
from __future__ import annotations

from urllib.parse import parse_qsl

from bot.cases.verification import MAX_FAILURES
from bot.knowledge.replies import phrase
from tests.handlers.test_answers_flow import chat, press, quick
from tests.handlers.test_office_contact import card_text
from tests.handlers.test_status_flow import _attempts
from tests.helpers import say
from tests.status_helpers import link_user, new_application, new_user

LABEL = phrase("button_office_contact", "th")


def office_button(message: dict) -> dict[str, str]:
    """The office button's postback data as a dict (the test fails when the button is missing)."""
    found = [a for a in quick(message) if a["type"] == "postback" and a["label"] == LABEL]
    assert len(found) == 1, quick(message)
    data = dict(parse_qsl(found[0]["data"]))
    assert data["action"] == "office"
    return data


def test_next_steps_after_a_pick_carry_the_button_and_it_asks_for_the_province(app, fake_line):
    user = new_user()
    chat(app, fake_line, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ", user)
    steps = press(app, fake_line, "action=pick_standard&n=129", user)
    assert office_button(steps[-1]) == {"action": "office"}  # no linked application: no province yet
    assert press(app, fake_line, "action=office", user)[0]["text"] == phrase("office_ask_province", "th")
    assert card_text(chat(app, fake_line, "ตราด", user)).startswith("สำนักงานอุตสาหกรรมจังหวัดตราด")


def test_a_linked_producers_button_names_the_province_of_the_application(db_app, fake_line):
    new_application(db_app, province="อุตรดิตถ์")
    user = new_user()
    link_user(db_app, user, "67/0012")
    chat(db_app, fake_line, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ", user)
    data = office_button(press(db_app, fake_line, "action=pick_standard&n=129", user)[-1])
    assert data == {"action": "office", "p": "อุตรดิตถ์"}
    opened = press(db_app, fake_line, "action=office&p=อุตรดิตถ์", user)
    assert card_text(opened).startswith("สำนักงานอุตสาหกรรมจังหวัดอุตรดิตถ์")


def test_not_covered_and_none_fits_replies_carry_the_button(app, fake_line):
    user = new_user()
    not_covered = chat(app, fake_line, "ทำสบู่สมุนไพรขาย ต้องขอ มผช. อะไรคะ", user)
    assert "สอจ." in not_covered[-1]["text"]
    office_button(not_covered[-1])
    chat(app, fake_line, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ", user)
    none_fits = press(app, fake_line, "action=none_fits", user)
    office_button(none_fits[-1])


def test_refusal_and_lockout_replies_carry_the_button(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    for attempt in range(MAX_FAILURES):
        say(db_app, fake_line, user, "67/0012")
        reply = say(db_app, fake_line, user, f"{attempt:04d}")
        office_button(reply[-1])  # the refusals, then the reply that locks
    assert "ครบ 5 ครั้ง" in reply[-1]["text"]  # status_refused_locked
    locked = say(db_app, fake_line, user, "เช็คสถานะ")
    assert "ติดต่อสำนักงานอุตสาหกรรมจังหวัด" in locked[0]["text"]
    office_button(locked[-1])


def test_forgot_the_phone_number_explains_and_gives_the_contact(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    say(db_app, fake_line, user, "67/0012")
    forgot = say(db_app, fake_line, user, "ลืมเบอร์โทรที่ให้ไว้ค่ะ")
    assert forgot[0]["text"] == phrase("office_forgot_phone", "th")
    office_button(forgot[-1])
    english = say(db_app, fake_line, new_user(), "I forgot the phone number on my application")
    assert english[0]["text"] == phrase("office_forgot_phone", "en")
    say(db_app, fake_line, user, "1111")  # the status flow was left: this is no verification answer
    assert _attempts(db_app, user) == []
