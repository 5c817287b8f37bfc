"""`flask --app app line setup-rich-menu` against the fake Messaging API over real HTTP, and every
rich menu button answered through the webhook."""
from __future__ import annotations

import io
import json
import os
from typing import Any
from urllib.parse import parse_qsl

import pytest
import urllib3
from PIL import Image

from bot.handlers.router import POSTBACK_ACTIONS
from bot.line.gateway import validate_messages
from bot.line.richmenu import menu_object
from bot.line.richmenu_image import FONT_DIR, load_richmenu_spec
from bot.nlp.intent import classify
from tests.conftest import ACCESS_TOKEN
from tests.helpers import say, tap

pytestmark = pytest.mark.skipif(
    not (FONT_DIR / "NotoSansThai-Regular.ttf").exists() and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="fonts-noto-core not installed (make test installs it with apt when it can)",
)
USER = "U" + "5" * 32


@pytest.fixture(scope="module")
def spec():
    return load_richmenu_spec()


def run_setup(app, *args: str):
    return app.test_cli_runner().invoke(args=["line", "setup-rich-menu", *args])


def call(app, method: str, path: str, body: Any = None, content_type: str = "application/json"):
    """One request to the fake Messaging API with our token: (status, parsed JSON or raw bytes)."""
    data = json.dumps(body).encode() if content_type == "application/json" and body is not None else body
    response = urllib3.request(method, app.config["LINE_API_BASE_URL"] + path, body=data, timeout=5,
                               headers={"Authorization": f"Bearer {ACCESS_TOKEN}", "Content-Type": content_type})
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return response.status, response.json()
    return response.status, response.data


def test_setup_creates_the_menu_uploads_the_png_and_sets_it_default(app, fake_line, spec, tmp_path):
    saved = tmp_path / "menu.png"
    result = run_setup(app, "--save-image", str(saved))
    assert result.exit_code == 0, result.output
    assert len(fake_line.rich_menus) == 1
    menu_id, menu = next(iter(fake_line.rich_menus.items()))
    assert menu_id in result.output and fake_line.default_rich_menu == menu_id
    assert menu["size"] == {"width": 2500, "height": 1686} and menu["chatBarText"] == spec["chat_bar_text"]
    assert [a["bounds"] for a in menu["areas"]] == [a["bounds"] for a in spec["areas"]]
    for sent, area in zip(menu["areas"], spec["areas"], strict=True):
        assert {k: v for k, v in sent["action"].items() if k != "label"} == area["action"]
        assert sent["action"]["label"] == area["label_th"]
    image = fake_line.rich_menu_images[menu_id]
    assert image == saved.read_bytes()
    with Image.open(io.BytesIO(image)) as png:
        assert png.format == "PNG" and png.size == (2500, 1686)
    upload = [r for r in fake_line.requests if r["path"] == f"/v2/bot/richmenu/{menu_id}/content"]
    assert len(upload) == 1 and upload[0]["method"] == "POST"
    assert upload[0]["headers"]["Content-Type"] == "image/png"
    assert upload[0]["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    steps = [(r["method"], r["path"]) for r in fake_line.requests]
    assert steps == [("POST", "/v2/bot/richmenu/validate"), ("GET", "/v2/bot/richmenu/list"),
                     ("POST", "/v2/bot/richmenu"), ("POST", f"/v2/bot/richmenu/{menu_id}/content"),
                     ("POST", f"/v2/bot/user/all/richmenu/{menu_id}")]


def test_running_again_replaces_our_previous_menu_only(app, fake_line):
    _, foreign = call(app, "POST", "/v2/bot/richmenu", {**menu_object(load_richmenu_spec()), "name": "someone-else"})
    foreign_id = foreign["richMenuId"]
    assert run_setup(app).exit_code == 0
    first = fake_line.default_rich_menu
    result = run_setup(app)
    assert result.exit_code == 0 and "deleted 1 older menu" in result.output
    assert fake_line.default_rich_menu != first
    assert set(fake_line.rich_menus) == {fake_line.default_rich_menu, foreign_id}
    assert run_setup(app, "--keep-old").exit_code == 0
    assert len(fake_line.rich_menus) == 3


def test_a_failed_upload_removes_the_new_menu_and_keeps_the_old_default(app, fake_line):
    assert run_setup(app).exit_code == 0
    before = fake_line.default_rich_menu
    fake_line.fail(500, "Internal server error", path="/content")
    result = run_setup(app)
    assert result.exit_code != 0
    assert "upload image: HTTP 500" in result.output
    assert set(fake_line.rich_menus) == {before} and fake_line.default_rich_menu == before


def test_unreachable_api_is_a_clear_error(app, fake_line):
    app.config["LINE_API_BASE_URL"] = "http://127.0.0.1:9"
    result = run_setup(app)
    assert result.exit_code != 0 and "rich menu setup failed at validate" in result.output


def test_fake_api_enforces_lines_rich_menu_rules(app, fake_line):
    status, bad = call(app, "POST", "/v2/bot/richmenu", {"size": {"width": 2500, "height": 1686}, "selected": True,
                                                         "name": "x", "chatBarText": "a" * 15, "areas": []})
    assert status == 400 and {d["property"] for d in bad["details"]} == {"chatBarText", "areas"}
    menu_id = call(app, "POST", "/v2/bot/richmenu", menu_object(load_richmenu_spec()))[1]["richMenuId"]
    status, body = call(app, "POST", f"/v2/bot/user/all/richmenu/{menu_id}")
    assert status == 400 and "upload richmenu image" in body["message"]
    content = f"/v2/bot/richmenu/{menu_id}/content"
    assert call(app, "POST", content, b"png?", "text/plain")[0] == 400
    assert call(app, "POST", content, b"\x89PNG", "image/png")[0] == 200
    status, body = call(app, "POST", content, b"\x89PNG", "image/png")
    assert status == 400 and "already been uploaded" in body["message"]
    assert call(app, "GET", content) == (200, b"\x89PNG")
    assert call(app, "POST", f"/v2/bot/user/all/richmenu/{menu_id}")[0] == 200
    assert call(app, "GET", "/v2/bot/user/all/richmenu") == (200, {"richMenuId": menu_id})
    assert call(app, "DELETE", f"/v2/bot/richmenu/{menu_id}")[0] == 200
    assert call(app, "GET", "/v2/bot/user/all/richmenu")[0] == 404
    assert call(app, "DELETE", f"/v2/bot/richmenu/{menu_id}")[0] == 404


def test_every_menu_button_is_routed_and_answered(app, fake_line, spec):
    for area in spec["areas"]:
        action = area["action"]
        if action["type"] == "postback":
            name = dict(parse_qsl(action["data"]))["action"]
            assert name in POSTBACK_ACTIONS, name
            messages = tap(app, fake_line, USER, action["data"])
        else:
            assert classify(action["text"]).intent == area["intent"]
            messages = say(app, fake_line, USER, action["text"])
        assert messages, area["key"]
        validate_messages(messages)
        say(app, fake_line, USER, "ยกเลิก")  # leave any flow the button started


def test_image_host_follows_the_api_host(tmp_path):
    from bot.config import finish_config

    def data_url(**cfg):
        base = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "SECRET_KEY": "k", "TESTING": True,
                "DATABASE_URL": None, "LINE_API_BASE_URL": None, "LINE_API_DATA_URL": None}
        return finish_config({**base, **cfg}, tmp_path)["LINE_API_DATA_URL"]

    assert data_url() == "https://api-data.line.me"
    assert data_url(LINE_API_BASE_URL="http://127.0.0.1:5000/fake-line/") == "http://127.0.0.1:5000/fake-line"
    assert data_url(LINE_API_DATA_URL="https://data.example/") == "https://data.example"
