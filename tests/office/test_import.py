"""Importing applications: every bad row reported at once (line, column, reason in Thai) and nothing written,
or the valid rows only when the officer asks; XLSX as well as CSV; a current stage placing applications in
progress; the template with Thai headers (round trip)."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from bot.cases.applications import today_in_thailand
from bot.cases.thaidate import format_thai_date
from bot.db import db
from bot.models import Application, OutboundMessage
from bot.office.csv_import import IMPORT_NOTE, check_file, header_name
from bot.sheets import read_rows, template
from tests.office.fixtures import csrf_from, login

HEADER = ["เลขที่คำขอ", "ชื่อผู้ยื่นคำขอ", "โทรศัพท์", "จังหวัด", "ผลิตภัณฑ์", "เลข มผช.", "วันที่ยื่น",
          "ขั้นตอนปัจจุบัน", "วันที่เข้าขั้นตอน"]


def _day(days_ago: int) -> str:
    return (today_in_thailand() - timedelta(days=days_ago)).isoformat()


def _row(number: str, phone: str = "081-234-5678", province: str = "เชียงใหม่", standard: str = "129",
         submitted: str | None = None, stage: str = "", stage_on: str = "") -> list[str]:
    return [number, "กลุ่มแม่บ้านบ้านดอน", phone, province, "น้ำพริกแกง", standard, submitted or _day(20), stage,
            stage_on]


def _csv(*rows: list[str]) -> bytes:
    return template(HEADER, rows, "csv")


BAD = [
    _row("67/0401"),                                                    # line 2: fine
    _row("67/0402", phone="0812"),                                       # 3: phone
    _row("67/0401"),                                                    # 4: repeated in the file
    _row("67/0012"),                                                    # 5: already in the database
    _row("67/0405", standard="9999"),                                    # 6: unknown standard
    _row("67/0406", submitted="31/02/2569"),                             # 7: no such date
    _row("67/0407", province="แอตแลนติส"),                               # 8: unknown province
    _row("67/0408", province="ลำพูน"),                                   # 9: another province
    _row("67/0409", stage="กำลังทำอยู่", stage_on=_day(5)),             # 10: unknown stage
    _row("67/0410", stage="doc_check", stage_on=_day(30)),               # 11: before the submission
    _row("67/0411", stage="ตรวจสอบเอกสาร", stage_on=_day(-3)),          # 12: in the future
    _row("67/0412", stage="ตรวจสอบเอกสาร"),                              # 13: stage without its date
    _row("67/0413", stage="นัดหมายตรวจสถานที่ผลิต", stage_on=_day(3)),   # 14: fine, in progress
]


def _count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Application)).scalar_one()


def test_every_problem_of_the_file_is_found_at_once(db_app, office):
    with db_app.app_context():
        from bot.office.officers import officer_by_username
        plan = check_file(db.session(), officer_by_username(db.session(), "somchai"), _csv(*BAD), "a.csv")
    found = {(p.line, p.column) for p in plan.problems}
    assert found == {(3, "โทรศัพท์"), (4, "เลขที่คำขอ"), (5, "เลขที่คำขอ"), (6, "เลข มผช."), (7, "วันที่ยื่น"),
                     (8, "จังหวัด"), (9, "จังหวัด"), (10, "ขั้นตอนปัจจุบัน"), (11, "วันที่เข้าขั้นตอน"),
                     (12, "วันที่เข้าขั้นตอน"), (13, "วันที่เข้าขั้นตอน")}
    reasons = {p.line: p.reason for p in plan.problems}
    assert "ซ้ำกับบรรทัดที่ 2" in reasons[4] and "ในระบบแล้ว" in reasons[5] and "9999" in reasons[6]
    assert "จังหวัดของท่าน" in reasons[9] and "อนาคต" in reasons[12] and "ก่อนวันที่ยื่นคำขอ" in reasons[11]
    assert all(" / " not in r for r in reasons.values())  # Thai reasons for the officer
    assert [r.line for r in plan.rows] == [2, 14] and plan.rows[1].stage == "site_visit_scheduled"


def _upload(client, data: bytes, name: str = "applications.csv", **extra):
    html = client.get("/console/applications/import").get_data(as_text=True)
    return client.post("/console/applications/import", data={
        "csrf_token": csrf_from(html), "file": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data")


def test_a_bad_file_imports_nothing_then_the_valid_rows_only_on_request(db_app, office, fake_line):
    client = db_app.test_client()
    login(client, "somchai")
    response = _upload(client, _csv(*BAD))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and _count(db_app) == 2
    assert html.count("<td>บรรทัดที่ ") == 11 and "บรรทัดที่ 13" in html and "แถวที่ถูกต้องมี 2 แถว" in html
    held = html.split('name="held" value="', 1)[1].split('"', 1)[0]
    second = client.post("/console/applications/import", data={
        "csrf_token": csrf_from(html), "held": held, "filename": "applications.csv", "valid_only": "y"})
    assert second.status_code == 302
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "นำเข้าคำขอ 2 รายการแล้ว" in page and "ข้ามบรรทัดที่ 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13" in page
    with db_app.app_context():
        placed = db.session.execute(select(Application).where(Application.number == "67/0413")).scalar_one()
        assert placed.stage == "site_visit_scheduled" and placed.stage_entered_on.isoformat() == _day(3)
        assert [(e.from_stage, e.to_stage, e.note) for e in placed.events] == [
            (None, "submitted", ""), ("submitted", "site_visit_scheduled", IMPORT_NOTE)]
        assert placed.due_on is not None
        assert db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar_one() == 0  # no push
    detail = client.get("/console/applications/67/0413").get_data(as_text=True)
    assert IMPORT_NOTE in detail and format_thai_date(placed.stage_entered_on) in detail
    assert _upload(client, _csv(*BAD)).status_code == 422  # now 67/0401 is in the database too


def test_valid_only_checkbox_on_a_new_upload_and_a_file_with_no_valid_row(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    assert _upload(client, _csv(_row("67/0501"), _row("67/0502", phone="1")), valid_only="y").status_code == 302
    assert _count(db_app) == 3
    nothing = _upload(client, _csv(_row("67/0503", phone="1")), valid_only="y")
    assert nothing.status_code == 422 and "นำเข้าเฉพาะ" not in nothing.get_data(as_text=True)
    assert _count(db_app) == 3


def test_xlsx_is_read_and_the_templates_round_trip(db_app, office):
    client = db_app.test_client()
    login(client, "somsri")  # ลำพูน: the template's example is of their province
    page = client.get("/console/applications/import").get_data(as_text=True)
    assert 'id="template-xlsx"' in page and "ขั้นตอนปัจจุบัน" in page
    for fmt in ("csv", "xlsx"):
        download = client.get(f"/console/applications/import/template.{fmt}")
        assert download.status_code == 200 and f"template.{fmt}" in download.headers["Content-Disposition"]
        [(_, header), (_, example)] = list(read_rows(download.data, f"t.{fmt}"))
        assert header[:3] == [header_name("number"), header_name("applicant_name"), header_name("phone")]
        assert example[3] == "ลำพูน"
    xlsx = client.get("/console/applications/import/template.xlsx").data
    assert _upload(client, xlsx, "template.xlsx").status_code == 302  # the example row is valid as it is
    with db_app.app_context():
        example = db.session.execute(select(Application).where(Application.number == "69/0001")).scalar_one()
        assert example.province == "ลำพูน" and example.stage == "doc_check"
    made = template(HEADER, [_row("67/0601", province="ลำพูน", submitted="2/11/2569",
                                  stage="ตรวจสอบเอกสาร", stage_on=_day(1))], "xlsx")
    assert _upload(client, made, "งาน.xlsx").status_code == 302
    with db_app.app_context():
        row = db.session.execute(select(Application).where(Application.number == "67/0601")).scalar_one()
        assert row.submitted_on.isoformat() == "2026-11-02" and row.stage == "doc_check"


def test_files_that_cannot_be_used_say_why(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    for content, name, expected in ((b"", "a.csv", "ไฟล์ว่าง"), (b"number,phone\r\n67/1,0812345678\r\n",
                                     "a.csv", "ไม่พบคอลัมน์"), (b"PK\x03\x04junk", "a.xlsx", "เปิดไฟล์ Excel ไม่ได้"),
                                    (_csv(), "a.csv", "ไม่มีแถวข้อมูล")):
        response = _upload(client, content, name)
        assert response.status_code == 422 and expected in response.get_data(as_text=True), name
    assert _count(db_app) == 2


def test_admin_imports_any_province_and_excel_number_phones_keep_their_zero(db_app, office):
    client = db_app.test_client()
    login(client, "admin")
    rows = [_row("67/0801", province="ลำพูน"), _row("67/0802", province="น่าน")]
    rows[1][2] = 812345678  # a number cell in Excel: the leading 0 is gone
    assert _upload(client, template(HEADER, rows, "xlsx"), "a.xlsx").status_code == 302
    with db_app.app_context():
        found = db.session.execute(select(Application).where(Application.number.in_(["67/0801", "67/0802"]))
                                   ).scalars().all()
        assert sorted(a.province for a in found) == ["น่าน", "ลำพูน"]
        assert {a.applicant.phone_masked for a in found} == {"081-xxx-xxxx"}
