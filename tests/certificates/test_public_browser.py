"""The public certificate page in a real browser at phone width (390 px): no horizontal scrolling, the
state and warning visible, the language toggle works; screenshots of each state."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.certificates.records import find_certificate
from bot.db import db
from tests.certificates.data import load_good
from tests.conftest import LiveServer

WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.browser
def test_the_page_fits_a_phone_in_both_languages(app, browser, tmp_path: Path):
    load_good(app)
    with app.app_context():
        tokens = {n: find_certificate(db.session(), n).current_link.token for n in ("ชม 0012/2567", "ลพ 0001/2566")}
    server = LiveServer(app).start()
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="th-TH")
        page.goto(f"{server.url}/verify/{tokens['ชม 0012/2567']}")
        assert page.locator("#state").inner_text() == "ใช้ได้"
        scroll, inner = page.evaluate(WIDTHS)
        assert scroll <= inner == 390, (scroll, inner)
        page.screenshot(path=str(tmp_path / "verify-valid-th.png"), full_page=True)
        page.click("text=English")
        page.locator("#state", has_text="Valid").wait_for()
        assert page.evaluate(WIDTHS)[0] <= 390
        page.goto(f"{server.url}/verify/{tokens['ลพ 0001/2566']}")
        assert page.locator("#state").inner_text() == "พักใช้"
        assert page.locator("[role=alert]").is_visible()
        assert page.evaluate(WIDTHS)[0] <= 390
        page.screenshot(path=str(tmp_path / "verify-suspended-th.png"), full_page=True)
        response = page.goto(f"{server.url}/verify/unknown-token-xyz")
        assert response.status == 404 and page.locator("[role=alert]").is_visible()
        assert page.evaluate(WIDTHS)[0] <= 390
        assert (tmp_path / "verify-valid-th.png").stat().st_size > 5000
    finally:
        server.stop()
