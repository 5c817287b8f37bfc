"""The rich menu in the simulator: `line setup-rich-menu` against a running simulator server (real HTTP),
the menu set up at server start, and a real browser that sees it, taps it and sees the answers; location
cards and a phone-wide page."""
from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import werkzeug.serving
from flask import Flask

from app import create_app
from bot.config import forget_simulator_url, record_simulator_url
from bot.db import db
from bot.line.richmenu import api_urls, setup_in_background
from bot.line.richmenu_image import load_richmenu_spec
from bot.models import InboundEvent
from bot.simulator.fake_line import FakeLine
from tests.conftest import LiveServer, base_config
from tests.simulator.test_simulator import simulator  # noqa: F401  (the fixture)

SIM_TOKEN = "simulator-token"


def fake_of(server: LiveServer) -> FakeLine:
    app: Flask = server.server.app  # type: ignore[assignment]
    return app.extensions["fake_line"]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def cli_app(tmp_path) -> Flask:
    """Another process's app in simulator mode (no LINE settings, default $PORT), as `flask --app app …` builds it."""
    return create_app(base_config(f"sqlite:///{tmp_path / 'cli.sqlite3'}", "", SIMULATOR=True,
                                  LINE_CHANNEL_SECRET=None, LINE_CHANNEL_ACCESS_TOKEN=None, LINE_API_BASE_URL=None,
                                  SIMULATOR_URL_FILE=str(tmp_path / "simulator-url")))


def run_setup(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["line", "setup-rich-menu", *args])


def test_page_api_has_no_menu_until_one_is_set_up(simulator):  # noqa: F811
    assert get_json(simulator.url + "/simulator/api/richmenu") == {"menu": None}
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(simulator.url + "/simulator/api/richmenu/richmenu-nope/image", timeout=5)
    info.value.close()
    assert info.value.code == 404


def test_cli_sets_up_the_menu_of_a_running_simulator_on_any_port(simulator, cli_app):  # noqa: F811
    assert cli_app.config["PORT"] == 5000 and not simulator.url.endswith(":5000")
    result = run_setup(cli_app, "--base-url", simulator.url)
    assert result.exit_code == 0, result.output
    fake = fake_of(simulator)
    menu_id = fake.default_rich_menu
    assert menu_id and menu_id in result.output and simulator.url + "/fake-line" in result.output
    shown = get_json(simulator.url + "/simulator/api/richmenu")["menu"]
    spec = load_richmenu_spec()
    assert shown["id"] == menu_id and shown["chatBarText"] == spec["chat_bar_text"]
    assert shown["size"] == {"width": 2500, "height": 1686}
    assert [a["bounds"] for a in shown["areas"]] == [a["bounds"] for a in spec["areas"]]
    assert [a["action"]["type"] for a in shown["areas"]] == [a["action"]["type"] for a in spec["areas"]]
    with urllib.request.urlopen(simulator.url + shown["image"], timeout=5) as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read() == fake.rich_menu_images[menu_id]


def test_cli_finds_the_running_server_it_recorded(simulator, cli_app):  # noqa: F811
    api = simulator.url + "/fake-line"
    record_simulator_url(cli_app.config, api)
    assert api_urls(cli_app.config) == (api, api)
    result = run_setup(cli_app)
    assert result.exit_code == 0, result.output
    assert fake_of(simulator).default_rich_menu in result.output
    forget_simulator_url(cli_app.config, api)
    assert api_urls(cli_app.config) == ("http://127.0.0.1:5000/fake-line",) * 2
    # A bare server URL means its fake API; LINE's own host keeps LINE's data host.
    assert api_urls(cli_app.config, "http://127.0.0.1:8080/") == ("http://127.0.0.1:8080/fake-line",) * 2
    assert api_urls({}, "https://api.line.me") == ("https://api.line.me", "https://api-data.line.me")


def test_cli_says_what_to_do_when_no_simulator_runs(cli_app):
    record_simulator_url(cli_app.config, "http://127.0.0.1:9/fake-line")
    result = run_setup(cli_app)
    assert result.exit_code != 0
    assert "failed at validate" in result.output and "make run" in result.output and "--base-url" in result.output


def test_server_start_sets_the_default_menu_up(simulator):  # noqa: F811
    app: Flask = simulator.server.app  # type: ignore[assignment]
    setup_in_background(app, simulator.url + "/fake-line").join(timeout=60)
    fake = fake_of(simulator)
    assert fake.default_rich_menu and fake.default_rich_menu in fake.rich_menu_images
    steps = [(r["method"], r["path"].replace(fake.default_rich_menu, "ID")) for r in fake.requests]
    assert steps == [("POST", "/v2/bot/richmenu/validate"), ("GET", "/v2/bot/richmenu/list"),
                     ("POST", "/v2/bot/richmenu"), ("POST", "/v2/bot/richmenu/ID/content"),
                     ("POST", "/v2/bot/user/all/richmenu/ID")]


def push(server: LiveServer, user_id: str, *messages: dict) -> None:
    """The bot pushes ``messages`` to ``user_id`` through the fake Messaging API."""
    body = json.dumps({"to": user_id, "messages": list(messages)}).encode()
    request = urllib.request.Request(server.url + "/fake-line/v2/bot/message/push", data=body, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {SIM_TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


@pytest.fixture
def menu_ready(simulator):  # noqa: F811
    app: Flask = simulator.server.app  # type: ignore[assignment]
    setup_in_background(app, simulator.url + "/fake-line").join(timeout=60)
    assert fake_of(simulator).default_rich_menu
    return simulator


@pytest.mark.browser
def test_rich_menu_is_shown_and_a_tap_sends_the_areas_action(menu_ready, browser, tmp_path: Path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(menu_ready.url + "/simulator")
    page.get_by_text("ยินดีต้อนรับสู่ผู้ช่วย").wait_for(timeout=10_000)
    image = page.locator("[data-role=richmenu-image]")
    image.wait_for(timeout=10_000)
    page.wait_for_function("document.querySelector('[data-role=richmenu-image]').naturalWidth === 2500")
    assert page.locator("#richmenu-label").inner_text() == load_richmenu_spec()["chat_bar_text"]
    areas = page.locator("[data-role=richmenu-area]")
    assert areas.count() == 6
    # The second area (x 833-1667, top row) sits where its bounds put it on the image.
    box, area = image.bounding_box(), areas.nth(1).bounding_box()
    assert box and area
    assert abs(area["x"] - (box["x"] + box["width"] * 833 / 2500)) < 2 and abs(area["y"] - box["y"]) < 2
    assert abs(area["width"] - box["width"] * 834 / 2500) < 2 and abs(area["height"] - box["height"] / 2) < 2
    bot_before = page.locator("[data-role=bot-message]").count()
    page.mouse.click(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)  # a tap on the picture
    page.locator("[data-role=user-message]", has_text="ติดตามสถานะคำขอ").wait_for()
    page.get_by_text("พิมพ์เลขที่คำขอ").wait_for(timeout=10_000)
    assert page.locator("[data-role=bot-message]").count() == bot_before + 1
    app: Flask = menu_ready.server.app  # type: ignore[assignment]
    with app.app_context():  # what reached /callback: a signed postback event with the area's data
        kinds = [(e.event_type, (e.payload.get("postback") or {}).get("data"))
                 for e in db.session.scalars(db.select(InboundEvent).order_by(InboundEvent.id))]
    assert kinds[-1] == ("postback", "action=track_status")
    # The message area ("วิธีใช้งาน") sends its text as the user.
    page.locator("[data-role=richmenu-area][aria-label='วิธีใช้งาน']").click()
    page.locator("[data-role=user-message]", has_text="วิธีใช้งาน").wait_for()
    page.wait_for_function(f"document.querySelectorAll('[data-role=bot-message]').length >= {bot_before + 2}",
                           timeout=10_000)
    # Collapsible like LINE's: the bar hides and shows it.
    page.click("#richmenu-bar")
    assert not image.is_visible() and page.get_attribute("#richmenu-bar", "aria-expanded") == "false"
    page.click("#richmenu-bar")
    assert image.is_visible()
    page.screenshot(path=str(tmp_path / "richmenu.png"))


@pytest.mark.browser
def test_location_card_and_no_sideways_scrolling_on_a_phone(menu_ready, browser, tmp_path: Path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(menu_ready.url + "/simulator")
    page.get_by_text("ยินดีต้อนรับสู่ผู้ช่วย").wait_for(timeout=10_000)
    page.locator("[data-role=richmenu-image]").wait_for(timeout=10_000)
    user = page.inner_text("#who").strip()
    push(menu_ready, user, {"type": "location", "title": "สำนักงานอุตสาหกรรมจังหวัดขอนแก่น",
                            "address": "ถนนศรีจันทร์ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000 " * 2,
                            "latitude": 16.4322, "longitude": 102.8236})
    card = page.locator(".location-card")
    card.wait_for(timeout=10_000)
    assert "สำนักงานอุตสาหกรรมจังหวัดขอนแก่น" in card.inner_text() and "ถนนศรีจันทร์" in card.inner_text()
    links = [page.locator("[data-role=map-link]").nth(i).get_attribute("href") for i in range(2)]
    assert links[0] == "https://www.google.com/maps/search/?api=1&query=16.4322,102.8236"
    assert links[1].startswith("https://www.openstreetmap.org/?mlat=16.4322&mlon=102.8236")
    # A Flex carousel and long text too: nothing on the page is wider than the phone.
    page.fill("#text", "น้ำพริก" + "ก" * 120)
    page.click("#send")
    page.fill("#text", "น้ำพริกเผา")
    page.click("#send")
    page.wait_for_selector(".flex-bubble", timeout=10_000)
    widths = page.evaluate("""() => [document.documentElement.scrollWidth, window.innerWidth,
                                     document.getElementById('log').scrollWidth, document.getElementById('log').clientWidth,
                                     document.getElementById('richmenu').scrollWidth]""")
    assert widths[0] <= widths[1] == 390 and widths[2] <= widths[3] and widths[4] <= 390, widths
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)


def test_flask_serve_records_its_real_port_and_sets_the_menu_up(sqlite_template, tmp_path, monkeypatch):
    """`flask serve` (what `make run` starts) on a port the system picks: its own fake API gets the menu."""
    path = tmp_path / "serve.sqlite3"
    shutil.copy(sqlite_template, path)
    note = tmp_path / "simulator-url"
    app = create_app(base_config(f"sqlite:///{path}", "", SIMULATOR=True, LINE_CHANNEL_SECRET=None,
                                 LINE_CHANNEL_ACCESS_TOKEN=None, LINE_API_BASE_URL=None, PORT=0,
                                 SIMULATOR_URL_FILE=str(note)))
    servers: list = []
    real_make_server = werkzeug.serving.make_server

    def capture(*args, **kwargs):
        servers.append(real_make_server(*args, **kwargs))
        return servers[-1]

    monkeypatch.setattr(werkzeug.serving, "make_server", capture)
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault(
        "r", app.test_cli_runner().invoke(args=["serve"])), daemon=True)
    thread.start()
    fake: FakeLine = app.extensions["fake_line"]
    deadline = time.monotonic() + 60
    while not fake.default_rich_menu and time.monotonic() < deadline:
        time.sleep(0.1)
    port = servers[0].server_port
    api = f"http://127.0.0.1:{port}/fake-line"
    assert fake.default_rich_menu and port != 0
    assert note.read_text().strip() == api and app.config["LINE_API_BASE_URL"] == api
    assert get_json(f"http://127.0.0.1:{port}/simulator/api/richmenu")["menu"]["id"] == fake.default_rich_menu
    servers[0].shutdown()
    thread.join(timeout=20)
    assert not thread.is_alive() and result["r"].exit_code == 0, result
    assert f"open http://127.0.0.1:{port}/simulator" in result["r"].output
    assert not note.exists()  # a stopped server leaves no note behind
