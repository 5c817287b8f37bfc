"""One source of truth for standards: a standard imported a moment ago is known at once to the console,
the API, the status card and the chat (the number 9050 is fictitious, made up for these tests)."""
from __future__ import annotations

import json
from datetime import timedelta

from bot.cases.applications import today_in_thailand
from bot.db import db
from bot.knowledge.catalogue import current_editions, standard_label
from bot.models import Application
from tests.helpers import flex_texts, say
from tests.office.fixtures import csrf_from, login

IMPORT = "เลขที่มาตรฐาน,ชื่อผลิตภัณฑ์\nมผช. 9050/2568,ผ้าทอทดลองนำเข้า\n"


def _import(app, tmp_path) -> None:
    path = tmp_path / "tisi.csv"
    path.write_text(IMPORT, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["knowledge", "import-standards", str(path)])
    assert result.exit_code == 0, result.output


def test_an_imported_standard_is_known_everywhere_at_once(db_app, office, fake_line, tmp_path):
    with db_app.app_context():
        assert 9050 not in current_editions(db.session())
    _import(db_app, tmp_path)
    with db_app.app_context():
        assert standard_label(db.session(), 9050) == "มผช. 9050/2568 ผ้าทอทดลองนำเข้า"

    api = db_app.test_client()
    created = api.post("/api/v1/applications", headers={"Authorization": f"Bearer {office['tokens']['somchai']}"},
                       data=json.dumps({"number": "67/0300", "applicant_name": "กลุ่มทอผ้า", "phone": "0812345678",
                                        "province": "เชียงใหม่", "product": "ผ้าทอ", "standard_number": 9050,
                                        "submitted_on": today_in_thailand().isoformat()}),
                       content_type="application/json")
    assert created.status_code == 201, created.json

    console = db_app.test_client()
    login(console, "somchai")
    form_page = console.get("/console/applications/new").get_data(as_text=True)
    response = console.post("/console/applications/new", data={
        "number": "67/0301", "applicant_name": "กลุ่มทอผ้า", "phone": "0812345678", "province": "เชียงใหม่",
        "product": "ผ้าทอ", "standard_number": "มผช. 9050",
        "submitted_on": (today_in_thailand() - timedelta(days=1)).isoformat(), "csrf_token": csrf_from(form_page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    detail = console.get("/console/applications/67/0301").get_data(as_text=True)
    assert "ผ้าทอทดลองนำเข้า" in detail

    unmatched = console.get("/console/unmatched").get_data(as_text=True)
    alias = console.post("/console/unmatched/alias", data={"alias": "ผ้าทอลายทดลอง", "standard_number": "9050",
                                                           "csrf_token": csrf_from(unmatched)})
    assert alias.status_code in (302, 303), alias.get_data(as_text=True)


def test_the_status_card_names_an_imported_standard(db_app, office, fake_line, tmp_path):
    _import(db_app, tmp_path)
    token = office["tokens"]["somchai"]
    client = db_app.test_client()
    changed = client.patch("/api/v1/applications/67/0012", headers={"Authorization": f"Bearer {token}"},
                           data=json.dumps({"stage": "doc_check"}), content_type="application/json")
    assert changed.status_code == 200
    with db_app.app_context():
        application = db.session.query(Application).filter_by(number="67/0012").one()
        application.standard_number = 9050
        db.session.commit()
    card = say(db_app, fake_line, office["followers"]["เชียงใหม่"], "เช็คสถานะ")
    assert "มผช. 9050/2568 ผ้าทอทดลองนำเข้า" in flex_texts(card)
