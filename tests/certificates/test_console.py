"""Console pages of certificates: import (all problems at once, nothing written; template), issuing from
an application's stage form, the state change with a reason, QR downloads and a new link."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import segno

from bot.cases.applications import change_stage, find_application
from bot.certificates.model import Certificate
from bot.certificates.records import find_certificate
from bot.db import db
from tests.certificates.data import HEADER, good_csv
from tests.office.fixtures import csrf_from, login


def _upload(client, data: bytes, name: str):
    page = client.get("/console/certificates/import")
    return client.post("/console/certificates/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "file": (io.BytesIO(data), name)})


def test_import_reports_every_problem_and_writes_nothing_then_a_good_file(db_app, office):
    client = db_app.test_client()
    login(client, "admin")
    bad = (HEADER + "A1,zz,น้ำพริก,กลุ่มก,เชียงใหม่,2024-06-01,2027-01-01,\n"
           "A2,129,น้ำพริก,กลุ่มข,เชียงใหม่,วันไหน,2027-01-01,\n").encode()
    refused = _upload(client, bad, "bad.csv")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "บรรทัดที่ 2 คอลัมน์ มผช." in html and "บรรทัดที่ 3 คอลัมน์ วันที่ออก" in html
    with db_app.app_context():
        assert db.session.query(Certificate).count() == 0
    assert _upload(client, good_csv(), "good.csv").status_code == 302
    listing = client.get("/console/certificates").get_data(as_text=True)
    assert "ชม 0012/2567" in listing and "ลพ 0001/2566" in listing
    template = client.get("/console/certificates/template.xlsx")
    assert template.status_code == 200 and template.data.startswith(b"PK")


def test_a_provincial_officer_imports_only_their_province(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    refused = _upload(client, good_csv(), "good.csv")  # one row is ลำพูน's
    assert refused.status_code == 422 and "ลพ 0001/2566" in refused.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.query(Certificate).count() == 0
    assert "ลพ" not in client.get("/console/certificates").get_data(as_text=True)


def test_issuing_from_the_stage_form_then_qr_and_a_new_link(db_app, office):
    with db_app.app_context():
        application = find_application(db.session, "67/0012")
        for stage in ("doc_check", "site_visit_scheduled", "site_inspection", "lab_testing", "result_review",
                      "committee_review", "approved"):
            change_stage(db.session, application, stage)
        db.session.commit()
    client = db_app.test_client()
    login(client, "somchai")
    page = client.get("/console/applications/67/0012").get_data(as_text=True)
    assert "certificate-fields" in page
    moved = client.post("/console/applications/67/0012/stage", data={
        "csrf_token": csrf_from(page), "stage": "cert_issued", "note": "", "certificate_number": "ชม ๐๑๐๐/๒๕๖๙",
        "holder_name": "วิสาหกิจชุมชนบ้านดอน"})
    assert moved.status_code == 302
    detail = client.get("/console/certificates/ชม 0100/2569")
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "วิสาหกิจชุมชนบ้านดอน" in html and "ใช้ได้" in html
    with db_app.app_context():
        old_token = find_certificate(db.session(), "ชม 0100/2569").current_link.token
    png = client.get("/console/certificates/ชม 0100/2569/qr.png")
    svg = client.get("/console/certificates/ชม 0100/2569/qr.svg")
    url = f"http://localhost/verify/{old_token}"
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert ET.fromstring(svg.data).get("width") == "25.0mm"
    expected = io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="svg", scale=25.0 / segno.make(
        url, error="m", micro=False).symbol_size(border=4)[0], unit="mm", border=4, xmldecl=True, title="มผช. QR")
    assert svg.data == expected.getvalue()  # the payload is the verify URL
    renewed = client.post("/console/certificates/ชม 0100/2569/link", data={"csrf_token": csrf_from(html)})
    assert renewed.status_code == 302
    assert client.get(f"/verify/{old_token}").status_code == 410
    changed = client.post("/console/certificates/ชม 0100/2569/state", data={
        "csrf_token": csrf_from(html), "state": "revoked", "reason": ""})
    assert changed.status_code == 400 and "กรุณาระบุเหตุผล" in changed.get_data(as_text=True)
