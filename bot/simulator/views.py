"""The chat simulator page and the fake Messaging API (registered in simulator mode only)."""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, session, url_for

from bot.simulator import events as ev
from bot.simulator.fake_line import FakeLine

bp = Blueprint("simulator", __name__, template_folder="templates", static_folder="static",
               static_url_path="/simulator/static")
fake_api = Blueprint("fake_line", __name__, url_prefix="/fake-line")


def fake_line() -> FakeLine:
    return current_app.extensions["fake_line"]


def _user_id() -> str:
    if "sim_user" not in session:
        session["sim_user"] = ev.new_user_id()
    return session["sim_user"]


@bp.get("/simulator")
def page():
    return render_template("simulator.html", user_id=_user_id())


@bp.get("/simulator/api/richmenu")
def rich_menu():
    """The rich menu LINE would show: the default one registered in the fake API (`line setup-rich-menu`)."""
    fake = fake_line()
    menu_id = fake.default_rich_menu
    menu = fake.rich_menus.get(menu_id) if menu_id else None
    if menu is None or menu_id not in fake.rich_menu_images:
        return jsonify(menu=None)
    shown = {key: menu.get(key) for key in ("size", "selected", "chatBarText", "areas")}
    return jsonify(menu={"id": menu_id, **shown, "image": url_for("simulator.rich_menu_image", menu_id=menu_id)})


@bp.get("/simulator/api/richmenu/<menu_id>/image")
def rich_menu_image(menu_id: str):
    """The image uploaded for a rich menu (a menu's image never changes, so it may be cached)."""
    image = fake_line().rich_menu_images.get(menu_id)
    if image is None:
        abort(404)
    kind = "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"
    return Response(image, mimetype=kind, headers={"Cache-Control": "private, max-age=86400, immutable"})


@bp.post("/simulator/api/send")
def send():
    """Turn what the person did on the page into a signed webhook POST to /callback."""
    data: dict[str, Any] = request.get_json(silent=True) or {}
    kind = data.get("type")
    if kind == "reset":
        session.pop("sim_user", None)
        return jsonify(user_id=_user_id())
    user = _user_id()
    token = fake_line().issue_reply_token(user)
    builders = {
        "text": lambda: ev.text_event(user, str(data.get("text", ""))[:5000], token),
        "postback": lambda: ev.postback_event(user, str(data.get("data", ""))[:300], token),
        "follow": lambda: ev.follow_event(user, token),
        "unfollow": lambda: ev.unfollow_event(user),
        "sticker": lambda: ev.sticker_event(user, token),
        "image": lambda: ev.image_event(user, token),
    }
    if kind not in builders:
        abort(400, "unknown simulator action")
    status = _post_webhook(ev.body(builders[kind]()))
    return jsonify(status=status), (200 if status == 200 else 502)


MAX_UPLOAD_BYTES = 30 * 1024 * 1024  # LINE itself accepts larger files; enough to try "too big"


@bp.post("/simulator/api/upload")
def upload():
    """A photo or file chosen on the page: its bytes go into the fake data API (as LINE keeps what a user
    sent), then a signed image or file event like LINE's reaches /callback."""
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        abort(413)
    chosen = request.files.get("file")
    kind = request.form.get("kind", "image")
    if chosen is None or kind not in ("image", "file"):
        abort(400, "choose a photo or a file")
    data = chosen.read()
    user = _user_id()
    message_id = str(time.time_ns())
    fake_line().add_content(message_id, data, chosen.mimetype or "application/octet-stream")
    token = fake_line().issue_reply_token(user)
    event = (ev.image_event(user, token, message_id=message_id) if kind == "image"
             else ev.file_event(user, message_id, (chosen.filename or "file")[:200], len(data), token))
    status = _post_webhook(ev.body(event))
    return jsonify(status=status), (200 if status == 200 else 502)


def _post_webhook(body: bytes) -> int:
    """POST a signed body to this server's /callback, exactly as LINE would."""
    secret = current_app.config["LINE_CHANNEL_SECRET"]
    req = urllib.request.Request(
        request.host_url + "callback", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Line-Signature": ev.signature(secret, body)},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@bp.get("/simulator/api/messages")
def messages():
    """Messages the fake API delivered to this browser's user after sequence ``after``."""
    after = request.args.get("after", default=0, type=int)
    items = [{"seq": d.seq, "via": d.via, "messages": d.messages} for d in fake_line().messages_for(_user_id(), after)]
    return jsonify(user_id=_user_id(), items=items)


@fake_api.route("/<path:rest>", methods=["GET", "POST", "DELETE", "PUT"])
def messaging_api(rest: str):
    return fake_line().handle(request)
