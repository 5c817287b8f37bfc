"""The JSON API: bearer tokens, province scope, every error status, pushes to linked LINE users."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.cases.applications import today_in_thailand
from bot.db import db
from bot.models import ApiToken, Application, OutboundMessage
from tests.helpers import drain
from tests.office.fixtures import pushed

NEW = {"number": "๖๗/๐๐๕๐", "applicant_name": "วิสาหกิจชุมชนบ้านโป่ง", "phone": "+66 81 234 5678",
       "province": "จังหวัดเชียงใหม่", "product": "ข้าวแต๋น", "standard_number": 129,
       "submitted_on": "2569-11-02"}


def call(client, method: str, path: str, token: str | None = None, body=None, raw: bytes | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return client.open(path, method=method, headers=headers, data=data, content_type="application/json")


def test_create_get_list_and_patch_push_to_followers(db_app, office, fake_line):
    client, token = db_app.test_client(), office["tokens"]["somchai"]
    created = call(client, "POST", "/api/v1/applications", token, NEW)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["number"] == "67/0050" and body["province"] == "เชียงใหม่" and body["stage"] == "submitted"
    assert body["stage_label"] == "ยื่นคำขอแล้ว" and body["due_on"] and body["history"][0]["to_stage"] == "submitted"
    assert body["phone"] == "081-xxx-xxxx" and "5678" not in created.get_data(as_text=True)

    shown = call(client, "GET", "/api/v1/applications/67/0012", token)
    assert shown.status_code == 200 and shown.json["linked_line_users"] == 1
    assert {s["stage"] for s in shown.json["next_stages"]} == {"doc_check", "withdrawn"}

    listed = call(client, "GET", "/api/v1/applications?stage=submitted", token)
    assert listed.status_code == 200
    assert sorted(item["number"] for item in listed.json["items"]) == ["67/0012", "67/0050"]  # not ลำพูน's

    patched = call(client, "PATCH", "/api/v1/applications/67/0012", token,
                   {"stage": "doc_check", "note": "รับเอกสารครบแล้ว", "note_public": True})
    assert patched.status_code == 200
    assert patched.json["stage"] == "doc_check" and patched.json["history"][-1]["officer"] == "somchai"
    assert patched.json["history"][-1]["note"] == "รับเอกสารครบแล้ว"
    drain(db_app)
    follower = office["followers"]["เชียงใหม่"]
    [push] = pushed(fake_line, follower)
    assert "67/0012" in push and "รับเอกสารครบแล้ว" in push
    assert pushed(fake_line, office["followers"]["ลำพูน"]) == []


def test_401_without_or_with_a_bad_or_revoked_token(db_app, office):
    client = db_app.test_client()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer " + "x" * 500}):
        response = client.get("/api/v1/applications", headers=headers)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with db_app.app_context():
        for row in db.session.execute(select(ApiToken)).scalars():
            assert len(row.token_hash) == 64 and row.token_hash not in office["tokens"].values()
            row.revoked_at = row.created_at
        db.session.commit()
    assert call(client, "GET", "/api/v1/applications", office["tokens"]["somchai"]).status_code == 401


def test_403_for_another_provinces_application_and_admin_sees_all(db_app, office):
    client = db_app.test_client()
    somsri, admin = office["tokens"]["somsri"], office["tokens"]["admin"]
    for method, body in (("GET", None), ("PATCH", {"stage": "doc_check"})):
        response = call(client, method, "/api/v1/applications/67/0012", somsri, body)
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    other = dict(NEW, number="67/0051")
    assert call(client, "POST", "/api/v1/applications", somsri, other).status_code == 403
    listed = call(client, "GET", "/api/v1/applications", somsri).json
    assert [item["number"] for item in listed["items"]] == ["67/0099"]
    everything = call(client, "GET", "/api/v1/applications", admin).json
    assert everything["total"] == 2
    assert call(client, "PATCH", "/api/v1/applications/67/0099", admin, {"stage": "doc_check"}).status_code == 200
    with db_app.app_context():
        assert db.session.execute(select(Application.stage).where(Application.number == "67/0012")).scalar() \
            == "submitted"


def _statements_to_list(app, token: str, limit: int) -> tuple[int, list[dict]]:
    """How many SQL statements ``GET /api/v1/applications?limit=N`` runs, and its items."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = call(app.test_client(), "GET", f"/api/v1/applications?limit={limit}", token)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.json["items"]


def test_a_page_of_applications_costs_the_same_queries_whatever_its_size(db_app, office, fake_line):
    """Followers, documents, history and its officers are read for the whole page, not per application."""
    client, token = db_app.test_client(), office["tokens"]["somchai"]
    for i in range(12):
        created = call(client, "POST", "/api/v1/applications", token, {**NEW, "number": f"67/{100 + i:04d}"})
        assert created.status_code == 201
        moved = call(client, "PATCH", f"/api/v1/applications/67/{100 + i:04d}", token, {"stage": "doc_check"})
        assert moved.status_code == 200
    few, small = _statements_to_list(db_app, token, 2)
    many, large = _statements_to_list(db_app, token, 13)
    assert (len(small), len(large)) == (2, 13)
    assert many == few, f"{few} statements for 2 applications, {many} for 13"
    followed = next(item for item in large if item["number"] == "67/0012")
    assert followed["linked_line_users"] == 1 and followed["documents"] == []
    assert all(item["history"][-1]["officer"] == "somchai" for item in large if item["number"] != "67/0012")


def test_400_404_409_422(db_app, office):
    client, token = db_app.test_client(), office["tokens"]["somchai"]
    for raw in (b"{not json", b"[1, 2]", b"\xff\xfe", b""):
        response = call(client, "POST", "/api/v1/applications", token, raw=raw)
        assert response.status_code == 400 and response.json["error"]["code"] == "malformed_json"
    assert call(client, "PATCH", "/api/v1/applications/67/0012", token, raw=b"nope").status_code == 400

    missing = call(client, "GET", "/api/v1/applications/67/0777", token)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert call(client, "GET", "/api/v1/nothing-here", token).json["error"]["code"] == "not_found"

    duplicate = call(client, "POST", "/api/v1/applications", token, dict(NEW, number="67/12"))
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "duplicate"
    jump = call(client, "PATCH", "/api/v1/applications/67/0012", token, {"stage": "cert_issued"})
    assert jump.status_code == 409 and jump.json["error"]["code"] == "not_allowed"

    future = (today_in_thailand() + timedelta(days=3)).isoformat()
    bad = call(client, "POST", "/api/v1/applications", token,
               {"number": "12345", "applicant_name": "", "phone": "12", "province": "แอตแลนติส",
                "product": ["x"], "standard_number": 99999, "submitted_on": future})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"number", "applicant_name", "phone", "province", "product",
                                                "standard_number", "submitted_on"}
    unknown_stage = call(client, "PATCH", "/api/v1/applications/67/0012", token, {"stage": "flying"})
    assert unknown_stage.status_code == 422 and unknown_stage.json["error"]["code"] == "unknown_stage"
    no_stage = call(client, "PATCH", "/api/v1/applications/67/0012", token, {"note": "x"})
    assert no_stage.status_code == 422 and "stage" in no_stage.json["error"]["fields"]
    assert call(client, "PATCH", "/api/v1/applications/67/0012", token,
                {"stage": "doc_check", "note_public": "yes"}).status_code == 422
    assert call(client, "GET", "/api/v1/applications?limit=many", token).status_code == 422
    with db_app.app_context():  # nothing of the refused requests was stored
        assert db.session.execute(select(Application.number).order_by(Application.number)).scalars().all() \
            == ["67/0012", "67/0099"]
        assert db.session.execute(select(OutboundMessage)).scalars().all() == []


def test_api_needs_no_csrf_but_console_posts_do(db_app, office):
    client = db_app.test_client()
    created = call(client, "POST", "/api/v1/applications", office["tokens"]["somchai"], dict(NEW, number="67/0060"))
    assert created.status_code == 201
    assert client.post("/console/login", data={"username": "somchai", "password": "x"}).status_code == 400


# ---- GET /api/v1/questions ------------------------------------------------------------------------------------
def _queue_questions(app, office) -> dict[str, int]:
    """Questions of the เชียงใหม่ follower (linked), an unlinked user who chose ลำพูน, one without a province,
    and an answered one; asked a minute apart, oldest first. Returns their ids by name."""
    from bot.db import utcnow
    from bot.models import LineUser, Officer
    from bot.office.questions import answer_question, ask

    with app.app_context():
        follower = db.session.scalars(select(LineUser).where(
            LineUser.line_user_id == office["followers"]["เชียงใหม่"])).one()
        stranger = LineUser(line_user_id="U" + "7" * 32)
        db.session.add(stranger)
        db.session.flush()
        start = utcnow() - timedelta(minutes=10)
        asked = {}
        for i, (name, user, text, province) in enumerate((
                ("answered", follower, "ตอบแล้วค่ะ", None),
                ("cm", follower, "ผลตรวจออกเมื่อไหร่คะ โทร 081-234-5678", "ลำพูน"),  # the link wins
                ("lp", stranger, "ต่ออายุใบรับรองที่ไหนคะ", "จังหวัดลำพูน"),
                ("central", stranger, "กรุงเทพยื่นที่ไหนคะ", "กรุงเทพมหานคร"))):
            question, _ = ask(db.session, user, text, "th", now=start + timedelta(minutes=i), province=province)
            asked[name] = question.id
        admin = db.session.scalars(select(Officer).where(Officer.username == "admin")).one()
        answer_question(db.session, db.session.get(type(question), asked["answered"]), admin, "ได้ค่ะ")
        db.session.commit()
    return asked


def test_questions_queue_is_the_officers_province_newest_first(db_app, office):
    asked = _queue_questions(db_app, office)
    client, tokens = db_app.test_client(), office["tokens"]
    mine = call(client, "GET", "/api/v1/questions?status=open", tokens["somchai"])
    assert mine.status_code == 200
    [item] = mine.json
    assert set(item) == {"id", "text", "province", "asked_at", "status"}
    assert (item["id"], item["province"], item["status"]) == (asked["cm"], "เชียงใหม่", "open")
    assert "[ปกปิด]" in item["text"] and "5678" not in mine.get_data(as_text=True)
    assert office["followers"]["เชียงใหม่"] not in mine.get_data(as_text=True)  # no LINE id
    assert datetime.fromisoformat(item["asked_at"]).utcoffset() == timedelta(0)  # ISO 8601 with its zone
    lamphun = call(client, "GET", "/api/v1/questions?status=open", tokens["somsri"]).json
    assert [(q["id"], q["province"]) for q in lamphun] == [(asked["lp"], "ลำพูน")]  # not เชียงใหม่'s, not central
    everything = call(client, "GET", "/api/v1/questions", tokens["admin"]).json  # status=open by default
    assert [q["id"] for q in everything] == [asked["central"], asked["lp"], asked["cm"]]  # newest first
    assert everything[0]["province"] is None  # Bangkok: no provincial office, the admins'


def test_questions_by_status_and_pages(db_app, office):
    asked = _queue_questions(db_app, office)
    client, admin = db_app.test_client(), office["tokens"]["admin"]
    answered = call(client, "GET", "/api/v1/questions?status=answered", admin).json
    assert [(q["id"], q["status"]) for q in answered] == [(asked["answered"], "answered")]
    assert call(client, "GET", "/api/v1/questions?status=closed", admin).json == []
    assert len(call(client, "GET", "/api/v1/questions?status=all", admin).json) == 4
    assert [q["id"] for q in call(client, "GET", "/api/v1/questions?status=all&limit=1&page=2", admin).json] \
        == [asked["lp"]]
    assert len(call(client, "GET", "/api/v1/questions?status=all&limit=99999", admin).json) == 4


def test_questions_401_and_400(db_app, office):
    client = db_app.test_client()
    for token in (None, "nope", office["tokens"]["somchai"] + "x"):
        response = call(client, "GET", "/api/v1/questions?status=open", token)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    for query in ("status=pending", "status=OPEN", "status=", "limit=many", "page=x"):
        response = call(client, "GET", f"/api/v1/questions?{query}", office["tokens"]["somchai"])
        assert response.status_code == 400, query
        assert response.json["error"]["code"] in ("unknown_status", "bad_page")
