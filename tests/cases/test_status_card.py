"""The status card: overdue, paused and finished states, Buddhist-era dates, LINE limits, stage-change pushes."""
from __future__ import annotations

import json
import re
from datetime import date

from bot.cases.applications import change_stage, find_application, stage_book, timeline_of
from bot.cases.status_card import COLOR, card_message
from bot.cases.thaidate import MONTHS_TH_SHORT, format_thai_date
from bot.db import db
from bot.knowledge.replies import phrase
from bot.line.gateway import validate_messages
from bot.models import Standard
from tests.helpers import drain, say
from tests.status_helpers import ANSWER, card_text, days_ago, link_user, new_application, new_user, quick_data

_THAI_DATE = re.compile(r"(\d{1,2}) (" + "|".join(re.escape(m) for m in MONTHS_TH_SHORT) + r") (\d{4})")


def _card_for(app, fake, number="67/0012"):
    user = new_user()
    link_user(app, user, number)
    reply = say(app, fake, user, "เช็คสถานะ")
    validate_messages(reply)
    return reply[0]


def _timeline(app, number="67/0012"):
    with app.app_context():
        application = find_application(db.session, number)
        return timeline_of(application)


def test_overdue_card(db_app, fake_line):
    new_application(db_app, submitted=days_ago(120), stages=(("doc_check", 1),))
    timeline = _timeline(db_app)
    assert timeline.overdue
    card = _card_for(db_app, fake_line)
    text = card_text(card)
    assert phrase("status_card_overdue", "th", days=timeline.overdue_days, office="สอจ.เชียงใหม่") in text
    assert phrase("status_card_days_value", "th", used=timeline.used_days, remaining=0, total=49) in text
    assert card["contents"]["header"]["backgroundColor"] == COLOR["overdue"]
    assert phrase("status_card_nothing_to_do", "th") in text
    assert phrase("status_card_paused", "th") not in text


def test_paused_card_says_what_to_do_and_shows_the_public_note(db_app, fake_line):
    new_application(db_app, submitted=days_ago(20), stages=(("doc_check", 1), ("docs_incomplete", 3)),
                    note="ขาดสำเนาทะเบียนบ้านของสมาชิกกลุ่ม", note_public=True)
    timeline = _timeline(db_app)
    assert timeline.paused and not timeline.overdue
    card = _card_for(db_app, fake_line)
    text = card_text(card)
    assert card["altText"] == "สถานะคำขอ 67/0012: รอแก้ไขหรือส่งเอกสารเพิ่มเติม"
    assert card["contents"]["header"]["backgroundColor"] == COLOR["paused"]
    assert phrase("status_card_paused", "th") in text
    assert stage_book()["docs_incomplete"].applicant_action_th in text
    assert phrase("status_card_days_paused", "th", paused=timeline.paused_days) in text
    assert "ขาดสำเนาทะเบียนบ้านของสมาชิกกลุ่ม" in text
    assert phrase("status_card_note", "th", date=format_thai_date(days_ago(17))) in text
    # The progress bar: step 1 done, step 2 (the main stage it waits in) current, the rest to do.
    bar = card["contents"]["body"]["contents"][0]["contents"]
    assert [b["backgroundColor"] for b in bar[:3]] == [COLOR["done"], COLOR["paused"], "#DDDDDD"]
    assert len(bar) == len(stage_book().main_path) == 9
    assert "↳ รอแก้ไขหรือส่งเอกสารเพิ่มเติม" in text


def test_private_notes_stay_private(db_app, fake_line):
    new_application(db_app, stages=(("doc_check", 1),), note="ผู้ยื่นโทรมาต่อว่า", note_public=False)
    assert "ต่อว่า" not in card_text(_card_for(db_app, fake_line))


def test_finished_card(db_app, fake_line):
    path = ("doc_check", "site_visit_scheduled", "site_inspection", "lab_testing", "result_review",
            "committee_review", "approved", "cert_issued")
    new_application(db_app, submitted=days_ago(90), stages=tuple((key, 2 + i * 8) for i, key in enumerate(path)))
    card = _card_for(db_app, fake_line)
    text = card_text(card)
    assert card["contents"]["header"]["backgroundColor"] == COLOR["done"]
    assert phrase("status_card_finished", "th") in text and phrase("status_card_expected", "th") not in text
    assert format_thai_date(days_ago(90 - 2 - 7 * 8)) in text
    assert stage_book()["cert_issued"].applicant_action_th in text
    assert [b["backgroundColor"] for b in card["contents"]["body"]["contents"][0]["contents"]] == [COLOR["done"]] * 9


def test_card_dates_are_buddhist_era(db_app, fake_line):
    new_application(db_app, submitted=date(2025, 11, 24))
    timeline = _timeline(db_app)
    text = card_text(_card_for(db_app, fake_line))
    assert "24 พ.ย. 2568" in text and format_thai_date(timeline.due_on) in text
    assert format_thai_date(timeline.today) in text  # "as of" in the footer
    dates = _THAI_DATE.findall(text)
    assert len(dates) >= 3 and all(2560 < int(year) < 2600 for _, _, year in dates)
    assert not re.search(r"\b20[2-3]\d\b", text)  # no Gregorian year anywhere


def test_standard_comes_from_the_standard_table_first(db_app, fake_line):
    new_application(db_app, "67/0012")
    new_application(db_app, "67/0013", standard_number=9999)
    with db_app.app_context():
        db.session.add(Standard(number=129, year=2566, code="มผช. 129/2566", name="น้ำพริกแกง ฉบับปรับปรุง"))
        db.session.commit()
    assert "มผช. 129/2566 น้ำพริกแกง ฉบับปรับปรุง" in card_text(_card_for(db_app, fake_line))
    assert "มผช. 9999" in card_text(_card_for(db_app, fake_line, "67/0013"))


def test_cards_stay_within_line_limits(db_app, fake_line):
    long_product = "ผ้าทอมือลายโบราณ" * 30
    numbers = [new_application(db_app, f"67/{n:04d}", product=long_product[:300], submitted=days_ago(40),
                               stages=(("doc_check", 1), ("docs_incomplete", 2)), note="ก" * 3000,
                               note_public=True) for n in range(1, 14)]
    user = new_user()
    for number in numbers:
        link_user(db_app, user, number)
    reply = say(db_app, fake_line, user, "เช็คสถานะ")
    validate_messages(reply)
    assert reply[0]["text"] == phrase("status_linked_list_more", "th", count=13, shown=12)
    carousel = reply[1]
    bubbles = carousel["contents"]["contents"]
    assert len(bubbles) == 12 and len(carousel["altText"]) <= 1500
    carousel_bytes = len(json.dumps(carousel["contents"]))  # Thai escaped as \uXXXX: the largest form
    single = card_message([_application(db_app, "67/0001")], "th")
    bubble_bytes = len(json.dumps(single["contents"]))
    print(f"worst-case carousel of 12: {carousel_bytes} bytes; full bubble: {bubble_bytes} bytes")
    assert carousel_bytes < 50_000 and bubble_bytes < 30_000
    assert all(len(i["action"]["label"]) <= 20 for i in reply[1]["quickReply"]["items"])


def _application(app, number):
    with app.app_context():
        application = find_application(db.session, number)
        _ = application.events, application.applicant  # load before the session closes
        return application


def test_stage_change_pushes_the_same_card(db_app, fake_line):
    new_application(db_app)
    thai, english = new_user(), new_user()
    say(db_app, fake_line, thai, "คำขอ 67/0012 ถึงไหนแล้วคะ")
    say(db_app, fake_line, thai, ANSWER)
    say(db_app, fake_line, english, "status of application 67/0012")
    say(db_app, fake_line, english, ANSWER)
    before = {user: len(fake_line.messages_for(user)) for user in (thai, english)}
    with db_app.app_context():
        application = find_application(db.session, "67/0012")
        change_stage(db.session, application, "doc_check", note="รับเอกสารครบถ้วนแล้ว", note_public=True)
        db.session.commit()
    drain(db_app)
    pushed = {user: fake_line.messages_for(user)[before[user]:] for user in (thai, english)}
    assert all(len(deliveries) == 1 and deliveries[0].via == "push" for deliveries in pushed.values())
    th_messages, en_messages = pushed[thai][0].messages, pushed[english][0].messages
    validate_messages(th_messages)
    validate_messages(en_messages)
    assert th_messages[0]["text"] == (
        phrase("status_push_changed", "th", number="67/0012", product="น้ำพริกแกง", before="ยื่นคำขอแล้ว",
               after="ตรวจสอบเอกสาร") + "\n" + phrase("status_push_note", "th", note="รับเอกสารครบถ้วนแล้ว"))
    assert th_messages[1]["altText"] == "สถานะคำขอ 67/0012: ตรวจสอบเอกสาร"
    assert "ขั้นตอนที่ 2 จาก 9" in card_text(th_messages[1])
    assert en_messages[0]["text"].startswith('🔔 Application 67/0012 (น้ำพริกแกง) moved from "Application received"')
    assert en_messages[1]["altText"] == "Application 67/0012: Checking documents"
    # The card pushed is the card shown in the chat.
    shown = say(db_app, fake_line, thai, "เช็คสถานะ")[0]
    assert card_text(shown) == card_text(th_messages[1])
    assert quick_data(shown) and "quickReply" not in th_messages[1]


def _push_after(app, fake, user, stage, note="", note_public=False):
    """Change the stage of 67/0012 and return the messages pushed to ``user``."""
    before = len(fake.messages_for(user))
    with app.app_context():
        change_stage(db.session, find_application(db.session, "67/0012"), stage, note=note, note_public=note_public)
        db.session.commit()
    drain(app)
    deliveries = fake.messages_for(user)[before:]
    assert len(deliveries) == 1 and deliveries[0].via == "push"
    validate_messages(deliveries[0].messages)
    return deliveries[0].messages


def test_a_stage_change_push_shows_only_the_note_written_for_that_change(db_app, fake_line):
    old = "ขาดสำเนาทะเบียนบ้านของสมาชิกกลุ่ม"
    new_application(db_app, stages=(("doc_check", 1), ("docs_incomplete", 2)), note=old, note_public=True)
    user = new_user()
    link_user(db_app, user, "67/0012")
    assert old in card_text(say(db_app, fake_line, user, "เช็คสถานะ")[0])  # the chat card shows the latest note
    # A change without a note: neither the line nor the card repeats the older note as if it were news.
    quiet = _push_after(db_app, fake_line, user, "doc_check")
    assert old not in quiet[0]["text"] and old not in card_text(quiet[1])
    assert phrase("status_card_note", "th", date="").split("(")[0].strip() not in card_text(quiet[1])
    # A private note is not shown either; a public one is shown, alone.
    private = _push_after(db_app, fake_line, user, "site_visit_scheduled", note="โทรคุยแล้ว", note_public=False)
    assert "โทรคุยแล้ว" not in json.dumps(private, ensure_ascii=False) and old not in card_text(private[1])
    fresh = "ส่งตัวอย่างถึงห้องปฏิบัติการแล้ว"
    noted = _push_after(db_app, fake_line, user, "site_inspection", note=fresh, note_public=True)
    assert fresh in noted[0]["text"] and fresh in card_text(noted[1])
    assert old not in json.dumps(noted, ensure_ascii=False)


def test_carousel_is_cut_before_it_gets_too_big(db_app, fake_line, monkeypatch):
    from bot.cases import status_card

    numbers = [new_application(db_app, f"67/{n:04d}") for n in range(1, 6)]
    user = new_user()
    for number in numbers:
        link_user(db_app, user, number)
    one = len(json.dumps(card_message([_application(db_app, "67/0001"), _application(db_app, "67/0002")])
                         ["contents"], separators=(",", ":")))
    monkeypatch.setattr(status_card, "MAX_CAROUSEL_BYTES", one + 100)  # room for two bubbles, not three
    reply = say(db_app, fake_line, user, "เช็คสถานะ")
    validate_messages(reply)
    assert len(reply[1]["contents"]["contents"]) == 2
    assert reply[0]["text"] == phrase("status_linked_list_more", "th", count=5, shown=2)
    assert reply[1]["altText"].startswith("สถานะคำขอ 2 รายการ: 67/0005")


def test_a_change_dated_tomorrow_still_shows(db_app, fake_line):
    new_application(db_app, submitted=days_ago(3), stages=(("doc_check", 4),))  # recorded for tomorrow
    card = _card_for(db_app, fake_line)
    assert card["altText"] == "สถานะคำขอ 67/0012: ตรวจสอบเอกสาร"
    assert format_thai_date(days_ago(-1)) in card_text(card)
