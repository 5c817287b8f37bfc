"""Officers, applications and logged-in clients for the console, API and pipeline tests (a pytest plugin
loaded by tests/conftest.py)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.cases.applications import NewApplication, create_application, today_in_thailand
from bot.db import db
from bot.models import ApplicationLink, LineUser
from bot.office.officers import create_officer, create_token

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/console/login")
    return client.post("/console/login", data={"username": username, "password": password,
                                              "csrf_token": csrf_from(page.get_data(as_text=True))})


def new_application(number: str, province: str = "เชียงใหม่", days_ago: int = 10, **extra) -> NewApplication:
    fields = {"number": number, "applicant_name": "กลุ่มแม่บ้านบ้านดอน", "phone": "081-234-5678",
              "province": province, "product": "น้ำพริกแกง", "standard_number": 129,
              "submitted_on": today_in_thailand() - timedelta(days=days_ago)}
    fields.update(extra)
    return NewApplication(**fields)


@pytest.fixture
def office(db_app):
    """Two provincial officers (เชียงใหม่, ลำพูน), an admin, API tokens, and one application per province
    with one LINE follower each. Returns a dict of what the tests need."""
    with db_app.app_context():
        cm = create_officer(db.session, "somchai", PASSWORD, "เชียงใหม่")
        lp = create_officer(db.session, "somsri", PASSWORD, "ลำพูน")
        admin = create_officer(db.session, "admin", PASSWORD, "เชียงใหม่", is_admin=True)
        tokens = {o.username: create_token(db.session, o) for o in (cm, lp, admin)}
        apps = {}
        for number, province, follower in (("67/0012", "เชียงใหม่", "U" + "1" * 32),
                                           ("67/0099", "ลำพูน", "U" + "2" * 32)):
            application = create_application(db.session, new_application(number, province))
            user = LineUser(line_user_id=follower, language="th")
            db.session.add(user)
            db.session.flush()
            db.session.add(ApplicationLink(application_id=application.id, line_user_id=user.id))
            apps[province] = application.number
        db.session.commit()
    return {"tokens": tokens, "apps": apps, "followers": {"เชียงใหม่": "U" + "1" * 32, "ลำพูน": "U" + "2" * 32}}


@pytest.fixture
def pg_app(postgres_url, line_api_url):
    """The app on PostgreSQL only (for several worker processes sharing the outbox)."""
    from tests.conftest import _make_app, _truncate_all, close_app

    application = _make_app(postgres_url, line_api_url)
    _truncate_all(application)
    yield application
    close_app(application)


def pushed(fake, user: str) -> list[str]:
    """Each push to ``user`` as JSON text: the assertions hold for a plain text or a Flex status card."""
    import json

    return [json.dumps(d.messages, ensure_ascii=False) for d in fake.messages_for(user)]
