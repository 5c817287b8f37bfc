"""The API by role, certificates issued from applications, state changes, expiry the day after."""
from __future__ import annotations

from datetime import timedelta

from bot.cases.applications import today_in_thailand
from bot.certificates.model import Certificate
from bot.certificates.records import expire_due, find_certificate, state_on
from bot.db import db
from tests.certificates.data import load_good


def _get(app, token, number):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().get(f"/api/v1/certificates/{number}", headers=headers)


def test_api_answers_the_province_own_officer_and_admin_only(db_app, office):
    load_good(db_app)
    tokens = office["tokens"]
    own = _get(db_app, tokens["somchai"], "ชม 0012/2567")
    assert own.status_code == 200
    body = own.get_json()
    for key in ("number", "state", "standard_code", "product", "holder_name", "province", "issued_on", "expires_on",
                "verify_url"):
        assert key in body
    assert body["number"] == "ชม 0012/2567" and body["state"] == "valid" and body["standard_code"] == "มผช. 129/2565"
    assert body["verify_url"].startswith("http://localhost/verify/") and "applicant_name" not in body
    assert _get(db_app, tokens["admin"], "ชม 0012/2567").status_code == 200
    assert _get(db_app, tokens["somsri"], "ชม 0012/2567").status_code == 404  # another province: as unknown
    assert _get(db_app, tokens["somsri"], "ลพ 0001/2566").get_json()["state"] == "suspended"
    assert _get(db_app, tokens["somchai"], "ชม 9999/2567").status_code == 404
    assert _get(db_app, None, "ชม 0012/2567").status_code == 401


def test_expired_reads_expired_at_once_and_is_written_the_day_after(db_app):
    load_good(db_app)
    today = today_in_thailand()
    with db_app.app_context():
        certificate = find_certificate(db.session(), "ชม 0014/2567")  # expired three days ago, stored "valid"
        assert certificate.state == "valid" and state_on(certificate, today) == "expired"
        certificate.expires_on = today  # the last valid day
        db.session.commit()
        assert expire_due(db.session(), today) == 0 and state_on(certificate, today) == "valid"
        assert expire_due(db.session(), today + timedelta(days=1)) == 1
        db.session.commit()
        assert certificate.state == "expired" and certificate.events[-1].reason.startswith("หมดอายุ")
        assert expire_due(db.session(), today + timedelta(days=2)) == 0


def test_reaching_certificate_issued_creates_the_record(db_app, office):
    token = office["tokens"]["somchai"]
    client = db_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for stage in ("doc_check", "site_visit_scheduled", "site_inspection", "lab_testing", "result_review",
                  "committee_review", "approved"):
        assert client.patch("/api/v1/applications/67/0012", headers=headers, json={"stage": stage}).status_code == 200
    response = client.patch("/api/v1/applications/67/0012", headers=headers, json={
        "stage": "cert_issued", "certificate_number": "ชม ๐๐๗๗/๒๕๖๙", "holder_name": "วิสาหกิจชุมชนบ้านดอน"})
    assert response.status_code == 200, response.get_json()
    shown = _get(db_app, token, "ชม 0077/2569").get_json()
    assert shown["holder_name"] == "วิสาหกิจชุมชนบ้านดอน" and shown["issued_on"] == today_in_thailand().isoformat()
    assert shown["product"] == "น้ำพริกแกง" and shown["state"] == "valid"
    with db_app.app_context():
        assert db.session.query(Certificate).filter_by(number="ชม 0077/2569").one().application_id is not None
