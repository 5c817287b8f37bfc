"""Status checks through the webhook: linked users, asking the number, verification, linking, cancel, expiry."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db import db, utcnow
from bot.knowledge.replies import phrase
from bot.line.gateway import validate_messages
from bot.models import ConversationState, LineUser, VerificationAttempt
from tests.helpers import say, tap
from tests.status_helpers import ANSWER, card_text, link_user, linked_numbers, new_application, new_user, quick_data


def _state(app, user_id):
    with app.app_context():
        return db.session.execute(
            select(ConversationState.flow, ConversationState.step, ConversationState.data, ConversationState.expires_at)
            .join(LineUser, LineUser.id == ConversationState.user_id).where(LineUser.line_user_id == user_id)
        ).one_or_none()


def _attempts(app, user_id) -> list[bool]:
    with app.app_context():
        return list(db.session.execute(
            select(VerificationAttempt.succeeded).join(LineUser, LineUser.id == VerificationAttempt.line_user_id)
            .where(LineUser.line_user_id == user_id).order_by(VerificationAttempt.id)).scalars())


def test_linked_user_sees_the_card_without_verifying(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    link_user(db_app, user, "67/0012")
    for reply in (say(db_app, fake_line, user, "เช็คสถานะ"), tap(db_app, fake_line, user, "action=track_status"),
                  say(db_app, fake_line, user, "คำขอ 67/0012 ถึงไหนแล้วคะ")):
        assert len(reply) == 1, reply
        validate_messages(reply)
        card = reply[0]
        assert card["altText"] == "สถานะคำขอ 67/0012: ยื่นคำขอแล้ว"
        text = card_text(card)
        for expected in ("น้ำพริกแกง", "มผช. 129/2546 น้ำพริกแกง", "สอจ.เชียงใหม่", "ยื่นคำขอแล้ว"):
            assert expected in text
        assert quick_data(card) == ["action=status_other", "action=status_unlink_ask"]
    assert _attempts(db_app, user) == [] and _state(db_app, user) is None


def test_several_linked_applications_make_a_carousel(db_app, fake_line):
    new_application(db_app, "67/0012")
    new_application(db_app, "67/0013", product="ไข่เค็ม", standard_number=None, stages=(("doc_check", 1),))
    user = new_user()
    link_user(db_app, user, "67/0012")
    link_user(db_app, user, "67/0013")
    reply = say(db_app, fake_line, user, "ติดตามสถานะค่ะ")
    validate_messages(reply)
    assert reply[0]["text"] == phrase("status_linked_list", "th", count=2)
    carousel = reply[1]
    assert carousel["contents"]["type"] == "carousel" and len(carousel["contents"]["contents"]) == 2
    assert carousel["altText"] == "สถานะคำขอ 2 รายการ: 67/0013 ตรวจสอบเอกสาร · 67/0012 ยื่นคำขอแล้ว"
    assert "ไข่เค็ม" in card_text(carousel)
    details = [b["footer"]["contents"][0]["action"]["data"] for b in carousel["contents"]["contents"]]
    assert details == ["action=status_show&n=67%2F0013", "action=status_show&n=67%2F0012"]
    full = tap(db_app, fake_line, user, details[0])
    validate_messages(full)
    assert full[0]["altText"] == "สถานะคำขอ 67/0013: ตรวจสอบเอกสาร"
    assert "ยังไม่ระบุ" in card_text(full[0])  # no standard given for 67/0013
    # The details button of an application this user is not linked to asks for verification.
    stranger = new_user()
    assert tap(db_app, fake_line, stranger, details[0])[0]["text"] == phrase("status_ask_answer", "th",
                                                                              number="67/0013")


def test_number_inside_a_sentence_with_thai_digits_then_answer_links(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    ask = say(db_app, fake_line, user, "คำขอ ๖๗/๐๐๑๒ ถึงไหนแล้วคะ")
    assert [m["text"] for m in ask] == [phrase("status_ask_answer", "th", number="67/0012")]
    assert "น้ำพริก" not in ask[0]["text"] and "เชียงใหม่" not in ask[0]["text"]  # nothing before verification
    state = _state(db_app, user)
    assert (state.flow, state.step, state.data["number"]) == ("status", "answer", "67/0012")
    reply = say(db_app, fake_line, user, "๕๖๗๘ ค่ะ")
    validate_messages(reply)
    assert reply[0]["text"] == phrase("status_linked", "th", number="67/0012")
    assert reply[1]["altText"] == "สถานะคำขอ 67/0012: ยื่นคำขอแล้ว"
    assert linked_numbers(db_app, user) == ["67/0012"] and _attempts(db_app, user) == [True]
    assert _state(db_app, user) is None
    # From now on the card comes straight away.
    assert say(db_app, fake_line, user, "เช็คสถานะ")[0]["type"] == "flex"


@pytest.mark.parametrize("typed", ["เลขที่ 67-0012 ค่ะ", "๖๗ ๐๐๑๒", "2567/12", "คำขอเลขที่ 67 / 0012 นะคะ"])
def test_ask_number_then_answer_then_linked(db_app, fake_line, typed):
    new_application(db_app)
    user = new_user()
    first = say(db_app, fake_line, user, "เช็คสถานะ")
    assert first[0]["text"] == phrase("status_ask_number", "th")
    assert quick_data(first[0]) == ["ยกเลิก"]
    assert say(db_app, fake_line, user, typed)[0]["text"] == phrase("status_ask_answer", "th", number="67/0012")
    reply = say(db_app, fake_line, user, "เบอร์ลงท้าย 5678 ค่ะ")
    assert reply[1]["type"] == "flex" and linked_numbers(db_app, user) == ["67/0012"]


@pytest.mark.parametrize("typed", ["690012", "2569/12", "๖๙-๑๒", "69-0012", "25690012 ค่ะ"])
def test_a_number_typed_alone_in_an_office_form_starts_the_check(db_app, fake_line, typed):
    """No "เช็คสถานะ" first: the number alone, as the office printed it, is recognised and normalised."""
    new_application(db_app, "69/0012")
    user = new_user()
    assert say(db_app, fake_line, user, typed)[0]["text"] == phrase("status_ask_answer", "th", number="69/0012")
    reply = say(db_app, fake_line, user, ANSWER)
    assert reply[1]["type"] == "flex" and linked_numbers(db_app, user) == ["69/0012"]


def test_a_standard_code_or_a_phone_number_alone_is_not_an_application(db_app, fake_line):
    user = new_user()
    for typed in ("129/2555", "0812345678", "69012"):
        reply = say(db_app, fake_line, user, typed)
        assert phrase("status_ask_answer", "th", number="69/0012") not in str(reply)
        assert _state(db_app, user) is None or _state(db_app, user).flow != "status"


def test_menu_button_asks_for_the_number_and_text_without_a_number_is_asked_again(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    assert tap(db_app, fake_line, user, "action=track_status")[0]["text"] == phrase("status_ask_number", "th")
    for unclear in ("ไม่แน่ใจค่ะ", "081-234-5678", "24/11/2569"):
        assert say(db_app, fake_line, user, unclear)[0]["text"] == phrase("status_number_not_found", "th")
        assert _state(db_app, user).step == "number"
    say(db_app, fake_line, user, "67/0012")
    assert say(db_app, fake_line, user, "จำไม่ได้")[0]["text"] == phrase(
        "status_answer_not_understood", "th", number="67/0012")
    assert _attempts(db_app, user) == []  # a non-answer is not a failed attempt
    # A corrected number in the answer step asks the answer for the new number.
    assert say(db_app, fake_line, user, "ขอโทษค่ะ เลขที่ 67/0013")[0]["text"] == phrase(
        "status_ask_answer", "th", number="67/0013")


def test_a_question_about_something_else_leaves_the_flow(db_app, fake_line):
    user = new_user()
    say(db_app, fake_line, user, "เช็คสถานะ")
    reply = say(db_app, fake_line, user, "ขอบคุณค่ะ")
    assert reply[0]["text"] == phrase("thanks", "th") and _state(db_app, user) is None


def test_asking_for_the_status_again_in_the_middle_starts_over(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    link_user(db_app, user, "67/0012")
    assert tap(db_app, fake_line, user, "action=status_other")[0]["text"] == phrase("status_ask_number", "th")
    say(db_app, fake_line, user, "67/0099")
    reply = say(db_app, fake_line, user, "เช็คสถานะค่ะ")  # at the answer step: back to the linked card
    assert reply[0]["altText"] == "สถานะคำขอ 67/0012: ยื่นคำขอแล้ว" and _state(db_app, user) is None
    assert _attempts(db_app, user) == []


def test_wrong_answer_and_unknown_number_get_identical_replies(db_app, fake_line):
    unknown_user, wrong_user = new_user(), new_user()
    # 67/0012 does not exist yet for the first user ...
    asked_unknown = say(db_app, fake_line, unknown_user, "คำขอ 67/0012 ถึงไหนแล้ว")
    refused_unknown = say(db_app, fake_line, unknown_user, ANSWER)
    # ... and exists for the second, who gives a wrong answer.
    new_application(db_app)
    asked_wrong = say(db_app, fake_line, wrong_user, "คำขอ 67/0012 ถึงไหนแล้ว")
    refused_wrong = say(db_app, fake_line, wrong_user, "1234")
    assert asked_unknown == asked_wrong
    assert refused_unknown == refused_wrong
    assert refused_wrong[0]["text"] == phrase("status_refused", "th", left=4)
    assert _attempts(db_app, unknown_user) == _attempts(db_app, wrong_user) == [False]
    assert linked_numbers(db_app, wrong_user) == []
    # After a refusal the user is asked for the number again.
    assert _state(db_app, wrong_user).step == "number"
    assert say(db_app, fake_line, wrong_user, "67/0012")[0]["text"] == asked_wrong[0]["text"]


def test_cancel_at_the_number_step(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    say(db_app, fake_line, user, "เช็คสถานะ")
    assert say(db_app, fake_line, user, "ยกเลิก")[0]["text"] == phrase("cancelled", "th")
    assert _state(db_app, user) is None
    say(db_app, fake_line, user, "67/0012")  # a new status check starts from scratch
    assert _state(db_app, user).step == "answer"


def test_cancel_at_the_answer_step(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    say(db_app, fake_line, user, "67/0012")
    assert say(db_app, fake_line, user, "ยกเลิกค่ะ")[0]["text"] == phrase("cancelled", "th")
    reply = say(db_app, fake_line, user, ANSWER)
    assert all(m["type"] == "text" for m in reply)
    assert _attempts(db_app, user) == [] and linked_numbers(db_app, user) == []


def test_flow_expires_after_ten_minutes(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    before = utcnow()
    say(db_app, fake_line, user, "67/0012")
    expires = _state(db_app, user).expires_at
    assert before + timedelta(minutes=10) <= expires <= utcnow() + timedelta(minutes=10)
    with db_app.app_context():
        db.session.execute(update(ConversationState).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    reply = say(db_app, fake_line, user, ANSWER)
    assert all(m["type"] == "text" for m in reply)
    assert _attempts(db_app, user) == [] and linked_numbers(db_app, user) == [] and _state(db_app, user) is None


def test_english_user_gets_english_replies_and_card(db_app, fake_line):
    new_application(db_app)
    user = new_user()
    assert say(db_app, fake_line, user, "status of application 67/0012")[0]["text"] == phrase(
        "status_ask_answer", "en", number="67/0012")
    reply = say(db_app, fake_line, user, ANSWER)  # digits only: still English
    validate_messages(reply)
    assert reply[0]["text"] == phrase("status_linked", "en", number="67/0012")
    assert reply[1]["altText"] == "Application 67/0012: Application received"
    assert "Chiang Mai" not in card_text(reply[1]) and "Working days" in card_text(reply[1])
