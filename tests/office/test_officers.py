"""Officer accounts from the CLI, hashed secrets, province names, and the console's session rules."""
from __future__ import annotations

import hashlib
import time

from pythainlp.corpus import provinces as thai_provinces
from sqlalchemy import select

from bot.cases.provinces import normalize_province, provinces
from bot.config import load_config
from bot.db import db
from bot.models import ApiToken, Officer
from tests.office.fixtures import PASSWORD, login


def test_officers_create_and_create_token_from_the_cli(db_app):
    runner = db_app.test_cli_runner()
    prompted = runner.invoke(args=["officers", "create", "Malee", "--province", "จังหวัดน่าน"],
                             input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert "created officer malee: province น่าน" in prompted.output
    admin = runner.invoke(args=["officers", "create", "boss", "--province", "ลำพูน", "--admin",
                                "--password", PASSWORD])
    assert admin.exit_code == 0 and "admin" in admin.output
    for name, province, password, problem in (("malee", "น่าน", PASSWORD, "already exists"),
                                              ("kanda", "แอตแลนติส", PASSWORD, "unknown province"),
                                              ("kanda", "น่าน", "short", "at least 10"),
                                              ("x", "น่าน", PASSWORD, "username")):
        result = runner.invoke(args=["officers", "create", name, "--province", province, "--password", password])
        assert result.exit_code != 0 and problem in result.output, result.output
    mismatch = runner.invoke(args=["officers", "create", "kanda", "--province", "น่าน"],
                             input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert "do not match" in mismatch.output.lower()

    token_run = runner.invoke(args=["officers", "create-token", "MALEE"])
    assert token_run.exit_code == 0
    token = token_run.stdout.strip().splitlines()[0]
    assert token.startswith("tcps_") and len(token) > 40
    assert runner.invoke(args=["officers", "create-token", "nobody"]).exit_code != 0
    with db_app.app_context():
        officer = db.session.execute(select(Officer).where(Officer.username == "malee")).scalar_one()
        assert officer.password_hash.startswith(("scrypt:", "pbkdf2:")) and PASSWORD not in officer.password_hash
        [stored] = db.session.execute(select(ApiToken)).scalars().all()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    response = db_app.test_client().get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["total"] == 0


def test_province_list_is_the_76_offices():
    assert len(provinces()) == 76 == len(set(provinces()))
    assert set(provinces()) == set(thai_provinces()) - {"กรุงเทพมหานคร"}
    assert normalize_province(" จ. เชียงใหม่ ") == normalize_province("จังหวัดเชียงใหม่") == "เชียงใหม่"
    assert normalize_province("กรุงเทพมหานคร") is None and normalize_province("") is None


def test_session_cookie_is_secure_in_production(tmp_path):
    production = load_config(tmp_path, {"SECRET_KEY": "s", "LINE_CHANNEL_SECRET": "a",
                                        "LINE_CHANNEL_ACCESS_TOKEN": "b", "TESTING": False})
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True and production["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_console_pages_forbid_framing_and_caching(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    response = client.get("/console/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_session_ends_after_a_working_day_or_when_the_officer_is_deactivated(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    assert client.get("/console/").status_code == 200
    with client.session_transaction() as session:
        session["login_at"] = int(time.time()) - 9 * 3600
    assert client.get("/console/").status_code == 302
    login(client, "somchai")
    assert client.get("/console/").status_code == 200
    with db_app.app_context():
        db.session.execute(select(Officer).where(Officer.username == "somchai")).scalar_one().active = False
        db.session.commit()
    assert client.get("/console/").status_code == 302
    assert login(db_app.test_client(), "somchai").status_code == 401
    token = office["tokens"]["somchai"]
    assert db_app.test_client().get("/api/v1/applications",
                                    headers={"Authorization": f"Bearer {token}"}).status_code == 401
