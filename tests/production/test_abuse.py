"""Abuse refused everywhere: every console and API route × role, CSRF on every state-changing console
request, security headers on every response, production cookie flags, and odd webhook bodies (hypothesis)
that never give a 500 nor store junk."""
from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app import create_app
from bot.db import db, utcnow
from bot.models import ApiToken, InboundEvent, Officer
from bot.simulator import events as ev
from tests.conftest import base_config, close_app
from tests.helpers import drain, post_webhook
from tests.office.fixtures import PASSWORD, csrf_from, login

OWN, OTHER = "67/0012", "67/0099"  # เชียงใหม่ (somchai's), ลำพูน (somsri's)
GET_PAGES = ["/console/", "/console/applications", "/console/applications/new", "/console/applications/import",
             "/console/applications/import/template.csv", "/console/applications/import/template.xlsx",
             "/console/unmatched", "/console/questions", "/console/certificates", "/console/certificates/import",
             "/console/certificates/template.xlsx", "/console/demand", "/console/demand.csv",
             "/console/demand?months=all"]
ADMIN_PAGES = ["/console/officers", "/console/officers/{somsri}/password"]  # officer accounts: admins only


def _deactivate(app, username: str) -> None:
    with app.app_context():
        db.session.execute(update(Officer).where(Officer.username == username).values(active=False))
        db.session.commit()


def _officer_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Officer.id).where(Officer.username == username))


def _revoke_tokens(app, username: str) -> None:
    with app.app_context():
        officer_id = db.session.scalar(select(Officer.id).where(Officer.username == username))
        db.session.execute(update(ApiToken).where(ApiToken.officer_id == officer_id).values(revoked_at=utcnow()))
        db.session.commit()


def _console_client(app, role: str):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, {"own": "somchai", "other": "somsri", "admin": "admin", "deactivated": "somchai"}[role],
                     PASSWORD).status_code == 302
    if role == "deactivated":
        _deactivate(app, "somchai")  # after the login: the open session must stop working at once
    return client


CONSOLE_EXPECTED = {  # role → (the pages, the own province's application, its office entry, the office list,
    #                         the admins' pages, an admin's action on an officer account)
    "anonymous": (302, 302, 302, "/console/login", 302, 302),
    "own": (200, 200, 200, "/console/offices/%E0%B9%80%E0%B8%8A%E0%B8%B5%E0%B8%A2%E0%B8%87%E0%B9%83%E0%B8%AB%E0%B8%A1%E0%B9%88",
            403, 403),
    "other": (200, 403, 403, "/console/offices/%E0%B8%A5%E0%B8%B3%E0%B8%9E%E0%B8%B9%E0%B8%99", 403, 403),  # own office
    "admin": (200, 200, 200, None, 200, 302),
    "deactivated": (302, 302, 302, "/console/login", 302, 302),
}
# role → (the privacy audit page, export of the own province's applicant data, its erasure with a wrong number)
PRIVACY_EXPECTED = {"anonymous": (302, 302, 302), "own": (403, 200, 303), "other": (403, 403, 403),
                    "admin": (200, 200, 303), "deactivated": (302, 302, 302)}


@pytest.mark.parametrize("role", sorted(CONSOLE_EXPECTED))
def test_console_routes_by_role(db_app, office, role):
    client = _console_client(db_app, role)
    pages, application, office_entry, offices_go_to, admin_pages, account_action = CONSOLE_EXPECTED[role]
    for path in GET_PAGES:
        response = client.get(path)
        assert response.status_code == pages, (role, path)
        if pages == 302:
            assert "/console/login" in response.headers["Location"]
    somsri = _officer_id(db_app, "somsri")
    for path in ADMIN_PAGES:
        assert client.get(path.format(somsri=somsri)).status_code == admin_pages, (role, path)
    token = csrf_from(client.get("/console/", follow_redirects=True).get_data(as_text=True))  # the form of any page
    revoked = client.post(f"/console/officers/{somsri}/revoke-tokens", data={"csrf_token": token})
    assert revoked.status_code == account_action, role
    assert client.get(f"/console/applications/{OWN}").status_code == application, role
    assert client.get("/console/offices/เชียงใหม่").status_code == office_entry, role
    listing = client.get("/console/offices")
    if offices_go_to is None:
        assert listing.status_code == 200
    else:
        assert listing.status_code == 302 and offices_go_to in listing.headers["Location"], listing.headers
    token = _token_for(client)
    audit_page, exported, erased = PRIVACY_EXPECTED[role]
    assert client.get("/console/privacy").status_code == audit_page, role
    assert client.post(f"/console/applications/{OWN}/personal-data/export",
                       data={"csrf_token": token, "export-format": "json"}).status_code == exported, role
    assert client.post(f"/console/applications/{OWN}/personal-data/erase",
                       data={"csrf_token": token, "erase-confirm": "no"}).status_code == erased, role


def _token_for(client) -> str:
    """A valid CSRF token of the client's session (the dashboard's, or the login page's when logged out)."""
    return csrf_from(client.get("/console/", follow_redirects=True).get_data(as_text=True))


API_EXPECTED = {  # role → (list, own application, change its stage, create one in its province)
    "none": (401, 401, 401, 401),
    "own": (200, 200, 200, 201),
    "other": (200, 403, 403, 403),  # another province: 403, as documented in bot/office/api
    "admin": (200, 200, 200, 201),
    "revoked": (401, 401, 401, 401),
    "deactivated": (401, 401, 401, 401),
}


@pytest.mark.parametrize("role", sorted(API_EXPECTED))
def test_api_routes_by_role(db_app, office, role):
    tokens = office["tokens"]
    token = {"own": tokens["somchai"], "other": tokens["somsri"], "admin": tokens["admin"],
             "revoked": tokens["somchai"], "deactivated": tokens["somchai"]}.get(role)
    if role == "revoked":
        _revoke_tokens(db_app, "somchai")
    if role == "deactivated":
        _deactivate(db_app, "somchai")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = db_app.test_client()
    listed = client.get("/api/v1/applications", headers=headers)
    one = client.get(f"/api/v1/applications/{OWN}", headers=headers)
    moved = client.patch(f"/api/v1/applications/{OWN}", headers=headers, json={"stage": "doc_check"})
    created = client.post("/api/v1/applications", headers=headers, json={
        "number": "67/0500", "applicant_name": "กลุ่มทดสอบ", "phone": "081-000-0000", "province": "เชียงใหม่",
        "product": "น้ำพริกแกง", "standard_number": 129, "submitted_on": "2026-11-20"})
    assert (listed.status_code, one.status_code, moved.status_code, created.status_code) == API_EXPECTED[role]
    if listed.status_code == 200:
        numbers = {a["number"] for a in listed.get_json()["items"]}
        assert (OWN in numbers) == (role != "other") and (OTHER in numbers) == (role in ("other", "admin"))


def _path_for(rule) -> str:
    values = {"number": OWN, "province": "เชียงใหม่", "query_id": 1, "question_id": 1, "filename": "x"}
    return rule.rule.replace("<path:number>", OWN).replace("<province>", values["province"]) \
        .replace("<int:query_id>", "1").replace("<int:question_id>", "1").replace("<int:officer_id>", "1") \
        .replace("<any(csv, xlsx):fmt>", "csv").replace("<kind>", "png").replace("<fmt>", "csv")


CERTIFICATE_EXPECTED = {  # role → (console page, its QR code, state change, API) of เชียงใหม่'s certificate
    "anonymous": (302, 302, 302, 401), "own": (200, 200, 302, 200), "other": (403, 403, 403, 404),
    "admin": (200, 200, 302, 200), "deactivated": (302, 302, 302, 401),
}


@pytest.mark.parametrize("role", sorted(CERTIFICATE_EXPECTED))
def test_certificate_routes_by_role(db_app, office, role):
    from tests.certificates.data import load_good

    load_good(db_app)
    client = _console_client(db_app, role)
    number = "ชม 0012/2567"
    page = client.get(f"/console/certificates/{number}")
    qr = client.get(f"/console/certificates/{number}/qr.png")
    token = csrf_from(client.get("/console/login").get_data(as_text=True)) if role in ("anonymous", "deactivated") \
        else csrf_from(client.get("/console/certificates/import").get_data(as_text=True))
    changed = client.post(f"/console/certificates/{number}/state",
                          data={"state": "suspended", "reason": "ตรวจพบฉลากไม่ตรง", "csrf_token": token})
    api_token = {"own": "somchai", "other": "somsri", "admin": "admin", "deactivated": "somchai"}.get(role)
    headers = {"Authorization": f"Bearer {office['tokens'][api_token]}"} if api_token else {}
    api = db_app.test_client().get(f"/api/v1/certificates/{number}", headers=headers)
    assert (page.status_code, qr.status_code, changed.status_code, api.status_code) == CERTIFICATE_EXPECTED[role]
    if role in ("own", "admin"):
        assert api.get_json()["state"] == "suspended"  # the API reads the change at once
        shown = client.get(f"/console/certificates/{number}").get_data(as_text=True)
        assert "พักใช้" in shown and "ตรวจพบฉลากไม่ตรง" in shown


def test_every_state_changing_console_request_needs_a_csrf_token(db_app, office):
    client = db_app.test_client()
    login(client, "admin")
    rules = [r for r in db_app.url_map.iter_rules()
             if r.rule.startswith("/console") and r.methods & {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(rules) >= 10  # every form of the console is here, not a hand-kept list
    for rule in rules:
        response = client.post(_path_for(rule), data={"stage": "doc_check", "alias": "x", "standard_number": "1"})
        assert response.status_code == 400, rule.rule
    _status, html = client.get("/console/").status_code, client.get("/console/").get_data(as_text=True)
    assert "admin" in html  # still logged in: the logout without a token did nothing
    assert client.post("/console/logout", data={"csrf_token": csrf_from(html)}).status_code == 302


@pytest.mark.parametrize("path", ["/healthz", "/callback", "/api/v1/applications", "/console/login", "/metrics",
                                  "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["X-Frame-Options"] == "DENY", path
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path


def test_production_session_cookie_is_secure_httponly_lax(sqlite_template, tmp_path, line_api_url):
    import shutil

    path = tmp_path / "prod.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app(base_config(f"sqlite:///{path}", line_api_url, TESTING=False))
    try:
        with app.app_context():
            from bot.office.officers import create_officer
            create_officer(db.session, "somchai", PASSWORD, "เชียงใหม่")
            db.session.commit()
        cookie = login(app.test_client(), "somchai").headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        close_app(app)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20)
event_like = st.fixed_dictionaries({"type": st.sampled_from(["message", "follow", "postback", "x", ""]),
                                    "webhookEventId": st.text(max_size=60) | st.integers(),
                                    "timestamp": st.integers(min_value=-10, max_value=2**66) | st.text(max_size=5),
                                    "mode": st.sampled_from(["active", "standby", "odd"]),
                                    "replyToken": st.text(max_size=300),
                                    "source": st.fixed_dictionaries({"type": st.sampled_from(["user", "group"]),
                                                                     "userId": st.text(max_size=80)}),
                                    "message": json_values},
                                   optional={"deliveryContext": json_values})
bodies = st.fixed_dictionaries({"destination": st.text(max_size=40),
                                "events": st.lists(event_like | json_values, max_size=4)}) | json_values


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(body=bodies, signed=st.booleans(),
       header=st.text(alphabet=string.ascii_letters + string.digits + string.punctuation + " ", max_size=60))
def test_odd_webhook_bodies_never_give_a_500_nor_store_junk(app, body, signed, header):
    raw = json.dumps(body, ensure_ascii=False).encode()
    response = post_webhook(app.test_client(), raw, signature=None if signed else header)
    assert response.status_code in (200, 400, 413), response.status_code
    if not signed:
        assert response.status_code == 400
    with app.app_context():
        for row in db.session.scalars(select(InboundEvent)):
            assert isinstance(row.webhook_event_id, str) and row.webhook_event_id
            assert row.event_timestamp >= 0 and isinstance(row.payload, dict)
        db.session.remove()
    drain(app)  # whatever was stored is handled without an error escaping


ODD = ("ทำน้ำพริก\u200bขาย\u200d ค่ะ \u202eแบบย้อนกลับ\u202c 🌶️🔥 مرحبا שלום Привет 中文 ゆ 한국어 "
       "\u0e47\u0e48\u0e49 \ufeff ค่ะ ")


def test_long_mixed_script_text_gets_a_normal_answer(db_app, fake_line):
    user = "U" + "9" * 32
    text = (ODD * 80)[:5000]
    assert post_webhook(db_app.test_client(), ev.body(ev.text_event(user, text, fake_line.issue_reply_token(user)))
                        ).status_code == 200
    drain(db_app)
    [delivery] = fake_line.messages_for(user)
    assert delivery.via == "reply" and delivery.messages
    assert "ขออภัยค่ะ ระบบขัดข้อง" not in json.dumps(delivery.messages, ensure_ascii=False)


def test_sql_looking_text_is_only_text(db_app, fake_line):
    user = "U" + "8" * 32
    for text in ("'; DROP TABLE line_user; --", "มผช. 1' OR '1'='1", "67/0012\" UNION SELECT * FROM officer --"):
        post_webhook(db_app.test_client(), ev.body(ev.text_event(user, text, fake_line.issue_reply_token(user))))
    drain(db_app)
    assert len(fake_line.messages_for(user)) == 3
    with db_app.app_context():
        assert db.session.scalar(select(InboundEvent.id).limit(1)) is not None  # the tables are all still there
        assert db.session.execute(select(Officer)).first() is None  # and nothing leaked into or out of them
