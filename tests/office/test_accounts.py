"""Account hygiene from the command line and the admins' console page: revoked tokens, reset passwords and
deactivated officers stop working at once, in the console and the API."""
from __future__ import annotations

import logging

from sqlalchemy import select

from bot.db import db
from bot.models import Officer
from tests.office.fixtures import PASSWORD, csrf_from, login

NEW_PASSWORD = "a brand new passphrase"


def _api(app, token: str) -> int:
    return app.test_client().get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"}).status_code


def _logged_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    assert client.get("/console/").status_code == 200
    return client


def _officer_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Officer.id).where(Officer.username == username))


def test_cli_revoke_token_stops_every_token_of_the_officer(db_app, office):
    runner = db_app.test_cli_runner()
    second = runner.invoke(args=["officers", "create-token", "somchai"]).stdout.strip().splitlines()[0]
    assert _api(db_app, second) == 200 and _api(db_app, office["tokens"]["somchai"]) == 200
    result = runner.invoke(args=["officers", "revoke-token", "SOMCHAI"])
    assert result.exit_code == 0 and "revoked 2 token(s) of somchai" in result.output
    assert _api(db_app, second) == 401 and _api(db_app, office["tokens"]["somchai"]) == 401
    assert _api(db_app, office["tokens"]["somsri"]) == 200  # only that officer's
    assert "revoked 0" in runner.invoke(args=["officers", "revoke-token", "somchai"]).output
    assert runner.invoke(args=["officers", "revoke-token", "nobody"]).exit_code != 0


def test_cli_reset_password_prompts_and_ends_open_sessions(db_app, office, caplog):
    open_session = _logged_in(db_app, "somchai")
    runner = db_app.test_cli_runner()
    short = runner.invoke(args=["officers", "reset-password", "somchai", "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output
    assert open_session.get("/console/").status_code == 200  # a refused reset changes nothing
    with caplog.at_level(logging.INFO, logger="bot.office.accounts"):
        result = runner.invoke(args=["officers", "reset-password", "somchai"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert any(f"reset_password: officer {_officer_id(db_app, 'somchai')} by cli" in r.getMessage()
               for r in caplog.records)
    assert "somchai" not in caplog.text  # ids in the log, no names
    assert open_session.get("/console/").status_code == 302  # the old session ended at once
    assert login(db_app.test_client(), "somchai", PASSWORD).status_code == 401
    _logged_in(db_app, "somchai", NEW_PASSWORD)
    scripted = runner.invoke(args=["officers", "reset-password", "somchai", "--password", PASSWORD])
    assert scripted.exit_code == 0 and login(db_app.test_client(), "somchai").status_code == 302
    assert _api(db_app, office["tokens"]["somchai"]) == 200  # tokens are revoked separately


def test_cli_deactivate_stops_session_and_tokens_at_once_and_activate_restores_login(db_app, office):
    open_session = _logged_in(db_app, "somchai")
    runner = db_app.test_cli_runner()
    result = runner.invoke(args=["officers", "deactivate", "somchai"])
    assert result.exit_code == 0 and "deactivated" in result.output
    assert open_session.get("/console/applications").status_code == 302
    assert _api(db_app, office["tokens"]["somchai"]) == 401
    assert login(db_app.test_client(), "somchai").status_code == 401
    assert runner.invoke(args=["officers", "activate", "somchai"]).exit_code == 0
    _logged_in(db_app, "somchai")
    assert _api(db_app, office["tokens"]["somchai"]) == 200
    last_admin = runner.invoke(args=["officers", "deactivate", "admin"])
    assert last_admin.exit_code != 0 and "last active admin" in last_admin.output


def test_officers_page_is_for_admins_only(db_app, office):
    assert _logged_in(db_app, "somchai").get("/console/officers").status_code == 403
    html = _logged_in(db_app, "admin").get("/console/officers").get_data(as_text=True)
    assert all(name in html for name in ("somchai", "somsri", "admin")) and "สอจ.ลำพูน" in html
    somchai = _officer_id(db_app, "somchai")
    assert f'action="/console/officers/{somchai}/deactivate"' in html
    assert f'action="/console/officers/{_officer_id(db_app, "admin")}/deactivate"' not in html  # not oneself


def _post(client, path: str, **data):
    html = client.get("/console/officers").get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(html), **data})


def test_admin_deactivates_revokes_and_reactivates_from_the_console(db_app, office):
    admin, victim = _logged_in(db_app, "admin"), _logged_in(db_app, "somchai")
    somchai = _officer_id(db_app, "somchai")
    assert _post(admin, f"/console/officers/{somchai}/deactivate").status_code == 302
    assert victim.get("/console/").status_code == 302 and _api(db_app, office["tokens"]["somchai"]) == 401
    assert "ปิดแล้ว" in admin.get("/console/officers").get_data(as_text=True)
    assert _post(admin, f"/console/officers/{somchai}/activate").status_code == 302
    assert _api(db_app, office["tokens"]["somchai"]) == 200
    assert _post(admin, f"/console/officers/{somchai}/revoke-tokens").status_code == 302
    assert _api(db_app, office["tokens"]["somchai"]) == 401
    own = _post(admin, f"/console/officers/{_officer_id(db_app, 'admin')}/deactivate")
    assert own.status_code == 409 and "ปิดบัญชีของตนเองไม่ได้" in own.get_data(as_text=True)
    assert admin.get("/console/").status_code == 200
    assert _post(admin, "/console/officers/9999/deactivate").status_code == 404
    officer = _logged_in(db_app, "somsri")  # not an admin: refused, and nothing changes
    token = csrf_from(officer.get("/console/").get_data(as_text=True))
    assert officer.post(f"/console/officers/{somchai}/deactivate", data={"csrf_token": token}).status_code == 403
    with db_app.app_context():
        assert db.session.get(Officer, _officer_id(db_app, "admin")).active and db.session.get(Officer, somchai).active


def test_admin_resets_a_password_and_the_officers_sessions_end(db_app, office):
    admin, victim = _logged_in(db_app, "admin"), _logged_in(db_app, "somsri")
    somsri = _officer_id(db_app, "somsri")
    path = f"/console/officers/{somsri}/password"
    html = admin.get(path).get_data(as_text=True)
    mismatch = admin.post(path, data={"csrf_token": csrf_from(html), "password": NEW_PASSWORD, "confirm": "other"})
    assert mismatch.status_code == 400 and "ไม่ตรงกัน" in mismatch.get_data(as_text=True)
    short = admin.post(path, data={"csrf_token": csrf_from(html), "password": "short", "confirm": "short"})
    assert short.status_code == 422 and "อย่างน้อย 10" in short.get_data(as_text=True)
    assert victim.get("/console/").status_code == 200
    done = admin.post(path, data={"csrf_token": csrf_from(html), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert victim.get("/console/").status_code == 302
    _logged_in(db_app, "somsri", NEW_PASSWORD)
    assert victim.get(path).status_code == 302  # the officer's old session is gone, the page is admins' anyway
    assert _logged_in(db_app, "somsri", NEW_PASSWORD).get(path).status_code == 403
    # An admin resetting their own password stays logged in here, while their other sessions end.
    elsewhere = _logged_in(db_app, "admin")
    own = f"/console/officers/{_officer_id(db_app, 'admin')}/password"
    admin.post(own, data={"csrf_token": csrf_from(admin.get(own).get_data(as_text=True)),
                          "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert admin.get("/console/").status_code == 200 and elsewhere.get("/console/").status_code == 302
