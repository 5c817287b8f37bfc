"""Builders for LINE message objects as plain JSON dicts (validated by the SDK when sent).

Limits from the Messaging API: text ≤ 5,000 UTF-16 units, quick reply ≤ 13 items,
action labels ≤ 20 characters, Flex altText ≤ 1,500 characters, postback data ≤ 300.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_TEXT_UNITS = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_ALT_TEXT = 1500
MAX_POSTBACK_DATA = 300

Message = dict[str, Any]
Action = dict[str, Any]


def utf16_len(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` UTF-16 units, ending with an ellipsis when cut."""
    if utf16_len(text) <= limit:
        return text
    out = []
    used = 0
    for ch in text:
        size = utf16_len(ch)
        if used + size > limit - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + "…"


def postback(label: str, data: str, display_text: str | None = None) -> Action:
    """A postback action; ``display_text`` appears in the chat as if the user typed it."""
    if len(data) > MAX_POSTBACK_DATA:
        raise ValueError(f"postback data over {MAX_POSTBACK_DATA} characters: {data[:40]}…")
    action: Action = {"type": "postback", "label": clip(label, MAX_LABEL), "data": data}
    if display_text:
        action["displayText"] = clip(display_text, 300)
    return action


def message_action(label: str, text: str | None = None) -> Action:
    """A message action: tapping it sends ``text`` (default: the label) as the user."""
    return {"type": "message", "label": clip(label, MAX_LABEL), "text": clip(text or label, 300)}


def link(label: str, uri: str) -> Action:
    """A URI action."""
    return {"type": "uri", "label": clip(label, MAX_LABEL), "uri": uri}


def with_quick_replies(message: Message, actions: Iterable[Action] | None) -> Message:
    """Attach up to 13 quick-reply buttons to ``message``."""
    items = [{"type": "action", "action": a} for a in (actions or [])][:MAX_QUICK_REPLIES]
    if items:
        message = {**message, "quickReply": {"items": items}}
    return message


def text(body: str, quick_replies: Iterable[Action] | None = None) -> Message:
    """A text message (clipped to LINE's limit) with optional quick replies."""
    return with_quick_replies({"type": "text", "text": clip(body, MAX_TEXT_UNITS)}, quick_replies)


def flex(alt_text: str, contents: dict[str, Any], quick_replies: Iterable[Action] | None = None) -> Message:
    """A Flex message; ``alt_text`` is what notifications and the chat list show."""
    message = {"type": "flex", "altText": clip(alt_text, MAX_ALT_TEXT), "contents": contents}
    return with_quick_replies(message, quick_replies)


def carousel(bubbles: list[dict[str, Any]]) -> dict[str, Any]:
    """A Flex carousel of at most 12 bubbles."""
    return {"type": "carousel", "contents": bubbles[:12]}


MAX_LOCATION_TEXT = 100


def location(title: str, address: str, latitude: float, longitude: float) -> Message:
    """A location message (LINE shows a map); title and address are cut to LINE's 100 characters."""
    return {"type": "location", "title": clip(title, MAX_LOCATION_TEXT), "address": clip(address, MAX_LOCATION_TEXT),
            "latitude": latitude, "longitude": longitude}
