"""The console page "คำถามถึงเจ้าหน้าที่": the officers' queue of LINE users' questions, scoped per province,
answered by LINE (one push to the asker) or closed (no push)."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import db, utcnow
from bot.knowledge.replies import phrase
from bot.models import LineUser, Officer, OfficerQuestion, OutboundMessage
from bot.office.officers import create_officer
from bot.office.questions import MAX_ANSWER_CHARS, answer_question, ask, offer
from tests.helpers import drain, say, send_to_officer
from tests.office.fixtures import PASSWORD, csrf_from, login
from tests.office.test_console import page
from tests.office.test_console_browser import live_console, wait_for

ANONYMOUS = "U" + "5" * 32  # has linked no application: the question has no province


def _ask(app, line_id: str, text: str, minutes_ago: int = 0, lang: str = "th") -> int:
    """Queue ``text`` from ``line_id`` as the LINE side does (bot.office.questions.ask); returns the question id."""
    with app.app_context():
        user = (db.session.scalars(select(LineUser).where(LineUser.line_user_id == line_id)).first()
                or LineUser(line_user_id=line_id))
        db.session.add(user)
        db.session.flush()
        question, _ = ask(db.session, user, text, lang, now=utcnow() - timedelta(minutes=minutes_ago))
        db.session.commit()
        return question.id


def _question(app, question_id: int) -> tuple[str, str | None]:
    with app.app_context():
        question = db.session.get(OfficerQuestion, question_id)
        return question.status, question.answer


def _outbound(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar_one()


def _pushes(fake, line_id: str) -> list:
    return [d for d in fake.messages_for(line_id) if d.via == "push"]


def _queue(html: str) -> str:
    return html.split('id="questions"')[1] if 'id="questions"' in html else ""


def test_question_from_line_is_answered_in_the_console_and_pushed_once(db_app, office, fake_line):
    follower = office["followers"]["เชียงใหม่"]
    say(db_app, fake_line, follower, "ขอคุยกับเจ้าหน้าที่ค่ะ")
    shown = say(db_app, fake_line, follower, "ผลตรวจของกลุ่มเราออกเมื่อไหร่คะ ติดต่อกลับ 081-234-5678 ได้ค่ะ")[0]
    send_to_officer(db_app, fake_line, follower, shown)  # confirmed: linked, so no province question
    with db_app.app_context():
        [question] = db.session.scalars(select(OfficerQuestion)).all()
        question_id, asked = question.id, question.text
        assert question.status == "pending" and question.province == "เชียงใหม่"  # from the linked application

    client = db_app.test_client()
    login(client, "somchai")
    status, dashboard = page(client, "/console/")
    assert 'href="/console/questions"' in dashboard  # in the navigation and on the dashboard
    assert "คำถามถึงเจ้าหน้าที่ที่รอคำตอบ\n  <b>1</b>" in dashboard
    status, html = page(client, "/console/questions")
    queue = _queue(html)
    assert status == 200 and asked in queue and "ปกปิด" in queue
    assert "5678" not in html and follower not in html and follower[:5] not in queue  # no phone, no LINE id
    assert "คำขอ 67/0012" in queue  # the asker's application, linked for the officer

    answer = "ผลตรวจจะออกภายในวันศุกร์นี้ค่ะ ถ้ามีข้อสงสัยโทร สอจ.เชียงใหม่ได้ในเวลาราชการค่ะ"
    response = client.post(f"/console/questions/{question_id}/answer",
                           data={"answer": answer, "csrf_token": csrf_from(html)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/questions")
    status, html = page(client, "/console/questions")
    assert "บันทึกคำตอบแล้ว ระบบกำลังส่งถึงผู้ถามทาง LINE" in html and asked not in _queue(html)
    assert "ไม่มีคำถามที่รอคำตอบ" in html
    assert _question(db_app, question_id) == ("answered", answer)

    drain(db_app)
    [push] = _pushes(fake_line, follower)
    assert push.retry_key and push.messages[0]["text"] == phrase("officer_answer", "th", question=asked,
                                                                 answer=answer)

    again = client.post(f"/console/questions/{question_id}/answer",
                        data={"answer": "ตอบซ้ำ", "csrf_token": csrf_from(html)})
    assert again.status_code == 409 and "ตอบหรือปิดไปแล้ว จึงไม่ได้ส่งซ้ำ" in again.get_data(as_text=True)
    assert client.post(f"/console/questions/{question_id}/close",
                       data={"csrf_token": csrf_from(html)}).status_code == 409
    drain(db_app)
    assert len(_pushes(fake_line, follower)) == 1 and _question(db_app, question_id) == ("answered", answer)


def test_each_officer_sees_their_province_and_the_admin_sees_all(db_app, office):
    anonymous = _ask(db_app, ANONYMOUS, "ขอเบอร์ติดต่อ สอจ. หน่อยค่ะ", minutes_ago=90)
    chiang_mai = _ask(db_app, office["followers"]["เชียงใหม่"], "ต้องส่งเอกสารเพิ่มไหมคะ", minutes_ago=30)
    lamphun = _ask(db_app, office["followers"]["ลำพูน"], "When will the inspector come?", minutes_ago=60, lang="en")
    older = _ask(db_app, office["followers"]["เชียงใหม่"], "ฉลากต้องมีเลข มผช. ไหมคะ", minutes_ago=120)

    def queue_of(username: str) -> tuple[str, str]:
        client = db_app.test_client()
        login(client, username)
        html = page(client, "/console/questions")[1]
        return html, _queue(html)

    html, queue = queue_of("somchai")
    assert [f'id="question-{q}"' in queue for q in (older, chiang_mai, lamphun, anonymous)] == [True, True, False,
                                                                                                False]
    assert queue.index(f"question-{older}") < queue.index(f"question-{chiang_mai}")  # oldest first
    assert "รอคำตอบ 2 ข้อ" in html and "เห็นได้เฉพาะผู้ดูแลระบบ" in html  # says who sees the others

    html, queue = queue_of("somsri")
    assert f'id="question-{lamphun}"' in queue and "question-" + str(chiang_mai) not in queue
    assert "ผู้ถามใช้ภาษาอังกฤษ" in queue and "คำขอ 67/0099" in queue and "67/0012" not in html

    html, queue = queue_of("admin")
    order = [queue.index(f'id="question-{q}"') for q in (older, anonymous, lamphun, chiang_mai)]
    assert order == sorted(order) and "รอคำตอบ 4 ข้อ" in html
    anonymous_card = queue.split(f'id="question-{anonymous}"')[1].split("</section>")[0]
    assert "ไม่มีจังหวัด · เห็นเฉพาะผู้ดูแลระบบ" in anonymous_card and "คำขอ" not in anonymous_card.split("<form")[0]
    client = db_app.test_client()
    login(client, "admin")
    assert "<b>4</b>" in page(client, "/console/")[1].split('id="pending-questions"')[1].split("</p>")[0]


def test_time_asked_is_thai_date_buddhist_era_bangkok_time(db_app, office):
    question_id = _ask(db_app, office["followers"]["เชียงใหม่"], "ตรวจสถานที่วันไหนคะ")
    with db_app.app_context():
        db.session.get(OfficerQuestion, question_id).asked_at = datetime(2026, 11, 24, 17, 5)  # UTC
        db.session.commit()
    client = db_app.test_client()
    login(client, "somchai")
    assert "ถามเมื่อ 25 พ.ย. 2569 00:05 น." in _queue(page(client, "/console/questions")[1])


def test_close_sends_nothing(db_app, office, fake_line):
    follower = office["followers"]["เชียงใหม่"]
    question_id = _ask(db_app, follower, "สนใจลงโฆษณาไหมครับ")
    client = db_app.test_client()
    login(client, "somchai")
    html = page(client, "/console/questions")[1]
    response = client.post(f"/console/questions/{question_id}/close", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    html = page(client, "/console/questions")[1]
    assert "ปิดคำถามแล้ว (ไม่ได้ส่งข้อความใดถึงผู้ถาม)" in html and "สนใจลงโฆษณา" not in html
    assert _question(db_app, question_id) == ("closed", None)
    drain(db_app)
    assert fake_line.messages_for(follower) == [] and _outbound(db_app) == 0


def test_forms_need_the_csrf_token(db_app, office, fake_line):
    question_id = _ask(db_app, office["followers"]["เชียงใหม่"], "ต้องต่ออายุเมื่อไหร่คะ")
    client = db_app.test_client()
    login(client, "somchai")
    answer = client.post(f"/console/questions/{question_id}/answer", data={"answer": "อีก 3 ปีค่ะ"})
    close = client.post(f"/console/questions/{question_id}/close", data={})
    forged = client.post(f"/console/questions/{question_id}/answer", data={"answer": "x", "csrf_token": "forged"})
    for response in (answer, close, forged):
        assert response.status_code == 400 and "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง" in response.get_data(as_text=True)
    html = page(client, "/console/questions")[1]
    assert html.count('name="csrf_token"') == 3  # logout, answer and close each carry one
    assert _question(db_app, question_id) == ("pending", None) and _outbound(db_app) == 0
    assert client.get("/console/questions").status_code == 200  # the session survived


def test_empty_or_too_long_answer_is_refused_and_nothing_is_sent(db_app, office, fake_line):
    question_id = _ask(db_app, office["followers"]["เชียงใหม่"], "ค่าธรรมเนียมเท่าไหร่คะ")
    client = db_app.test_client()
    login(client, "somchai")
    token = csrf_from(page(client, "/console/questions")[1])
    for empty in ("", "   \n  ", "\x00"):
        response = client.post(f"/console/questions/{question_id}/answer", data={"answer": empty, "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "กรุณาพิมพ์คำตอบก่อนกดส่ง" in html, repr(empty)
        assert "ค่าธรรมเนียมเท่าไหร่คะ" in html  # the queue is still shown
    long_answer = "ไม่มีค่าธรรมเนียมค่ะ " * (MAX_ANSWER_CHARS // 10)
    response = client.post(f"/console/questions/{question_id}/answer", data={"answer": long_answer,
                                                                             "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f"คำตอบยาวเกิน {MAX_ANSWER_CHARS:,} ตัวอักษร" in html
    assert long_answer.strip() in html  # what the officer typed is kept in the form, not lost
    assert _question(db_app, question_id) == ("pending", None) and _outbound(db_app) == 0


def test_another_province_cannot_answer_or_close_by_posting_the_id(db_app, office, fake_line):
    chiang_mai = _ask(db_app, office["followers"]["เชียงใหม่"], "ผลตรวจออกหรือยังคะ")
    anonymous = _ask(db_app, ANONYMOUS, "มผช. ต่างจาก อย. อย่างไรคะ")
    with db_app.app_context():
        user = db.session.scalars(select(LineUser).where(LineUser.line_user_id == ANONYMOUS)).one()
        offered = offer(db.session, user, "คำถามที่ผู้ใช้ยังไม่ได้ส่ง", "th").id
        db.session.commit()
    client = db_app.test_client()
    login(client, "somsri")  # ลำพูน
    token = lamphun_token = csrf_from(page(client, "/console/questions")[1])
    for question_id in (chiang_mai, anonymous):  # another province's, and one without a province (admins only)
        for action, data in (("answer", {"answer": "ตอบแทนค่ะ"}), ("close", {})):
            response = client.post(f"/console/questions/{question_id}/{action}", data=dict(data, csrf_token=token))
            assert response.status_code == 403 and "จังหวัดอื่น" in response.get_data(as_text=True)
    for question_id in (offered, 999999):  # an offer the user never sent, and no question at all
        assert client.post(f"/console/questions/{question_id}/answer",
                           data={"answer": "x", "csrf_token": token}).status_code == 404
    assert _question(db_app, chiang_mai) == _question(db_app, anonymous) == ("pending", None)
    drain(db_app)
    assert _outbound(db_app) == 0

    admin = db_app.test_client()  # the admin answers the question without a province
    login(admin, "admin")
    token = csrf_from(page(admin, "/console/questions")[1])
    assert admin.post(f"/console/questions/{anonymous}/answer",
                      data={"answer": "อย. ดูแลความปลอดภัยอาหาร มผช. รับรองคุณภาพค่ะ", "csrf_token": token}
                      ).status_code == 302
    # once answered, another province still gets 403 (not "already answered": nothing about it leaks)
    assert client.post(f"/console/questions/{anonymous}/close",
                       data={"csrf_token": lamphun_token}).status_code == 403
    drain(db_app)
    assert len(_pushes(fake_line, ANONYMOUS)) == 1


def test_two_officers_answering_at_once_send_one_answer(pg_app, fake_line):
    """PostgreSQL: the answer locks the question's row, so a colleague's answer committed first wins and the
    waiting request sees it answered (409) instead of sending a second push."""
    with pg_app.app_context():
        create_officer(db.session, "admin", PASSWORD, "เชียงใหม่", is_admin=True)
        db.session.commit()
    question_id = _ask(pg_app, ANONYMOUS, "ขอเอกสารแบบฟอร์มคำขอค่ะ")
    client = pg_app.test_client()
    login(client, "admin")
    token = csrf_from(page(client, "/console/questions")[1])
    result: dict[str, int] = {}

    def second_officer() -> None:
        result["status"] = client.post(f"/console/questions/{question_id}/answer",
                                       data={"answer": "คำตอบที่สอง", "csrf_token": token}).status_code

    with pg_app.app_context():
        first = db.session.get(OfficerQuestion, question_id, with_for_update=True)  # the colleague's transaction
        colleague = db.session.scalars(select(Officer)).one()
        thread = threading.Thread(target=second_officer)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive() and not result, "the second answer did not wait for the row lock"
        answer_question(db.session, first, colleague, "คำตอบแรก")
        db.session.commit()
    thread.join(timeout=30)
    assert result == {"status": 409} and _question(pg_app, question_id) == ("answered", "คำตอบแรก")
    drain(pg_app)
    assert [d.messages[0]["text"].count("คำตอบแรก") for d in _pushes(fake_line, ANONYMOUS)] == [1]


def test_pages_need_login(db_app, office):
    client = db_app.test_client()
    response = client.get("/console/questions")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


@pytest.mark.browser
def test_officer_answers_in_a_browser_and_the_push_arrives(db_app, office, fake_line, browser, tmp_path: Path):
    follower = office["followers"]["เชียงใหม่"]
    question_id = _ask(db_app, follower, "ต้องเตรียมตัวอย่างสินค้ากี่ชิ้นคะ")
    with live_console(db_app) as server:
        tab = browser.new_page(viewport={"width": 1366, "height": 800})
        tab.goto(server.url + "/console/login")
        tab.fill("input[name=username]", "somchai")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        tab.click("header nav >> text=คำถามถึงเจ้าหน้าที่")
        card = tab.locator(f"#question-{question_id}")
        assert "ต้องเตรียมตัวอย่างสินค้ากี่ชิ้นคะ" in card.inner_text()
        card.locator("button", has_text="ส่งคำตอบทาง LINE").click()  # empty: the browser itself refuses
        assert tab.url.endswith("/console/questions") and _question(db_app, question_id)[0] == "pending"
        card.locator("textarea").fill("เตรียม 3 ชิ้นค่ะ")
        card.locator("button", has_text="ส่งคำตอบทาง LINE").click()
        tab.get_by_text("บันทึกคำตอบแล้ว").wait_for()
        tab.screenshot(path=str(tmp_path / "console-questions.png"), full_page=True)
        assert wait_for(lambda: len(_pushes(fake_line, follower)) == 1), "the answer never reached LINE"
        assert "เตรียม 3 ชิ้นค่ะ" in _pushes(fake_line, follower)[0].messages[0]["text"]
    time.sleep(0.3)
    assert len(_pushes(fake_line, follower)) == 1  # exactly once
