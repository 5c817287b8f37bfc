"""Write outgoing messages as rows in the caller's transaction (never sent inline)."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from bot.models import OutboundMessage

log = logging.getLogger(__name__)

MAX_MESSAGES_PER_REQUEST = 5
MAX_MULTICAST_RECIPIENTS = 500


def _batches(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def enqueue_reply(session: Session, user_id: str, reply_token: str | None, messages: list[dict[str, Any]],
                  inbound_event_id: int | None = None) -> list[OutboundMessage]:
    """Queue an answer to an event: the first 5 messages as a reply, any rest as pushes."""
    rows = []
    for index, batch in enumerate(_batches(messages, MAX_MESSAGES_PER_REQUEST)):
        use_reply = index == 0 and bool(reply_token)
        rows.append(OutboundMessage(
            kind="reply" if use_reply else "push", purpose="reply",
            reply_token=reply_token if use_reply else None,
            recipients=[user_id], recipient=user_id, messages=batch, inbound_event_id=inbound_event_id,
        ))
    session.add_all(rows)
    return rows


def enqueue_push(session: Session, to: str, messages: list[dict[str, Any]], purpose: str) -> list[OutboundMessage]:
    """Queue a push to one user, group or room."""
    rows = [OutboundMessage(kind="push", purpose=purpose, recipients=[to], recipient=to, messages=batch)
            for batch in _batches(messages, MAX_MESSAGES_PER_REQUEST)]
    session.add_all(rows)
    return rows


def enqueue_multicast(session: Session, to: Iterable[str], messages: list[dict[str, Any]],
                      purpose: str) -> list[OutboundMessage]:
    """Queue the same messages to many users, at most 500 recipients per request."""
    recipients = sorted(set(to))
    rows = [OutboundMessage(kind="multicast", purpose=purpose, recipients=group, messages=batch)
            for group in _batches(recipients, MAX_MULTICAST_RECIPIENTS)
            for batch in _batches(messages, MAX_MESSAGES_PER_REQUEST)]
    session.add_all(rows)
    return rows
