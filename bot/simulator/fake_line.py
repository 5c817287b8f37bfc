"""A fake LINE Messaging API that behaves like the real one where the bot depends on it.

Used in two places: mounted under ``/fake-line`` in simulator mode, and served by a
local HTTP server (pytest-httpserver) in tests, so line-bot-sdk makes real HTTP calls.

Behaviour copied from LINE: reply tokens work once (400 "Invalid reply token"
otherwise); ``X-Line-Retry-Key`` is remembered and a repeat gets 409 with
``X-Line-Accepted-Request-Id``; 1–5 messages per request; multicast ≤ 500 users;
bearer token required; message content (``add_content``) served like the data API, 404 for
unknown ids. Faults can be scripted: delays, 5xx, 429, quota.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Delivery:
    """One message batch that reached one user."""

    seq: int
    to: str
    via: str  # reply | push | multicast
    messages: list[dict[str, Any]]
    request_id: str
    retry_key: str | None = None
    reply_token: str | None = None  # the token a reply used (benchmarks match replies to events with it)
    at: float = field(default_factory=time.time)  # when the fake accepted it


@dataclass
class Fault:
    """A scripted failure for the next ``times`` calls whose path matches ``path``."""

    status: int
    message: str
    path: str = ""
    times: int = 1
    delay: float = 0.0


@dataclass
class FakeLine:
    access_token: str = "dummy-token"
    delay: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, bytes] = field(default_factory=dict)
    default_rich_menu: str | None = None
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # message id → what the user sent

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._reply_tokens: dict[str, dict[str, Any]] = {}
        self._retry_keys: dict[str, str] = {}
        self._faults: list[Fault] = []

    # ---- test and simulator controls -------------------------------------------------
    def issue_reply_token(self, user_id: str) -> str:
        """A fresh single-use reply token for an event from ``user_id``."""
        token = uuid.uuid4().hex
        with self._lock:
            self._reply_tokens[token] = {"user": user_id, "used": False}
        return token

    def add_content(self, message_id: str, data: bytes, content_type: str) -> None:
        """What ``GET /v2/bot/message/<message_id>/content`` serves (a photo or file a user sent)."""
        with self._lock:
            self.contents[message_id] = (bytes(data), content_type)

    def fail(self, status: int, message: str = "Internal server error", path: str = "", times: int = 1,
             delay: float = 0.0) -> None:
        """Make the next ``times`` matching calls fail with ``status``."""
        with self._lock:
            self._faults.append(Fault(status, message, path, times, delay))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def messages_for(self, user_id: str, after: int = 0) -> list[Delivery]:
        with self._lock:
            return [d for d in self.deliveries if d.to == user_id and d.seq > after]

    def texts_for(self, user_id: str) -> list[str]:
        """Every text (and Flex altText) delivered to ``user_id``, in order."""
        return [msg.get("text") or msg.get("altText", "") for d in self.messages_for(user_id) for msg in d.messages]

    # ---- HTTP --------------------------------------------------------------------------
    def handle(self, request: Request, wait: bool = True) -> Response:
        """Answer one Messaging API request (a werkzeug handler); ``wait=False``: the caller has waited
        ``delay`` already (an asyncio server sleeps without a thread)."""
        path = request.path
        for prefix in ("/fake-line",):
            path = path.removeprefix(prefix)
        body = request.get_data()
        with self._lock:
            self.requests.append({"method": request.method, "path": path, "headers": dict(request.headers),
                                  "body": body})
            fault = self._take_fault(path)
        delay = (self.delay if wait else 0.0) + (fault.delay if fault else 0.0)
        if delay:
            time.sleep(delay)
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self._error(401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
        if fault and fault.status:
            return self._error(fault.status, fault.message)
        try:
            payload = json.loads(body) if body and request.mimetype == "application/json" else {}
        except ValueError:
            return self._error(400, "The request body has 1 error(s)")
        return self._route(request, path, payload, body)

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.path in path:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _route(self, request: Request, path: str, payload: dict[str, Any], body: bytes) -> Response:
        method = request.method
        if method == "POST" and path == "/v2/bot/message/reply":
            return self._reply(payload)
        if method == "POST" and path == "/v2/bot/message/push":
            return self._send("push", [payload.get("to")], payload, request.headers.get("X-Line-Retry-Key"))
        if method == "POST" and path == "/v2/bot/message/multicast":
            return self._send("multicast", payload.get("to") or [], payload, request.headers.get("X-Line-Retry-Key"))
        if method == "GET" and (match := re.fullmatch(r"/v2/bot/message/([^/]+)/content", path)):
            content = self.contents.get(match[1])
            if content is None:
                return self._error(404, "Not found")
            return Response(content[0], status=200, mimetype=content[1],
                            headers={"X-Line-Request-Id": uuid.uuid4().hex})
        if match := re.fullmatch(r"/v2/bot/profile/(U[0-9a-f]{32})", path):
            return self._json({"userId": match[1], "displayName": "ผู้ใช้ทดลอง"})
        return self._rich_menu(method, path, payload, body, request.mimetype)

    def _reply(self, payload: dict[str, Any]) -> Response:
        problem = self._check_messages(payload)
        if problem:
            return problem
        with self._lock:
            token = self._reply_tokens.get(payload.get("replyToken", ""))
            if token is None or token["used"]:
                return self._error(400, "Invalid reply token")
            token["used"] = True
            request_id = uuid.uuid4().hex
            self.deliveries.append(Delivery(next(self._seq), token["user"], "reply", payload["messages"], request_id,
                                            reply_token=payload.get("replyToken")))
        return self._json(self._sent(payload), request_id)

    def _send(self, via: str, to: list[Any], payload: dict[str, Any], retry_key: str | None) -> Response:
        problem = self._check_messages(payload)
        if problem:
            return problem
        if not to or not all(isinstance(t, str) and t for t in to) or len(to) > 500:
            return self._error(400, "The request body has 1 error(s)")
        with self._lock:
            if retry_key and retry_key in self._retry_keys:
                return self._error(409, "The retry key is already accepted",
                                   {"X-Line-Accepted-Request-Id": self._retry_keys[retry_key]})
            request_id = uuid.uuid4().hex
            if retry_key:
                self._retry_keys[retry_key] = request_id
            for user in to:
                self.deliveries.append(Delivery(next(self._seq), user, via, payload["messages"], request_id, retry_key))
        return self._json(self._sent(payload) if via == "push" else {}, request_id)

    @staticmethod
    def _sent(payload: dict[str, Any]) -> dict[str, Any]:
        return {"sentMessages": [{"id": str(time.time_ns() + i), "quoteToken": uuid.uuid4().hex}
                                 for i, _ in enumerate(payload["messages"])]}

    def _rich_menu(self, method: str, path: str, payload: dict[str, Any], body: bytes,
                   content_type: str = "") -> Response:
        """Rich menu endpoints with LINE's checks: the object is validated, an image (PNG/JPEG, ≤ 1 MB,
        uploaded once) is required before a menu can become the default, unknown ids are 404."""
        with self._lock:
            if method == "POST" and path in ("/v2/bot/richmenu", "/v2/bot/richmenu/validate"):
                problems = rich_menu_problems(payload)
                if problems:
                    return self._error(400, f"The request body has {len(problems)} error(s)",
                                       details=[{"message": msg, "property": prop} for prop, msg in problems])
                if path.endswith("/validate"):
                    return self._json({})
                menu_id = f"richmenu-{uuid.uuid4().hex}"
                self.rich_menus[menu_id] = payload
                return self._json({"richMenuId": menu_id})
            if method == "GET" and path == "/v2/bot/richmenu/list":
                return self._json({"richmenus": [{"richMenuId": k, **v} for k, v in self.rich_menus.items()]})
            if path == "/v2/bot/user/all/richmenu":
                if method == "DELETE":
                    self.default_rich_menu = None
                    return self._json({})
                if method == "GET" and self.default_rich_menu:
                    return self._json({"richMenuId": self.default_rich_menu})
                return self._error(404, "no default richmenu")
            if match := re.fullmatch(r"/v2/bot/richmenu/([\w-]+)/content", path):
                if match[1] not in self.rich_menus:
                    return self._error(404, "Not found")
                if method == "GET":
                    image = self.rich_menu_images.get(match[1])
                    if image is None:
                        return self._error(404, "Not found")
                    return Response(image, status=200, mimetype="image/png")
                if method != "POST":
                    return self._error(405, "Method not allowed")
                if content_type not in ("image/png", "image/jpeg"):
                    return self._error(400, "Invalid content type; use image/png or image/jpeg")
                if match[1] in self.rich_menu_images:
                    return self._error(400, "An image has already been uploaded to the richmenu")
                if len(body) > 1024 * 1024:
                    return self._error(400, "The image file size exceeds the limit (1 MB)")
                self.rich_menu_images[match[1]] = body
                return self._json({})
            if method == "POST" and (match := re.fullmatch(r"/v2/bot/user/all/richmenu/([\w-]+)", path)):
                if match[1] not in self.rich_menus:
                    return self._error(404, "Not found")
                if match[1] not in self.rich_menu_images:
                    return self._error(400, "must upload richmenu image before applying it to user")
                self.default_rich_menu = match[1]
                return self._json({})
            if match := re.fullmatch(r"/v2/bot/richmenu/([\w-]+)", path):
                if match[1] not in self.rich_menus:
                    return self._error(404, "Not found")
                if method == "GET":
                    return self._json({"richMenuId": match[1], **self.rich_menus[match[1]]})
                if method == "DELETE":
                    del self.rich_menus[match[1]]
                    self.rich_menu_images.pop(match[1], None)
                    if self.default_rich_menu == match[1]:
                        self.default_rich_menu = None
                    return self._json({})
        return self._error(404, "Not found")

    def _check_messages(self, payload: dict[str, Any]) -> Response | None:
        messages = payload.get("messages")
        if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
            return self._error(400, "The request body has 1 error(s)")
        return None

    @staticmethod
    def _json(data: dict[str, Any], request_id: str | None = None) -> Response:
        headers = {"X-Line-Request-Id": request_id or uuid.uuid4().hex}
        return Response(json.dumps(data), status=200, mimetype="application/json", headers=headers)

    @staticmethod
    def _error(status: int, message: str, headers: dict[str, str] | None = None,
               details: list[dict[str, str]] | None = None) -> Response:
        headers = {"X-Line-Request-Id": uuid.uuid4().hex, **(headers or {})}
        body: dict[str, Any] = {"message": message, **({"details": details} if details else {})}
        return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


_ACTION_TYPES = ("postback", "message", "uri", "datetimepicker", "richmenuswitch", "camera", "cameraRoll",
                 "location", "clipboard")


def rich_menu_problems(menu: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, message) for each way ``menu`` breaks LINE's rich menu object rules."""
    problems: list[tuple[str, str]] = []
    size = menu["size"] if isinstance(menu.get("size"), dict) else {}
    width, height = size.get("width"), size.get("height")
    if not (isinstance(width, int) and 800 <= width <= 2500 and isinstance(height, int) and height >= 250
            and width / height >= 1.45):
        problems.append(("size", "must be 800-2500 wide, at least 250 high, width/height >= 1.45"))
        width = height = None
    if not isinstance(menu.get("selected"), bool):
        problems.append(("selected", "must be a boolean"))
    if not isinstance(menu.get("name"), str) or not 0 < len(menu["name"]) <= 300:
        problems.append(("name", "must be 1-300 characters"))
    if not isinstance(menu.get("chatBarText"), str) or not 0 < len(menu["chatBarText"]) <= 14:
        problems.append(("chatBarText", "must be 1-14 characters"))
    areas = menu.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= 20:
        return problems + [("areas", "must be a list of 1-20 areas")]
    for i, area in enumerate(areas):
        bounds = area.get("bounds") if isinstance(area, dict) else None
        if not isinstance(bounds, dict) or not all(isinstance(bounds.get(k), int) and bounds[k] >= 0
                                                   for k in ("x", "y", "width", "height")):
            problems.append((f"areas[{i}].bounds", "must have non-negative integers x, y, width, height"))
        elif width and (bounds["x"] + bounds["width"] > width or bounds["y"] + bounds["height"] > height):
            problems.append((f"areas[{i}].bounds", "must lie inside the rich menu"))
        action = area.get("action") if isinstance(area, dict) else None
        if not isinstance(action, dict) or action.get("type") not in _ACTION_TYPES:
            problems.append((f"areas[{i}].action", "must be an action object"))
        elif action["type"] == "postback" and not 0 < len(str(action.get("data") or "")) <= 300:
            problems.append((f"areas[{i}].action.data", "must be 1-300 characters"))
        elif len(str(action.get("label") or "")) > 20:
            problems.append((f"areas[{i}].action.label", "must be at most 20 characters"))
    return problems
