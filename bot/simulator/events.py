"""Build and sign LINE webhook bodies the way the LINE platform does (simulator and tests)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any


def signature(secret: str, body: bytes) -> str:
    """X-Line-Signature: Base64(HMAC-SHA256(channel secret, raw body))."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def new_user_id() -> str:
    return "U" + secrets.token_hex(16)


def _base(kind: str, user_id: str, reply_token: str | None, mode: str = "active") -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "mode": mode,
        "webhookEventId": "01" + secrets.token_hex(12).upper(),
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token:
        event["replyToken"] = reply_token
    return event


def text_event(user_id: str, text: str, reply_token: str | None = None, mode: str = "active") -> dict[str, Any]:
    event = _base("message", user_id, reply_token, mode)
    event["message"] = {"id": str(time.time_ns()), "type": "text", "text": text,
                        "quoteToken": secrets.token_urlsafe(16)}
    return event


def sticker_event(user_id: str, reply_token: str | None = None) -> dict[str, Any]:
    event = _base("message", user_id, reply_token)
    event["message"] = {"id": str(time.time_ns()), "type": "sticker", "packageId": "446", "stickerId": "1988",
                        "stickerResourceType": "STATIC", "quoteToken": secrets.token_urlsafe(16)}
    return event


def image_event(user_id: str, reply_token: str | None = None, message_id: str | None = None) -> dict[str, Any]:
    event = _base("message", user_id, reply_token)
    event["message"] = {"id": message_id or str(time.time_ns()), "type": "image", "quoteToken": secrets.token_urlsafe(16),
                        "contentProvider": {"type": "line"}}
    return event


def file_event(user_id: str, message_id: str, file_name: str, file_size: int,
               reply_token: str | None = None) -> dict[str, Any]:
    """A file message as LINE sends it (the content itself is fetched from the data API by id)."""
    event = _base("message", user_id, reply_token)
    event["message"] = {"id": message_id, "type": "file", "fileName": file_name, "fileSize": file_size}
    return event


def postback_event(user_id: str, data: str, reply_token: str | None = None) -> dict[str, Any]:
    event = _base("postback", user_id, reply_token)
    event["postback"] = {"data": data}
    return event


def follow_event(user_id: str, reply_token: str | None = None, unblocked: bool = False) -> dict[str, Any]:
    event = _base("follow", user_id, reply_token)
    event["follow"] = {"isUnblocked": unblocked}
    return event


def unfollow_event(user_id: str) -> dict[str, Any]:
    return _base("unfollow", user_id, None)


def body(*events: dict[str, Any], destination: str = "U" + "0" * 32) -> bytes:
    """A webhook body holding ``events``."""
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode("utf-8")
