"""One module per conversation capability; each exposes small `Turn → messages` functions."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.conversation import Turn
    from bot.line.messages import Message


def route_by_intent(turn: Turn) -> list[Message]:
    """Answer ``turn`` by its intent, as if no flow were active (a flow that sees an unrelated request)."""
    from bot.conversation import INTENTS  # the routing table imports the handler modules
    from bot.handlers.greeting import help as fallback

    assert turn.intent is not None
    return INTENTS.get(turn.intent.intent, fallback)(turn)


def postback_int(turn: Turn, key: str, digits: int = 9) -> int | None:
    """The postback field ``key`` as a positive int of at most ``digits`` digits, else None (forged or old data)."""
    value = turn.postback.get(key, "")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= digits and int(value) > 0 else None
