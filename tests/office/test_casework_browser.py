"""A real browser on the officers' tools of issue #17: import a file with bad rows and then its valid rows
only, record two stages in one step (one push reaches the fake LINE API), and an admin deactivates an
officer whose open session ends at once."""
from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cases.applications import today_in_thailand
from tests.helpers import wait_for
from tests.office.fixtures import PASSWORD
from tests.office.test_console_browser import live_console

CSV = ("เลขที่คำขอ,ชื่อผู้ยื่นคำขอ,โทรศัพท์,จังหวัด,ผลิตภัณฑ์,เลข มผช.,วันที่ยื่น\r\n"
       "67/0701,กลุ่มแม่บ้านบ้านดอน,081-234-5678,เชียงใหม่,น้ำพริกแกง,129,2/11/2569\r\n"
       "67/0702,กลุ่มทอผ้า,0812,เชียงใหม่,ผ้าทอ,,2/11/2569\r\n")


def _login(browser, url: str, username: str):
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    page.goto(url + "/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("h1").first.wait_for()
    assert "/console/login" not in page.url
    return page


@pytest.mark.browser
def test_import_then_valid_rows_only(db_app, office, browser, tmp_path: Path):
    with live_console(db_app) as server:
        page = _login(browser, server.url, "somchai")
        page.goto(server.url + "/console/applications/import")
        page.set_input_files("#import-form input[type=file]", files=[
            {"name": "applications.csv", "mimeType": "text/csv", "buffer": CSV.encode("utf-8")}])
        page.click("#import-form button[type=submit]")
        problems = page.locator("#import-problems")
        problems.wait_for()
        assert "บรรทัดที่ 3" in problems.inner_text() and "โทรศัพท์" in problems.inner_text()
        page.screenshot(path=str(tmp_path / "import-problems.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 800})  # the report fits a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.click("#import-valid")
        page.get_by_text("นำเข้าคำขอ 1 รายการแล้ว").wait_for()
        assert "ข้ามบรรทัดที่ 3" in page.inner_text("main") and "67/0701" in page.inner_text("main")


@pytest.mark.browser
def test_two_stages_in_one_step_send_one_push(db_app, office, fake_line, browser, tmp_path: Path):
    follower = office["followers"]["เชียงใหม่"]
    checked, booked = today_in_thailand() - timedelta(days=4), today_in_thailand() - timedelta(days=2)
    with live_console(db_app) as server:
        page = _login(browser, server.url, "somchai")
        page.set_viewport_size({"width": 390, "height": 800})  # an officer back from a visit, on a phone
        page.goto(server.url + "/console/applications/67/0012")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.select_option("#move-1 select", "doc_check")
        page.fill("#move-1 input[type=date]", checked.isoformat())
        page.select_option("#move-2 select", "site_visit_scheduled")
        page.fill("#move-2 input[type=date]", booked.isoformat())
        page.click("#stages-form button[type=submit]")
        page.get_by_text("บันทึก 2 ขั้นตอนแล้ว").wait_for()
        history = page.locator("#history").inner_text()
        assert "ตรวจสอบเอกสาร" in history and "นัดหมายตรวจสถานที่ผลิต" in history
        page.screenshot(path=str(tmp_path / "stages.png"), full_page=True)
        assert wait_for(lambda: len(fake_line.messages_for(follower)) == 1), "the push never reached LINE"
        time.sleep(0.3)
        assert len(fake_line.messages_for(follower)) == 1  # one push for both stages


@pytest.mark.browser
def test_admin_deactivates_an_officer_whose_session_ends(db_app, office, browser, tmp_path: Path):
    with live_console(db_app) as server:
        officer = _login(browser, server.url, "somchai")
        admin = _login(browser, server.url, "admin")
        admin.goto(server.url + "/console/officers")
        admin.locator(".officer", has_text="somchai").locator("button.deactivate").click()
        admin.get_by_text("ปิดบัญชี somchai แล้ว").wait_for()
        admin.screenshot(path=str(tmp_path / "officers.png"), full_page=True)
        officer.goto(server.url + "/console/applications")
        assert "/console/login" in officer.url
        admin.set_viewport_size({"width": 390, "height": 800})  # the accounts page fits a phone
        assert admin.evaluate("document.documentElement.scrollWidth") <= 390
