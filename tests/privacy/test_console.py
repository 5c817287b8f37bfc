"""The console's personal-data actions: export (JSON, CSV) and erase on the application page, only for the
application's province (and admins), with a CSRF token, audit-logged; the audit page for admins only."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from bot.db import db
from bot.knowledge.replies import phrase
from bot.models import Application, ApplicationEvent, ApplicationLink
from bot.privacy.applicant import PLACEHOLDER
from bot.privacy.model import PrivacyAudit
from tests.helpers import say
from tests.office.fixtures import csrf_from, login

OWN, OTHER = "67/0012", "67/0099"
PERSONAL = ("กลุ่มแม่บ้านบ้านดอน", "081-234-5678", "0812345678", "U" + "1" * 32)


def _client(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _token(client, number: str = OWN) -> str:
    return csrf_from(client.get(f"/console/applications/{number}").get_data(as_text=True))


def _audit(app) -> list[PrivacyAudit]:
    with app.app_context():
        rows = list(db.session.scalars(select(PrivacyAudit).where(PrivacyAudit.action != "retention_run")
                                       .order_by(PrivacyAudit.id)))
        db.session.expunge_all()
        return rows


def _no_personal_data(row: PrivacyAudit) -> None:
    values = " ".join(str(getattr(row, c)) for c in ("actor", "officer_username", "action", "application_number",
                                                     "count"))
    assert not any(p in values for p in PERSONAL), values


def test_export_json_and_csv_for_the_own_province_are_audited(db_app, office):
    client = _client(db_app, "somchai")
    page = client.get(f"/console/applications/{OWN}").get_data(as_text=True)
    assert 'id="export-form"' in page and 'id="erase-form"' in page
    token = _token(client)
    response = client.post(f"/console/applications/{OWN}/personal-data/export",
                           data={"csrf_token": token, "export-format": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert 'attachment; filename="personal-data-67-0012.json"' == response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["application_number"] == OWN and data["applicant_name"] == "กลุ่มแม่บ้านบ้านดอน"
    assert data["phone"] == "081-xxx-xxxx" and "5678" not in json.dumps(data)
    assert [u["line_user"] for u in data["line_users"]] == ["U1111…1111"]
    response = client.post(f"/console/applications/{OWN}/personal-data/export",
                           data={"csrf_token": token, "export-format": "csv"})
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["application_number"] == OWN and rows[0]["applicant_name"] == "กลุ่มแม่บ้านบ้านดอน"
    audit = _audit(db_app)
    assert [(r.action, r.actor, r.officer_username, r.application_number) for r in audit] == [
        ("export_json", "officer", "somchai", OWN), ("export_csv", "officer", "somchai", OWN)]
    for row in audit:
        _no_personal_data(row)
        assert row.at is not None and row.officer_id is not None


def test_another_province_gets_403_and_nothing_is_done_or_logged(db_app, office):
    client = _client(db_app, "somsri")  # ลำพูน
    token = _token(client, OTHER)
    for action, data in (("export", {"export-format": "json"}), ("erase", {"erase-confirm": OWN})):
        response = client.post(f"/console/applications/{OWN}/personal-data/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 403, action
    assert client.post("/console/applications/99/9999/personal-data/export",
                       data={"csrf_token": token, "export-format": "json"}).status_code == 404
    assert _audit(db_app) == []
    with db_app.app_context():
        assert db.session.execute(select(Application).where(Application.number == OWN)).scalar_one() \
            .applicant.name == "กลุ่มแม่บ้านบ้านดอน"


def test_without_a_csrf_token_nothing_is_exported_or_erased(db_app, office):
    client = _client(db_app, "somchai")
    assert client.post(f"/console/applications/{OWN}/personal-data/export",
                       data={"export-format": "json"}).status_code == 400
    assert client.post(f"/console/applications/{OWN}/personal-data/erase",
                       data={"erase-confirm": OWN}).status_code == 400
    assert _audit(db_app) == []


def test_erase_needs_the_number_then_keeps_the_record_unlinked(db_app, office, fake_line):
    client = _client(db_app, "somchai")
    token = _token(client)
    wrong = client.post(f"/console/applications/{OWN}/personal-data/erase",
                        data={"csrf_token": token, "erase-confirm": "67/0013"}, follow_redirects=True)
    assert "ยังไม่ได้ลบ: กรุณาพิมพ์เลขที่คำขอ 67/0012 ให้ตรงเพื่อยืนยัน" in wrong.get_data(as_text=True)
    assert _audit(db_app) == []
    done = client.post(f"/console/applications/{OWN}/personal-data/erase",
                       data={"csrf_token": token, "erase-confirm": "๖๗/๐๐๑๒"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "ลบข้อมูลส่วนบุคคลของผู้ยื่นคำขอ 67/0012 แล้ว (ยกเลิกการผูก LINE 1 บัญชี)" in page
    assert 'id="personal-data-erased"' in page and 'id="erase-form"' not in page
    assert "กลุ่มแม่บ้านบ้านดอน" not in page and PLACEHOLDER in page
    with db_app.app_context():
        application = db.session.execute(select(Application).where(Application.number == OWN)).scalar_one()
        applicant = application.applicant
        assert applicant.name == PLACEHOLDER and applicant.national_id_hash is None
        assert "081" not in applicant.phone_masked and len(applicant.phone_hash) < 64
        assert db.session.scalars(select(ApplicationLink).where(ApplicationLink.application_id == application.id)) \
            .all() == []
        assert db.session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)) \
            .all() != []
        assert application.product == "น้ำพริกแกง"
    [audit] = _audit(db_app)
    assert (audit.action, audit.actor, audit.officer_username, audit.application_number) == \
        ("erase", "officer", "somchai", OWN)
    _no_personal_data(audit)
    # The former follower must verify again, and the old answer no longer matches anything.
    follower = office["followers"]["เชียงใหม่"]
    assert say(db_app, fake_line, follower, f"เช็คสถานะ {OWN}")[0]["text"] == \
        phrase("status_ask_answer", "th", number=OWN)
    assert "น้ำพริก" not in json.dumps(say(db_app, fake_line, follower, "5678"), ensure_ascii=False)


def test_the_audit_page_is_for_admins_only(db_app, office):
    officer = _client(db_app, "somchai")
    officer.post(f"/console/applications/{OWN}/personal-data/export",
                 data={"csrf_token": _token(officer), "export-format": "csv"})
    assert officer.get("/console/privacy").status_code == 403
    assert "บันทึกข้อมูลส่วนบุคคล" not in officer.get("/console/").get_data(as_text=True)
    admin = _client(db_app, "admin")
    page = admin.get("/console/privacy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="privacy-audit"' in html and "somchai" in html and "ส่งออกข้อมูล (CSV)" in html and OWN in html
    assert "บันทึกข้อมูลส่วนบุคคล" in admin.get("/console/").get_data(as_text=True)
    anonymous = db_app.test_client().get("/console/privacy")
    assert anonymous.status_code == 302 and "/console/login" in anonymous.headers["Location"]
