"""Personal data in the chat, through the webhook and the fake LINE API: what is kept, deleting it after a
confirmation (and only then), the privacy notice on request and on the first follow."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.db import db, utcnow
from bot.documents.model import ApplicationDocument
from bot.knowledge.replies import phrase
from bot.line.gateway import validate_messages
from bot.models import (
    Application,
    ApplicationEvent,
    ApplicationLink,
    CategorySubscription,
    ConversationState,
    InboundEvent,
    LineUser,
    OfficerQuestion,
    OutboundMessage,
    VerificationAttempt,
)
from bot.office.demand.model import UnmatchedAsk
from bot.pipeline.outbox import enqueue_multicast, enqueue_push
from bot.privacy.model import PrivacyAudit
from bot.privacy.notice import full_notice, short_notice
from bot.simulator import events as ev
from tests.helpers import deliver, say, tap
from tests.status_helpers import (
    ANSWER,
    NATIONAL_ID,
    PHONE,
    link_user,
    linked_numbers,
    new_application,
    new_user,
    quick_data,
)


def _user(app, line_id: str) -> LineUser:
    with app.app_context():
        user = db.session.execute(select(LineUser).where(LineUser.line_user_id == line_id)).scalar_one()
        db.session.expunge(user)
        return user


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _verify(app, fake, user: str, number: str = "67/0012") -> None:
    say(app, fake, user, f"เช็คสถานะ {number}")
    linked = say(app, fake, user, ANSWER)
    assert linked[0]["text"] == phrase("status_linked", "th", number=number)


def _personal_things(app, fake, user: str) -> None:
    """A display name, a question to officers, a news category and a document."""
    with app.app_context():
        row = db.session.execute(select(LineUser).where(LineUser.line_user_id == user)).scalar_one()
        row.display_name = "สมหญิง ใจดี"
        application = db.session.execute(select(Application).where(Application.number == "67/0012")).scalar_one()
        db.session.add(OfficerQuestion(line_user_id=row.id, text="ขอเบอร์เจ้าหน้าที่", reason="request",
                                       status="pending", asked_at=utcnow()))
        db.session.add(ApplicationDocument(application_id=application.id, line_user_id=row.id, line_message_id="m1",
                                           kind="file", file_name="บัตรประชาชน.pdf", status="stored"))
        db.session.commit()
    say(app, fake, user, "รับข่าวหมวดอาหาร")


def _waiting_messages(app, user: str, other: str) -> None:
    """A push to ``user`` and a multicast to both, backing off after a LINE error (pending, not yet sent)."""
    with app.app_context():
        rows = [*enqueue_push(db.session, user, [{"type": "text", "text": "ข่าวใหม่"}], purpose="announcement"),
                *enqueue_multicast(db.session, [user, other], [{"type": "text", "text": "ข่าว"}], "announcement")]
        for row in rows:
            row.next_attempt_at = utcnow() + timedelta(hours=1)
        db.session.commit()


def test_what_is_kept_is_this_users_own_summary(db_app, fake_line):
    new_application(db_app, "67/0012")
    new_application(db_app, "67/0099", phone="089-999-1234")
    user, other = new_user(), new_user()
    _verify(db_app, fake_line, user)
    link_user(db_app, other, "67/0099")
    _personal_things(db_app, fake_line, user)
    reply = say(db_app, fake_line, user, "ระบบเก็บข้อมูลอะไรของฉันบ้าง")
    validate_messages(reply)
    [summary] = reply
    text = summary["text"]
    for expected in ("สมหญิง ใจดี", "ภาษาที่ใช้: ไทย", "67/0012", "คำถามถึงเจ้าหน้าที่: 1 เรื่อง (รอคำตอบ 1 เรื่อง)",
                     "อาหาร", "เอกสารที่ส่งทาง LINE: 1 ไฟล์", "25"):  # the first-contact date in the Buddhist era
        assert expected in text, text
    for secret in ("67/0099", "081-234-5678", "0812345678", ANSWER, NATIONAL_ID, "3101234567891", "089"):
        assert secret not in text
    assert quick_data(summary) == ["action=privacy_delete", "action=privacy_notice"]
    english = say(db_app, fake_line, other, "what data do you keep about me")[0]["text"]
    assert "67/0099" in english and "67/0012" not in english and "Language: English" in english
    assert "not stored" in english  # no display name of theirs is stored


def test_delete_after_confirmation_then_a_status_check_asks_to_verify_again(db_app, fake_line):
    new_application(db_app, "67/0012", stages=(("doc_check", 1),))
    user, other = new_user(), new_user()
    _verify(db_app, fake_line, user)
    _verify(db_app, fake_line, other)
    _personal_things(db_app, fake_line, user)
    say(db_app, fake_line, user, "เช็คสถานะ")  # an ordinary event, stored and answered
    say(db_app, fake_line, user, "ขายกระเป๋าผักตบชวาค่ะ")  # no standard of ours covers it: an ask on the demand map
    ask = say(db_app, fake_line, user, "ขอลบข้อมูลส่วนตัวค่ะ")
    validate_messages(ask)
    assert "67/0012" in ask[0]["text"] and "ยืนยัน" in ask[0]["text"]
    assert quick_data(ask[0]) == ["action=privacy_delete_confirm", "action=privacy_delete_cancel"]
    assert [a["label"] for a in (i["action"] for i in ask[0]["quickReply"]["items"])] == ["ยืนยันลบ", "ยกเลิก"]
    assert linked_numbers(db_app, user) == ["67/0012"]  # nothing deleted before the confirmation

    row = _user(db_app, user)
    assert _count(db_app, UnmatchedAsk, UnmatchedAsk.line_user_id == row.id) == 1
    _waiting_messages(db_app, user, other)
    done = tap(db_app, fake_line, user, "action=privacy_delete_confirm")
    validate_messages(done)
    assert done[0]["text"].startswith("ลบข้อมูลของคุณเรียบร้อยแล้วค่ะ")
    # two questions: the one sent, and the offer to send the unmatched product to an officer
    assert "เลิกผูกคำขอ 1 รายการ" in done[0]["text"] and "คำถามถึงเจ้าหน้าที่ 2 เรื่อง" in done[0]["text"]
    assert "หมวดข่าวที่รับ 1 หมวด" in done[0]["text"] and "ข้อความที่รอส่ง 2 ข้อความ" in done[0]["text"]

    row = _user(db_app, user)
    assert row.display_name is None and row.following is True and row.language == "th"
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApplicationLink)
                                 .where(ApplicationLink.line_user_id == row.id)) == 0
        for model in (OfficerQuestion, CategorySubscription, UnmatchedAsk):
            assert db.session.scalar(select(func.count()).select_from(model).where(model.line_user_id == row.id)) == 0
        assert db.session.scalar(select(func.count()).select_from(ConversationState)
                                 .where(ConversationState.user_id == row.id)) == 0
        assert db.session.scalar(select(func.count()).select_from(VerificationAttempt)
                                 .where(VerificationAttempt.line_user_id == row.id)) == 0  # its success went too
        assert db.session.scalar(select(func.count()).select_from(OutboundMessage).where(
            OutboundMessage.recipient == user, OutboundMessage.status == "pending")) == 0
        [multicast] = db.session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "multicast"))
        assert multicast.recipients == [other]
        sent = list(db.session.scalars(select(OutboundMessage).where(OutboundMessage.status == "sent")))
        assert not any(user in json.dumps(r.recipients) for r in sent[:-1])  # only the confirmation, just sent
        assert db.session.scalar(select(func.count()).select_from(UnmatchedAsk)) == 1  # the ask stays, untied
        document = db.session.scalar(select(ApplicationDocument))
        assert document.line_user_id is None and document.file_name is None  # the file stays with the office
        events = list(db.session.scalars(select(InboundEvent)))
        theirs = [e for e in events if user in json.dumps(e.payload)]
        assert theirs == [] and not any(e.source_user_id == user for e in events)
        assert any(e.source_user_id == other for e in events)  # the other user's events are untouched
        application = db.session.execute(select(Application).where(Application.number == "67/0012")).scalar_one()
        assert application.applicant.name == "กลุ่มแม่บ้านบ้านดอน"  # the record stays with the office
        assert db.session.scalar(select(func.count()).select_from(ApplicationEvent)
                                 .where(ApplicationEvent.application_id == application.id)) == 2
        [audit] = db.session.scalars(select(PrivacyAudit).where(PrivacyAudit.action == "user_erase"))
        assert audit.actor == "user" and audit.officer_id is None and audit.application_number is None
    assert linked_numbers(db_app, other) == ["67/0012"]  # the other follower keeps their link

    again = say(db_app, fake_line, user, "เช็คสถานะ 67/0012")
    assert [m["text"] for m in again] == [phrase("status_ask_answer", "th", number="67/0012")]
    assert "น้ำพริก" not in json.dumps(again, ensure_ascii=False)


def test_typed_yes_confirms_and_anything_else_cancels(db_app, fake_line):
    new_application(db_app, "67/0012")
    user = new_user()
    _verify(db_app, fake_line, user)
    say(db_app, fake_line, user, "ลบข้อมูลของฉัน")
    cancelled = say(db_app, fake_line, user, "เอ๊ะ เดี๋ยวก่อน")
    assert cancelled[0]["text"] == phrase("privacy_delete_cancelled", "th")
    assert linked_numbers(db_app, user) == ["67/0012"]
    say(db_app, fake_line, user, "ลบข้อมูลของฉัน")
    assert say(db_app, fake_line, user, "ยกเลิก")[0]["text"] == phrase("cancelled", "th")
    assert linked_numbers(db_app, user) == ["67/0012"]
    say(db_app, fake_line, user, "ลบข้อมุลของฉันด้วยค่ะ")  # a typo still asks
    done = say(db_app, fake_line, user, "ยืนยันค่ะ")
    assert done[0]["text"].startswith("ลบข้อมูลของคุณเรียบร้อยแล้วค่ะ")
    assert linked_numbers(db_app, user) == []

    english = new_user()
    _verify(db_app, fake_line, english)
    assert "within 5 minutes" in say(db_app, fake_line, english, "delete my data")[0]["text"]
    done = say(db_app, fake_line, english, "Yes")
    assert done[0]["text"].startswith("Your data has been deleted.")
    assert linked_numbers(db_app, english) == []


def test_a_confirm_button_without_a_waiting_request_deletes_nothing(db_app, fake_line):
    new_application(db_app, "67/0012")
    user = new_user()
    _verify(db_app, fake_line, user)
    stray = tap(db_app, fake_line, user, "action=privacy_delete_confirm")
    assert stray[0]["text"] == phrase("privacy_delete_expired", "th")
    say(db_app, fake_line, user, "ลบข้อมูลของฉัน")
    with db_app.app_context():
        db.session.execute(update(ConversationState).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    late = tap(db_app, fake_line, user, "action=privacy_delete_confirm")
    assert late[0]["text"] == phrase("privacy_delete_expired", "th")
    assert tap(db_app, fake_line, user, "action=privacy_delete_cancel")[0]["text"] == \
        phrase("privacy_delete_cancelled", "th")
    assert linked_numbers(db_app, user) == ["67/0012"]
    assert _count(db_app, PrivacyAudit) == _count(db_app, PrivacyAudit, PrivacyAudit.action == "retention_run")


def test_delete_alone_or_withdrawing_an_application_is_not_a_deletion_request(db_app, fake_line):
    new_application(db_app, "67/0012")
    user = new_user()
    _verify(db_app, fake_line, user)
    for text in ("ลบ", "ยกเลิกคำขอ", "ลบบัญชี"):
        reply = say(db_app, fake_line, user, text)
        assert "ยืนยันลบ" not in json.dumps(reply, ensure_ascii=False), text
        tap(db_app, fake_line, user, "action=status_unlink_keep")  # leave any unlink question unanswered
    assert linked_numbers(db_app, user) == ["67/0012"]


def test_deleting_never_lifts_the_status_check_lockout(db_app, fake_line):
    new_application(db_app, "67/0012")
    user = new_user()
    for _ in range(5):
        say(db_app, fake_line, user, "เช็คสถานะ 67/0012")
        say(db_app, fake_line, user, "0000")
    say(db_app, fake_line, user, "ลบข้อมูลของฉัน")
    say(db_app, fake_line, user, "ยืนยัน")
    locked = say(db_app, fake_line, user, "เช็คสถานะ 67/0012")
    assert locked[0]["text"].startswith("ขออภัยค่ะ ตอนนี้ระบบพักการตรวจสอบสถานะของบัญชีนี้ไว้ชั่วคราว"), locked
    row = _user(db_app, user)
    assert _count(db_app, VerificationAttempt, VerificationAttempt.line_user_id == row.id) == 5


def test_first_follow_shows_the_short_notice_and_a_refollow_does_not(db_app, fake_line):
    user = new_user()
    first = deliver(db_app, fake_line, user, ev.follow_event(user, fake_line.issue_reply_token(user)))
    validate_messages(first)
    assert [m["text"] for m in first] == [phrase("greeting", "th"), short_notice("th")]
    assert len(short_notice("th")) < 250  # a short paragraph, not the whole notice
    assert "action=privacy_notice" in quick_data(first[-1]) and "action=find_standard" in quick_data(first[-1])
    again = deliver(db_app, fake_line, user, ev.follow_event(user, fake_line.issue_reply_token(user), unblocked=True))
    assert len(again) == 1 and short_notice("th") not in again[0]["text"]
    assert again[0]["text"].startswith(phrase("welcome_back", "th"))
    assert "action=privacy_notice" in quick_data(again[0])
    full = tap(db_app, fake_line, user, "action=privacy_notice")
    validate_messages(full)
    assert full[0]["text"] == full_notice_in(db_app, "th")
    assert "730 วัน" in full[0]["text"] and "ลบข้อมูลของฉัน" in full[0]["text"]


def full_notice_in(app, lang: str) -> str:
    with app.app_context():
        return full_notice(lang)


def test_the_notice_on_request_in_thai_and_english(db_app, fake_line):
    user = new_user()
    thai = say(db_app, fake_line, user, "นโยบายความเป็นส่วนตัว")
    assert thai[0]["text"].startswith("🔒 นโยบายความเป็นส่วนตัว")
    assert quick_data(thai[0]) == ["action=privacy_data", "action=privacy_delete"]
    assert say(db_app, fake_line, user, "ข้อมูลส่วนบุคคล")[0]["text"] == thai[0]["text"]
    english = say(db_app, fake_line, user, "privacy policy")[0]["text"]
    assert english.startswith("🔒 Privacy notice") and "730 days" in english and "delete my data" in english
    db_app.config["PERSONAL_DATA_RETENTION_DAYS"] = 0
    kept = say(db_app, fake_line, user, "privacy policy")[0]["text"]
    assert "730" not in kept and "kept until you ask" in kept


def test_nothing_of_the_person_reaches_the_logs(db_app, fake_line, caplog):
    new_application(db_app, "67/0012")
    user = new_user()
    with caplog.at_level("DEBUG"):
        _verify(db_app, fake_line, user)
        say(db_app, fake_line, user, "ลบข้อมูลของฉัน")
        say(db_app, fake_line, user, "ยืนยัน")
    for secret in (PHONE, "0812345678", NATIONAL_ID, "กลุ่มแม่บ้านบ้านดอน", user):
        assert secret not in caplog.text
