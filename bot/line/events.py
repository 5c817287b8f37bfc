"""Parse and validate webhook events with line-bot-sdk, and turn them into `Incoming`."""
from __future__ import annotations

import logging
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FileMessageContent,
    FollowEvent,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from bot.pipeline.incoming import Incoming

log = logging.getLogger(__name__)

_CONTENT_KINDS = {"text", "sticker", "image", "video", "audio", "file", "location"}


class BadEvent(ValueError):
    """An event that is malformed or of a type this SDK version does not know."""


def validate_event(raw: Any) -> Event:
    """Return the SDK model of one raw event dict, or raise `BadEvent`."""
    if not isinstance(raw, dict):
        raise BadEvent("event is not an object")
    if not isinstance(raw.get("webhookEventId"), str) or not raw["webhookEventId"]:
        raise BadEvent("event has no webhookEventId")
    try:
        return Event.from_dict(raw)
    except Exception as exc:  # pydantic ValidationError, ValueError for unknown types, TypeError…
        raise BadEvent(f"{raw.get('type')!r}: {type(exc).__name__}") from exc


def to_incoming(raw: dict[str, Any]) -> Incoming:
    """Convert a stored raw event into the SDK-free `Incoming` handlers see."""
    event = validate_event(raw)
    source = event.source
    chat_type = getattr(source, "type", None) or "user"
    common = {
        "event_id": event.webhook_event_id,
        "user_id": getattr(source, "user_id", None),
        "chat_type": chat_type,
        "reply_token": getattr(event, "reply_token", None),
        "timestamp": event.timestamp,
    }
    if isinstance(event, MessageEvent):
        kind = event.message.type if event.message.type in _CONTENT_KINDS else "other"
        text = event.message.text if isinstance(event.message, TextMessageContent) else ""
        file = event.message if isinstance(event.message, FileMessageContent) else None
        return Incoming(kind=kind, text=text, message_id=str(event.message.id or ""),
                        file_name=file.file_name if file else "", file_size=file.file_size if file else None,
                        **common)
    if isinstance(event, PostbackEvent):
        params = event.postback.params or {}
        return Incoming(kind="postback", postback_data=event.postback.data, postback_params=dict(params), **common)
    if isinstance(event, FollowEvent):
        unblocked = bool(event.follow and event.follow.is_unblocked)
        return Incoming(kind="follow", is_unblocked=unblocked, **common)
    if isinstance(event, UnfollowEvent):
        return Incoming(kind="unfollow", **common)
    if isinstance(event, JoinEvent):
        return Incoming(kind="join", **common)
    return Incoming(kind="other", **common)
