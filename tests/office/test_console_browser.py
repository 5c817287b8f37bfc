"""A real browser (Playwright + Debian chromium): an officer logs in, changes a stage with a public note,
and the applicant's push arrives at the fake LINE API through the running sender."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.pipeline.worker import start_threads
from tests.conftest import LiveServer
from tests.helpers import wait_for
from tests.office.fixtures import PASSWORD, pushed


@contextmanager
def live_console(app) -> Iterator[LiveServer]:
    """The app over real HTTP with the worker threads (dispatcher and sender) running."""
    server = LiveServer(app).start()
    stop = threading.Event()
    threads = start_threads(app, stop)
    try:
        yield server
    finally:
        stop.set()
        server.stop()
        for thread in threads:
            thread.join(timeout=10)


@pytest.mark.browser
def test_officer_logs_in_changes_a_stage_and_the_push_arrives(db_app, office, fake_line, browser, tmp_path: Path):
    follower = office["followers"]["เชียงใหม่"]
    with live_console(db_app) as server:
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        page.goto(server.url + "/console/applications/67/0012")
        assert "/console/login" in page.url  # sent to the login page first
        page.fill("input[name=username]", "somchai")
        page.fill("input[name=password]", "wrong password!")
        page.click("button[type=submit]")
        page.get_by_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง").wait_for()
        page.fill("input[name=username]", "somchai")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.locator("h1", has_text="คำขอเลขที่ 67/0012").wait_for()  # back where the officer wanted to go
        assert page.locator("#followers").inner_text() == "1 คน"

        page.select_option("#stage-form select[name=stage]", "doc_check")
        page.fill("#stage-form textarea[name=note]", "ได้รับเอกสารครบแล้ว จะนัดตรวจสถานที่ภายในสัปดาห์นี้ค่ะ")
        page.check("#stage-form input[name=note_public]")
        page.click("#stage-form button[type=submit]")
        page.get_by_text("ส่งแจ้งเตือนทาง LINE ถึงผู้ติดตาม 1 คน").wait_for()
        assert "ตรวจสอบเอกสาร" in page.locator("#history").inner_text()
        page.screenshot(path=str(tmp_path / "console-application.png"), full_page=True)

        assert wait_for(lambda: len(fake_line.messages_for(follower)) == 1), "the push never reached LINE"
        [delivery] = fake_line.messages_for(follower)
        assert delivery.via == "push" and delivery.retry_key
        [push] = pushed(fake_line, follower)
        assert "67/0012" in push and "ได้รับเอกสารครบแล้ว" in push

        page.goto(server.url + "/console/")
        assert page.locator("#stage-counts [data-stage=doc_check] b").inner_text() == "1"
        page.click("#logout")
        page.locator("input[name=username]").wait_for()
        page.goto(server.url + "/console/")
        assert "/console/login" in page.url
    time.sleep(0.3)
    assert len(fake_line.messages_for(follower)) == 1  # exactly once
