"""Routing of one event to its handler, and per-user conversation state.

Order for text: "cancel" always wins → an active flow gets the text → intent → handler.
Postbacks carry ``action=<name>`` and go to the handler registered for that action.
The tables at the bottom are the whole wiring: one line per capability.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable
from urllib.parse import parse_qsl

from sqlalchemy.orm import Session

from bot.brain import get_brain
from bot.db import utcnow
from bot.handlers import faq, greeting, lookup, media, officer, product, status, subscriptions
from bot.incoming import Incoming
from bot.nlp.intent import IntentResult
from bot.line.messages import Message
from bot.models import ConversationState, LineUser

FLOW_MINUTES = 10


@dataclass
class Turn:
    """Everything a handler may use to answer one event."""

    incoming: Incoming
    user: LineUser
    session: Session
    now: datetime = field(default_factory=utcnow)
    intent: IntentResult | None = None  # set for typed text

    @property
    def lang(self) -> str:
        return self.user.language or "th"

    @property
    def postback(self) -> dict[str, str]:
        """The postback data as a dict (``action=x&n=1`` → {"action": "x", "n": "1"})."""
        return dict(parse_qsl(self.incoming.postback_data))

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


Handler = Callable[[Turn], list[Message]]


def respond(turn: Turn) -> list[Message]:
    """Return the messages that answer ``turn`` (possibly none)."""
    kind = turn.incoming.kind
    if kind == "text":
        return route_text(turn)
    if kind == "postback":
        handler = POSTBACK_ACTIONS.get(turn.postback.get("action", ""), greeting.help)
        return handler(turn)
    return EVENT_HANDLERS.get(kind, _ignore)(turn)


def route_text(turn: Turn) -> list[Message]:
    """Route typed text: "cancel" always wins, then an active flow, else the intent's handler."""
    turn.intent = get_brain().classifier.classify(turn.incoming.text)
    if any(ch.isalpha() for ch in turn.incoming.text):  # "5678" says nothing about the language
        turn.user.language = turn.intent.lang
    state = turn.state()
    if state is not None and turn.intent.intent != "cancel" and state.flow in FLOWS:
        return FLOWS[state.flow](turn)
    return INTENTS.get(turn.intent.intent, greeting.help)(turn)


def _ignore(turn: Turn) -> list[Message]:
    return []


EVENT_HANDLERS: dict[str, Handler] = {
    "follow": greeting.on_follow,
    "sticker": media.on_sticker,
    "image": media.on_media,
    "video": media.on_media,
    "audio": media.on_media,
    "file": media.on_media,
    "location": media.on_location,
}

INTENTS: dict[str, Handler] = {
    "greeting": greeting.greet,
    "help": greeting.help,
    "thanks": greeting.thanks,
    "cancel": greeting.cancel,
    "product_standard": product.on_question,
    "status": status.start,
    "unlink": status.unlink,
    "faq": faq.answer,
    "standard_lookup": lookup.by_code,
    "category": lookup.by_category,
    "officer": officer.request,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
}

POSTBACK_ACTIONS: dict[str, Handler] = {
    "menu": greeting.greet,
    "find_standard": product.ask,
    "track_status": status.start,
    "ask_question": faq.ask,
    "pick_standard": product.pick,
    "none_fits": product.none_fits,
    "status_other": status.ask_other,
    "status_show": status.show_one,
    "status_unlink_ask": status.unlink,
    "status_unlink": status.unlink_chosen,
    "status_unlink_keep": status.unlink_kept,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "faq": faq.on_postback,
    "officer": officer.on_postback,
    "lookup_code": lookup.ask_code,
    "lookup": lookup.on_postback,
    "category": lookup.on_category_postback,
}

# An active flow (ConversationState.flow) gets the user's next text.
FLOWS: dict[str, Handler] = {
    product.FLOW: product.on_flow_text,
    status.FLOW: status.on_text,
    faq.FLOW: faq.on_text,
    officer.FLOW: officer.on_text,
    lookup.FLOW: lookup.on_text,
}
