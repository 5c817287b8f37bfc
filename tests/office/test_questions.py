"""Questions for officers: the queue, provinces, answers pushed by LINE; counting knowledge gaps."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.cases.applications import NewApplication, create_application
from bot.db import db, utcnow
from bot.handlers.officer import day_off_note
from bot.knowledge.replies import phrase
from bot.models import ApplicationLink, LineUser, Officer, OfficerQuestion, UnmatchedQuery
from bot.office.questions import (
    QuestionError,
    accept_offer,
    answer_question,
    ask,
    close_question,
    latest_offer,
    offer,
    pending_questions,
)
from bot.office.unmatched import record_unmatched
from tests.helpers import drain, say

USER = "U" + "3" * 32
LINKED = "U" + "4" * 32


def _officer(username: str, province: str, admin: bool = False) -> Officer:
    officer = Officer(username=username, password_hash="x", province=province, is_admin=admin)
    db.session.add(officer)
    db.session.flush()
    return officer


def _user(line_id: str) -> LineUser:
    user = LineUser(line_user_id=line_id)
    db.session.add(user)
    db.session.flush()
    return user


def _linked_user(line_id: str, province: str) -> LineUser:
    application = create_application(db.session, NewApplication(
        number="67/0099", applicant_name="กลุ่มทอผ้าบ้านนา", phone="0812345678", province=province,
        product="ผ้าพันคอ", standard_number=247, submitted_on=date(2026, 11, 2)))
    user = _user(line_id)
    db.session.add(ApplicationLink(application_id=application.id, line_user_id=user.id))
    db.session.flush()
    return user


def test_queue_is_per_province_and_officers_answer_only_their_own(db_app):
    with db_app.app_context():
        anonymous = _user(USER)
        linked = _linked_user(LINKED, "จังหวัดเชียงใหม่")
        first, _ = ask(db.session, anonymous, "ขอเบอร์ สอจ. หน่อยค่ะ", "th")
        second, _ = ask(db.session, linked, "ผลตรวจออกเมื่อไหร่คะ", "th")
        db.session.commit()
        assert second.province == "เชียงใหม่" and first.province is None
        assert pending_questions(db.session) == [first, second]
        assert pending_questions(db.session, "เชียงใหม่") == [second]
        assert pending_questions(db.session, "ลำพูน") == []
        lamphun, chiang_mai = _officer("lp", "ลำพูน"), _officer("cm", "เชียงใหม่")
        with pytest.raises(QuestionError) as info:
            answer_question(db.session, second, lamphun, "ภายใน 30 วันค่ะ")
        assert info.value.code == "not_allowed"
        with pytest.raises(QuestionError):
            answer_question(db.session, first, chiang_mai, "โทร 053-000-000 ค่ะ")  # no province: admins only
        with pytest.raises(QuestionError) as info:
            answer_question(db.session, second, chiang_mai, "   ")
        assert info.value.code == "empty"


def test_the_province_the_user_gave_is_kept_unless_an_application_is_linked(db_app):
    with db_app.app_context():
        anonymous, linked = _user(USER), _linked_user(LINKED, "เชียงใหม่")
        named, _ = ask(db.session, anonymous, "ขอเบอร์ สอจ. หน่อยค่ะ", "th", province="จ.ขอนแก่น")
        bangkok, _ = ask(db.session, anonymous, "กรุงเทพยื่นที่ไหน", "th", province="กรุงเทพมหานคร")
        own, _ = ask(db.session, linked, "ผลตรวจออกเมื่อไหร่คะ", "th", province="ลำพูน")
        offered = offer(db.session, anonymous, "ขายในเซเว่นได้ไหม", "th")
        assert accept_offer(db.session, anonymous, offered.id, province="ตาก") is offered
        assert [named.province, bangkok.province, own.province, offered.province] == [
            "ขอนแก่น", None, "เชียงใหม่", "ตาก"]  # Bangkok has no สอจ.: the admins'


def test_answer_is_pushed_to_the_user_by_line_once(db_app, fake_line):
    with db_app.app_context():
        user = _linked_user(LINKED, "เชียงใหม่")
        question, _ = ask(db.session, user, "ผลตรวจออกเมื่อไหร่คะ", "th")
        officer = _officer("cm", "เชียงใหม่")
        answer_question(db.session, question, officer, "ผลตรวจจะออกภายในสัปดาห์หน้าค่ะ")
        db.session.commit()
        assert question.status == "answered" and question.answered_by == officer.id
        assert pending_questions(db.session) == []
        with pytest.raises(QuestionError) as info:
            answer_question(db.session, question, officer, "อีกครั้ง")
        assert info.value.code == "not_pending"
    drain(db_app)
    pushed = [d for d in fake_line.messages_for(LINKED)]
    assert len(pushed) == 1 and pushed[0].via == "push" and pushed[0].retry_key
    assert pushed[0].messages[0]["text"] == phrase(
        "officer_answer", "th", question="ผลตรวจออกเมื่อไหร่คะ", answer="ผลตรวจจะออกภายในสัปดาห์หน้าค่ะ")


def test_admin_closes_a_question_without_a_push(db_app, fake_line):
    with db_app.app_context():
        question, _ = ask(db.session, _user(USER), "สปอนเซอร์ครับ", "th")
        close_question(db.session, question, _officer("admin", "กรุงเทพมหานคร", admin=True))
        db.session.commit()
        assert question.status == "closed" and pending_questions(db.session) == []
    drain(db_app)
    assert fake_line.messages_for(USER) == []


def test_offers_are_one_per_user_private_and_expire_for_typed_requests(db_app):
    with db_app.app_context():
        user, other = _user(USER), _user(LINKED)
        old = offer(db.session, user, "คำถามแรก", "th")
        old_id = old.id
        new = offer(db.session, user, "คำถามที่สอง", "th")
        assert db.session.scalars(select(OfficerQuestion.status).order_by(OfficerQuestion.id)).all() == [
            "withdrawn", "offered"]
        assert accept_offer(db.session, user, old_id) is None
        assert accept_offer(db.session, other, new.id) is None
        assert latest_offer(db.session, user, utcnow() + timedelta(hours=1)) is None
        assert latest_offer(db.session, user) is new
        assert accept_offer(db.session, user, new.id) is new and new.status == "pending"
        assert pending_questions(db.session) == [new]


def test_unmatched_queries_are_counted_per_normalised_text(db_app, fake_line):
    with db_app.app_context():
        record_unmatched(db.session, "faq", "ราคาทอง  วันนี้")
        record_unmatched(db.session, "faq", "ราคาทอง วันนี้")
        record_unmatched(db.session, "officer", "ราคาทอง วันนี้")
        assert record_unmatched(db.session, "faq", "   ") is None
        db.session.commit()
        rows = db.session.scalars(select(UnmatchedQuery).order_by(UnmatchedQuery.kind)).all()
        assert [(r.kind, r.count, r.example) for r in rows] == [("faq", 2, "ราคาทอง วันนี้"),
                                                                 ("officer", 1, "ราคาทอง วันนี้")]
    # through the webhook: the same unanswered question twice counts twice
    say(db_app, fake_line, USER, "โรงงานเล็กๆ ของเราต้องมีห้องน้ำกี่ห้อง")
    say(db_app, fake_line, USER, "โรงงานเล็กๆ ของเราต้องมีห้องน้ำกี่ห้อง")
    with db_app.app_context():
        row = db.session.scalars(select(UnmatchedQuery).where(UnmatchedQuery.example == "โรงงานเล็กๆ ของเราต้องมีห้องน้ำกี่ห้อง")).one()
        assert row.count == 2


def test_day_off_note_names_the_next_working_day():
    assert day_off_note(date(2026, 12, 7), None, "th") == phrase("officer_sent_day_off", "th", day="8 ธันวาคม 2569")
    assert day_off_note(date(2026, 12, 5), None, "en") == phrase("officer_sent_day_off", "en", day="8 Dec 2026")
    assert day_off_note(date(2026, 12, 8), None, "th") == ""
