"""The local LINE simulator: real HTTP from the page's server to /callback, real line-bot-sdk calls
to the fake Messaging API mounted in the same server, and a real browser driving the page."""
from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from app import create_app
from bot.pipeline.worker import start_threads
from tests.conftest import LiveServer, base_config


@pytest.fixture
def simulator(sqlite_template, tmp_path):
    path = tmp_path / "sim.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app(base_config(f"sqlite:///{path}", "", SIMULATOR=True, LINE_CHANNEL_SECRET=None,
                                 LINE_CHANNEL_ACCESS_TOKEN=None, LINE_API_BASE_URL=None))
    server = LiveServer(app)
    app.config["LINE_API_BASE_URL"] = server.url + "/fake-line"
    server.start()
    stop = threading.Event()
    threads = start_threads(app, stop)
    yield server
    stop.set()
    server.stop()
    for thread in threads:
        thread.join(timeout=5)


class Browserless:
    """A cookie-keeping HTTP client that uses the page's endpoints like the page's JavaScript does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with self.opener.open(base + "/simulator") as response:
            html = response.read().decode()
        self.csrf = html.split('name="csrf-token" content="')[1].split('"')[0]

    def send(self, payload: dict) -> int:
        request = urllib.request.Request(self.base + "/simulator/api/send", data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        with self.opener.open(request) as response:
            return response.status

    def messages(self) -> list[dict]:
        with self.opener.open(self.base + "/simulator/api/messages") as response:
            data = json.loads(response.read())
        return [m for item in data["items"] for m in item["messages"]]


def wait_messages(client: Browserless, count: int) -> list[dict]:
    import time
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        messages = client.messages()
        if len(messages) >= count:
            return messages
        time.sleep(0.05)
    raise AssertionError(f"expected {count} messages, got {client.messages()}")


def test_simulator_round_trip_through_callback_and_fake_api(simulator):
    client = Browserless(simulator.url)
    assert client.send({"type": "follow"}) == 200
    welcome = wait_messages(client, 2)  # the greeting, then the short privacy notice
    assert "ยินดีต้อนรับ" in welcome[0]["text"] and "ลบข้อมูลของฉัน" in welcome[1]["text"]
    assert client.send({"type": "text", "text": "สวัสดีค่ะ"}) == 200
    assert client.send({"type": "postback", "data": "action=track_status"}) == 200
    messages = wait_messages(client, 4)
    assert "เลขที่คำขอ" in messages[3]["text"]


def test_simulator_send_needs_csrf_token(simulator):
    client = Browserless(simulator.url)
    request = urllib.request.Request(simulator.url + "/simulator/api/send", data=b'{"type":"follow"}',
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as info:
        client.opener.open(request)
    info.value.close()
    assert info.value.code == 400


def test_each_browser_is_its_own_line_user(simulator):
    alice, bob = Browserless(simulator.url), Browserless(simulator.url)
    alice.send({"type": "text", "text": "สวัสดี"})
    wait_messages(alice, 1)
    assert bob.messages() == []


@pytest.mark.browser
def test_person_types_in_the_simulator_and_sees_the_reply(simulator, browser, tmp_path: Path):
    page = browser.new_page()
    page.goto(simulator.url + "/simulator")
    # The page "adds the bot as a friend" on first visit: the greeting, then the short privacy notice with the
    # quick replies.
    page.get_by_text("ยินดีต้อนรับสู่ผู้ช่วย").wait_for(timeout=10_000)
    page.get_by_text("ลบข้อมูลของฉัน", exact=False).wait_for(timeout=10_000)
    page.locator("#quick button", has_text="ติดตามสถานะคำขอ").wait_for()
    page.fill("#text", "สวัสดีค่ะ")
    page.click("#send")
    page.locator("[data-role=user-message]", has_text="สวัสดีค่ะ").wait_for()
    page.wait_for_function("document.querySelectorAll('[data-role=bot-message]').length >= 3", timeout=10_000)
    page.locator("#quick button", has_text="ติดตามสถานะคำขอ").click()
    page.get_by_text("พิมพ์เลขที่คำขอ").wait_for(timeout=10_000)
    page.screenshot(path=str(tmp_path / "simulator.png"))
    assert page.locator("[data-role=bot-message]").count() == 4
