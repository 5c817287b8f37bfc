"""What the bot needs to know about one LINE event, free of the LINE SDK."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Incoming:
    """A webhook event reduced to the fields handlers use.

    ``kind`` is one of: text, sticker, image, video, audio, file, location,
    follow, unfollow, postback, join, other.
    """

    event_id: str
    kind: str
    user_id: str | None
    chat_type: str = "user"  # user | group | room
    reply_token: str | None = None
    text: str = ""
    postback_data: str = ""
    postback_params: dict[str, Any] = field(default_factory=dict)
    is_unblocked: bool = False
    timestamp: int = 0
    message_id: str = ""  # image, file…: the id whose content LINE's data API serves
    file_name: str = ""  # file messages: the name on the sender's phone, and its size in bytes
    file_size: int | None = None
