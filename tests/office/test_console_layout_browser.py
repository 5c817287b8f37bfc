"""Every console page in a real browser at a phone's width (390 px) and a laptop's (1366 px): no sideways
scrolling, a header no taller than 120 px on the phone, a menu that opens and closes, no word broken inside
a menu entry or button. The pages come from the app's URL map (pages added later are covered too), with
their path parameters filled from seeded data; screenshots are kept in the test's tmp dir."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases.applications import find_application
from bot.db import db
from bot.documents.model import ApplicationDocument
from bot.documents.storage import document_storage
from bot.models import LineUser, Officer, OfficerQuestion, UnmatchedQuery
from bot.office.demand.model import UnmatchedAsk
from tests.certificates.data import load_good
from tests.conftest import LiveServer
from tests.office.fixtures import PASSWORD

CERTIFICATE = "ชม 0012/2567"  # in tests/certificates/data.py's good file
WIDTHS = (390, 1366)
HEADER_MAX = 120
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LONG = "กลุ่มวิสาหกิจชุมชนแม่บ้านเกษตรกรบ้านดอนหมู่ที่๑๒ตำบลสันทรายหลวงอำเภอสันทรายจังหวัดเชียงใหม่"


def _seed(app) -> dict[str, object]:
    """Something on every page: queries, asks, a question, a stored document; the path values to use."""
    with app.app_context():
        user = db.session.query(LineUser).first()
        for i, (kind, example) in enumerate((("not_in_knowledge", "ขายกระเป๋าผักตบชวาค่ะ"),
                                             ("none_fits", f"{LONG} ทำน้ำพริกแกงใต้ขาย"),
                                             ("low_confidence", "i sell chili paste"))):
            query = UnmatchedQuery(kind=kind, normalized=example, example=example, count=i + 1)
            db.session.add(query)
            db.session.flush()
            db.session.add(UnmatchedAsk(query_id=query.id, line_user_id=user.id, province="เชียงใหม่"))
        db.session.add(OfficerQuestion(line_user_id=user.id, text=LONG, reason="request", status="pending",
                                       province="เชียงใหม่"))
        application = find_application(db.session, "67/0012")
        document_storage().save("layout/test.png", PNG)
        document = ApplicationDocument(application_id=application.id, line_message_id="layout-1", kind="image",
                                       content_type="image/png", size=len(PNG), storage_key="layout/test.png",
                                       status="stored")
        db.session.add(document)
        officer_id = db.session.scalar(select(Officer.id).where(Officer.username == "somsri"))
        db.session.commit()
        document_id = document.id
    load_good(app)  # certificates, for their pages
    return {"number": "67/0012", "province": "เชียงใหม่", "document_id": document_id, "officer_id": officer_id,
            "kind": "svg", "fmt": "xlsx", "console.certificate": {"number": CERTIFICATE},
            "console.certificate_qr": {"number": CERTIFICATE}}


def console_gets(app, values: dict[str, object]) -> list[tuple[str, str]]:
    """(endpoint, path) of every console GET route in the URL map, parameters filled from ``values``."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console") or "GET" not in rule.methods or rule.endpoint.endswith(".static"):
            continue
        own = {**values, **values.get(rule.endpoint, {})}  # type: ignore[dict-item]
        missing = set(rule.arguments) - set(own)
        assert not missing, f"{rule.rule}: add seeded values for {missing} to this test"
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^<>]+:)?{name}>", str(own[name]), path)
        found.append((rule.endpoint, path))
    return sorted(found)


LAYOUT = """() => {
  const header = document.querySelector('header.top');
  const broken = [...document.querySelectorAll('header.top nav a, header.top .brand, button, .button, th')]
    .filter(e => e.offsetParent !== null)
    .filter(e => e.getBoundingClientRect().height > 1.9 * parseFloat(getComputedStyle(e).lineHeight))
    .map(e => e.textContent.trim());
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          header: header ? header.getBoundingClientRect().height : 0, broken: broken};
}"""


@pytest.mark.browser
def test_every_console_page_fits_a_phone_and_a_laptop(db_app, office, browser, tmp_path: Path):
    values = _seed(db_app)
    pages = console_gets(db_app, values)
    assert {"console.demand", "console.unmatched", "console.dashboard", "console.login"} <= {e for e, _ in pages}
    server = LiveServer(db_app).start()
    try:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            page.goto(server.url + "/console/login")
            _check(page, width, tmp_path / f"{width}-login.png", logged_in=False)
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.locator("header.top").wait_for()
            for endpoint, path in pages:
                response = context.request.get(server.url + path)
                assert response.status == 200, (path, response.status)
                if not response.headers["content-type"].startswith("text/html"):  # a download: no layout
                    assert "attachment" in response.headers["content-disposition"], path
                    continue
                if endpoint == "console.login":
                    continue  # logged in, it redirects to the dashboard (checked above logged out)
                page.goto(server.url + path)
                _check(page, width, tmp_path / f"{width}-{endpoint.split('.')[-1]}.png")
            context.close()
    finally:
        server.stop()
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(shots) >= 2 * 8 and "390-demand.png" in shots and "1366-unmatched.png" in shots


def _check(page, width: int, shot: Path, logged_in: bool = True) -> None:
    where = f"{page.url} at {width} px"
    page.screenshot(path=str(shot), full_page=True)
    layout = page.evaluate(LAYOUT)
    assert layout["scroll"] <= layout["inner"], f"{where}: {layout['scroll']} px wide"
    assert layout["broken"] == [], f"{where}: words broken in {layout['broken']}"
    if not logged_in:
        return
    menu = page.locator("#menu nav")
    if width < 760:
        assert layout["header"] <= HEADER_MAX, f"{where}: header {layout['header']} px"
        assert not menu.is_visible()
        page.click("#menu-button")
        assert menu.is_visible() and page.locator("#logout").is_visible()
        page.screenshot(path=str(shot.with_name(f"{shot.stem}-menu.png")))
        opened = page.evaluate(LAYOUT)
        assert opened["broken"] == [] and opened["scroll"] <= opened["inner"], where
        page.click("#menu-button")
        assert not menu.is_visible()
    else:
        assert menu.is_visible() and not page.locator("#menu-button").is_visible()
        assert layout["header"] <= HEADER_MAX, f"{where}: header {layout['header']} px"
