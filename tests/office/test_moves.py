"""Several stages in one step (API and console): each stage in the history with its own date, checked in
order against the stage table, and ONE push to the linked producer, received by the fake LINE API."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.cases.applications import today_in_thailand
from bot.cases.thaidate import format_thai_date
from bot.db import db
from bot.models import Application, ApplicationEvent, OutboundMessage
from tests.helpers import drain
from tests.office.fixtures import csrf_from, login, pushed

OWN = "67/0012"


def _days_ago(days: int):
    return today_in_thailand() - timedelta(days=days)


def _patch(client, token: str, body: dict, number: str = OWN):
    return client.patch(f"/api/v1/applications/{number}", headers={"Authorization": f"Bearer {token}"}, json=body)


def _history(app, number: str = OWN) -> list[tuple[str | None, str, object, str]]:
    with app.app_context():
        application = db.session.execute(select(Application).where(Application.number == number)).scalar_one()
        return [(e.from_stage, e.to_stage, e.entered_on, e.note) for e in application.events]


def _outbox(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar_one()


def test_api_records_several_stages_each_with_its_date_and_pushes_once(db_app, office, fake_line):
    checked, booked = _days_ago(8), _days_ago(6)
    response = _patch(db_app.test_client(), office["tokens"]["somchai"], {"stages": [
        {"stage": "doc_check", "on": checked.isoformat(), "note": "รับเอกสารครบ"},
        {"stage": "site_visit_scheduled", "on": booked.isoformat(), "note": "นัดตรวจวันศุกร์", "note_public": True}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["stage"] == "site_visit_scheduled"
    assert [(h["to_stage"], h["entered_on"]) for h in body["history"][1:]] == [
        ("doc_check", checked.isoformat()), ("site_visit_scheduled", booked.isoformat())]
    assert _history(db_app)[1:] == [("submitted", "doc_check", checked, "รับเอกสารครบ"),
                                    ("doc_check", "site_visit_scheduled", booked, "นัดตรวจวันศุกร์")]
    drain(db_app)
    [push] = pushed(fake_line, office["followers"]["เชียงใหม่"])  # exactly one, not one per stage
    assert f"ตรวจสอบเอกสาร ({format_thai_date(checked)}) → นัดหมายตรวจสถานที่ผลิต ({format_thai_date(booked)})" in push
    assert "ขั้นตอนปัจจุบันมีกำหนดเสร็จภายในวันที่" in push and "นัดตรวจวันศุกร์" in push
    assert "รับเอกสารครบ" not in push  # a private note stays in the office
    assert fake_line.messages_for(office["followers"]["ลำพูน"]) == []


def test_api_refuses_moves_out_of_order_or_in_the_future_and_stores_nothing(db_app, office):
    client, token = db_app.test_client(), office["tokens"]["somchai"]
    cases = [
        ([{"stage": "doc_check", "on": (today_in_thailand() + timedelta(days=1)).isoformat()}], 422, "อนาคต"),
        ([{"stage": "doc_check", "on": _days_ago(3).isoformat()},
          {"stage": "site_visit_scheduled", "on": _days_ago(5).isoformat()}], 422, "ขั้นตอนที่ 2"),
        ([{"stage": "doc_check", "on": _days_ago(20).isoformat()}], 422, "ก่อนวันที่เข้าขั้นตอนก่อนหน้า"),
        ([{"stage": "doc_check", "on": _days_ago(3).isoformat()},
          {"stage": "cert_issued", "on": _days_ago(2).isoformat()}], 409, "cannot move"),
        ([{"stage": "no_such", "on": _days_ago(2).isoformat()}], 422, "unknown stage"),
    ]
    for stages, status, text in cases:
        response = _patch(client, token, {"stages": stages})
        assert response.status_code == status and text in response.get_json()["error"]["message"], stages
    malformed = _patch(client, token, {"stages": [{"stage": "doc_check", "on": "31/02/2569", "note": 5}, "x"]})
    assert malformed.status_code == 422
    assert set(malformed.get_json()["error"]["fields"]) == {"stages.1.on", "stages.1.note", "stages.2"}
    both = _patch(client, token, {"stage": "doc_check", "stages": [{"stage": "doc_check", "on": "2026-01-01"}]})
    assert both.status_code == 422 and "stages" in both.get_json()["error"]["fields"]
    assert _patch(client, token, {"stages": []}).status_code == 422
    assert [row[1] for row in _history(db_app)] == ["submitted"] and _outbox(db_app) == 0
    other = _patch(client, office["tokens"]["somsri"], {"stages": [{"stage": "doc_check",
                                                                     "on": _days_ago(1).isoformat()}]})
    assert other.status_code == 403


def test_the_single_stage_shape_still_works_with_its_one_push(db_app, office, fake_line):
    response = _patch(db_app.test_client(), office["tokens"]["somchai"], {"stage": "doc_check", "note": "x"})
    assert response.status_code == 200 and response.get_json()["stage"] == "doc_check"
    drain(db_app)
    [push] = pushed(fake_line, office["followers"]["เชียงใหม่"])
    assert 'เปลี่ยนจากขั้นตอน \\"ยื่นคำขอแล้ว\\" เป็น \\"ตรวจสอบเอกสาร\\"' in push


def _stages_form(client) -> str:
    html = client.get(f"/console/applications/{OWN}").get_data(as_text=True)
    assert 'id="stages-form"' in html
    return csrf_from(html)


def test_console_records_several_stages_in_one_step(db_app, office, fake_line):
    client = db_app.test_client()
    login(client, "somchai")
    checked, booked = _days_ago(4), _days_ago(2)
    response = client.post(f"/console/applications/{OWN}/stages", data={
        "csrf_token": _stages_form(client), "moves-0-stage": "doc_check", "moves-0-on": checked.isoformat(),
        "moves-1-stage": "site_visit_scheduled", "moves-1-on": booked.isoformat(), "moves-1-note": "นัดแล้ว"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "บันทึก 2 ขั้นตอนแล้ว" in html and "ผู้ติดตาม 1 คน" in html
    assert [(r[1], r[2]) for r in _history(db_app)[1:]] == [("doc_check", checked), ("site_visit_scheduled", booked)]
    drain(db_app)
    assert len(fake_line.messages_for(office["followers"]["เชียงใหม่"])) == 1


def test_console_shows_what_is_wrong_and_keeps_the_rows(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    response = client.post(f"/console/applications/{OWN}/stages", data={
        "csrf_token": _stages_form(client), "moves-0-stage": "doc_check", "moves-0-on": _days_ago(2).isoformat(),
        "moves-1-stage": "site_visit_scheduled", "moves-1-on": "2569-13-40", "moves-1-note": "โน้ตที่พิมพ์ไว้"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "ไม่มีวันที่นี้ในปฏิทิน" in html and "โน้ตที่พิมพ์ไว้" in html
    late = client.post(f"/console/applications/{OWN}/stages", data={
        "csrf_token": _stages_form(client), "moves-0-stage": "site_visit_scheduled",
        "moves-0-on": _days_ago(2).isoformat()})
    assert late.status_code == 409 and "ขั้นตอนที่ 1" in late.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(ApplicationEvent)).scalar_one() == 2  # 2 apps
    assert _outbox(db_app) == 0
