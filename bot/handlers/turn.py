"""What a handler sees and returns: the `Turn`, the `Handler` type, and `HAND_OVER`.

This module imports no handler, so every handler module can import it (and the router imports
the handlers). A handler answers with a list of messages, or returns `HAND_OVER` to let the router
answer the message by its intent as if no flow were active (a flow that sees an unrelated request).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final, TypeVar
from urllib.parse import parse_qsl

from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.line.messages import Message
from bot.models import ConversationState, LineUser
from bot.nlp.intent import IntentResult
from bot.pipeline.incoming import Incoming

T = TypeVar("T")

FLOW_MINUTES = 10


class _HandOver(Enum):
    HAND_OVER = "hand over"


HAND_OVER: Final = _HandOver.HAND_OVER
Reply = list[Message] | _HandOver


@dataclass
class Turn:
    """Everything a handler may use to answer one event."""

    incoming: Incoming
    user: LineUser
    session: Session
    now: datetime = field(default_factory=utcnow)
    intent: IntentResult | None = None  # set for typed text
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per turn (a lookup several parts of one answer need)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def lang(self) -> str:
        return self.user.language or "th"

    @property
    def postback(self) -> dict[str, str]:
        """The postback data as a dict (``action=x&n=1`` → {"action": "x", "n": "1"})."""
        return dict(parse_qsl(self.incoming.postback_data))

    def postback_int(self, key: str, digits: int = 9) -> int | None:
        """The postback field ``key`` as a positive int of at most ``digits`` digits, else None (forged or old data)."""
        value = self.postback.get(key, "")
        ok = value.isascii() and value.isdigit() and 0 < len(value) <= digits and int(value) > 0
        return int(value) if ok else None

    def state(self) -> ConversationState | None:
        """The user's active flow state, or None (expired states are removed)."""
        state = self.user.state
        if state is not None and state.expires_at <= self.now:
            self.leave()
            return None
        return state

    def enter(self, flow: str, step: str, data: dict[str, Any] | None = None, minutes: int = FLOW_MINUTES) -> None:
        """Start or advance a flow; it expires ``minutes`` after the last step."""
        state = self.user.state
        expires = self.now + timedelta(minutes=minutes)
        if state is None:
            self.user.state = ConversationState(flow=flow, step=step, data=dict(data or {}), expires_at=expires)
        else:
            state.flow, state.step, state.data, state.expires_at = flow, step, dict(data or {}), expires

    def leave(self) -> None:
        """End any flow."""
        if self.user.state is not None:
            self.session.delete(self.user.state)
            self.user.state = None
            self.session.flush()  # so a new flow can start in the same turn (user_id is UNIQUE)


Handler = Callable[[Turn], Reply]
# A flow's steps: ConversationState.step → the handler of the user's next text at that step.
Steps = dict[str, Handler]
