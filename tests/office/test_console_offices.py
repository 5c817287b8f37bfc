"""The console's "สำนักงาน" pages: an office's own officers correct its contact (CSRF, validation, who and when),
officers of another province are refused, admins edit any, and the bot shows the correction at once."""
from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from bot.db import db
from bot.models import Office, Officer
from tests.handlers.test_answers_flow import chat
from tests.handlers.test_office_contact import card_text
from tests.office.fixtures import csrf_from, login

CM = "/console/offices/" + quote("เชียงใหม่")
GOOD = {"name_th": "สำนักงานอุตสาหกรรมจังหวัดเชียงใหม่", "name_en": "Chiang Mai Provincial Industry Office",
        "province_en": "Chiang Mai", "address_th": "ศาลากลางจังหวัดเชียงใหม่ ชั้น 2", "address_en": "",
        "phone": "053-112233, 053-112234", "opening_hours": "", "website": "https://chiangmai.industry.go.th/",
        "latitude": "18.84", "longitude": "98.97", "source": ""}


def logged_in(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def save(client, path: str, **changes: str):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={**GOOD, **changes, "csrf_token": token})


def stored(app, province: str = "เชียงใหม่") -> Office | None:
    with app.app_context():
        row = db.session.scalar(select(Office).where(Office.province == province))
        if row is not None:
            db.session.expunge(row)
        return row


def test_own_officer_corrects_the_office_and_the_bot_shows_it(db_app, office, fake_line):
    client = logged_in(db_app, "somchai")
    assert client.get("/console/offices").headers["Location"].endswith(CM)  # straight to their own office
    page = client.get(CM)
    assert page.status_code == 200 and "สำนักงานอุตสาหกรรมจังหวัดเชียงใหม่" in page.get_data(as_text=True)
    response = save(client, CM)
    assert response.status_code == 302
    row = stored(db_app)
    assert (row.phone, row.address_th, row.latitude, row.longitude) == ("053-112233, 053-112234",
                                                                          "ศาลากลางจังหวัดเชียงใหม่ ชั้น 2", 18.84, 98.97)
    assert {"phone", "address_th", "latitude", "longitude", "website"} <= set(row.corrected)
    assert row.source is None  # the file's news page is not the source of the officer's facts: cleared
    with db_app.app_context():
        assert db.session.get(Officer, row.updated_by).username == "somchai" and row.updated_at is not None
    messages = chat(db_app, fake_line, "เบอร์ สอจ. เชียงใหม่")
    assert "053-112233, 053-112234" in card_text(messages) and messages[-1]["type"] == "location"


def test_another_provinces_officer_is_refused_and_nothing_changes(db_app, office):
    client = logged_in(db_app, "somsri")  # ลำพูน
    assert client.get(CM).status_code == 403
    token = csrf_from(client.get("/console/offices/" + quote("ลำพูน")).get_data(as_text=True))
    assert client.post(CM, data={**GOOD, "csrf_token": token}).status_code == 403
    assert stored(db_app) is None or stored(db_app).phone is None
    assert client.get("/console/offices/" + quote("ไม่มีจังหวัดนี้")).status_code == 404


def test_without_the_csrf_token_nothing_is_saved(db_app, office):
    client = logged_in(db_app, "somchai")
    assert client.post(CM, data=GOOD).status_code == 400
    assert stored(db_app) is None or stored(db_app).phone is None


def test_invalid_phone_url_and_coordinates_are_refused_with_reasons(db_app, office):
    client = logged_in(db_app, "somchai")
    for changes, reason in (({"phone": "โทรหาได้เลย"}, "เบอร์โทรใช้ได้เฉพาะตัวเลข"),
                            ({"website": "chiangmai dot go"}, "ที่อยู่เว็บ"),
                            ({"latitude": "98.97", "longitude": "18.84"}, "ละติจูดในประเทศไทย"),
                            ({"latitude": "18.84", "longitude": ""}, "ทั้งละติจูดและลองจิจูด"),
                            ({"name_th": ""}, "กรุณากรอกชื่อสำนักงาน")):
        response = save(client, CM, **changes)
        assert response.status_code == 422 and reason in response.get_data(as_text=True), changes
    assert stored(db_app) is None or stored(db_app).phone is None


def test_admin_sees_every_office_and_edits_any(db_app, office):
    client = logged_in(db_app, "admin")
    listing = client.get("/console/offices").get_data(as_text=True)
    assert listing.count("/console/offices/") == 76
    path = "/console/offices/" + quote("ตาก")
    assert save(client, path, name_th="สำนักงานอุตสาหกรรมจังหวัดตาก", name_en="Tak Provincial Industry Office",
                province_en="Tak", latitude="", longitude="").status_code == 302
    assert stored(db_app, "ตาก").phone == "053-112233, 053-112234"
