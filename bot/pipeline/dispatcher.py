"""Take stored webhook events one at a time and answer them, each user's in order.

Each event is handled in ONE transaction: claim the row (``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so many workers share the queue), run the handler, write the
answer to the outbox, mark the event done. A crash before the commit leaves the
event pending; a handler error is retried with backoff and, in the end, the user
gets an apology instead of silence.

What answers an event is not known here: `create_app` hands the dispatcher a `Responder`
(`init_app`), so the pipeline never imports the conversation.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, exists, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from bot.db import db, utcnow
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.line.events import BadEvent, to_incoming
from bot.models import InboundEvent, LineUser
from bot.pipeline.inbox import without_text
from bot.pipeline.incoming import Incoming
from bot.pipeline.outbox import enqueue_reply
from bot.pipeline.users import touch_user

log = logging.getLogger(__name__)
_EXTENSION = "tcps_responder"


@dataclass(frozen=True)
class Responder:
    """What answers events: ``respond`` turns one user's event into messages (in the dispatcher's
    transaction); ``prepare`` runs before each event is claimed (e.g. to pick up new knowledge)."""

    respond: Callable[[Incoming, LineUser, Session], list[m.Message]]
    prepare: Callable[[], object] = lambda: None


def init_app(app: Flask, responder: Responder) -> None:
    """Install the app's responder (done once, in `create_app`)."""
    app.extensions[_EXTENSION] = responder


def prepare_responder() -> None:
    """Run the app's `Responder.prepare` (load new knowledge) in the current app context."""
    responder: Responder = current_app.extensions[_EXTENSION]
    responder.prepare()


def dispatch_next(max_attempts: int = 5) -> bool:
    """Handle the oldest due event; return False when there is none."""
    responder: Responder = current_app.extensions[_EXTENSION]
    responder.prepare()  # outside the claim's transaction (a rebuild must not hold it open)
    session = db.session()
    event = session.execute(
        select(InboundEvent)
        .where(InboundEvent.status == "pending", InboundEvent.next_attempt_at <= utcnow(), ~_earlier_pending())
        .order_by(InboundEvent.next_attempt_at, InboundEvent.id).limit(1).with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if event is None:
        session.rollback()
        return False
    event_id = event.id
    try:
        event.status = _handle(event, responder)
        event.attempts += 1  # after the handler: one UPDATE of the event, with its outcome
        event.processed_at = utcnow()
        event.payload = without_text(event.payload)
        session.commit()
    except Exception as exc:  # one bad event must not stop the queue
        session.rollback()
        log.exception("event %s failed", event_id)
        _record_failure(event_id, exc, max_attempts)
    return True


def _earlier_pending() -> ColumnElement[bool]:
    """The same user has an earlier event still waiting (being handled by another worker, or to be
    retried): this one must wait, so that a user's events are handled one at a time, in the order LINE
    sent them (webhook timestamp, then arrival). Other users are not held back."""
    earlier = aliased(InboundEvent)
    return exists().where(
        earlier.source_user_id == InboundEvent.source_user_id,
        earlier.status == literal_column("'pending'"),  # a literal, so the partial index applies
        or_(earlier.event_timestamp < InboundEvent.event_timestamp,
            and_(earlier.event_timestamp == InboundEvent.event_timestamp, earlier.id < InboundEvent.id)),
    )


def _handle(event: InboundEvent, responder: Responder) -> str:
    """Run the handler for ``event``; return its final status."""
    try:
        incoming = to_incoming(event.payload)
    except BadEvent as exc:
        event.last_error = str(exc)
        return "skipped"
    if incoming.chat_type != "user" or not incoming.user_id:
        return "skipped"  # the bot answers one-to-one chats only
    session = db.session()
    user = touch_user(session, incoming)
    messages = responder.respond(incoming, user, session)
    if messages:
        enqueue_reply(session, incoming.user_id, incoming.reply_token, messages, inbound_event_id=event.id)
    return "done"


def _record_failure(event_id: int, exc: Exception, max_attempts: int) -> None:
    """In a fresh transaction: count the attempt, back off, and after the last one apologise."""
    session = db.session()
    event = session.execute(
        select(InboundEvent).where(InboundEvent.id == event_id).with_for_update()
    ).scalar_one()
    event.attempts += 1
    event.processed_at = utcnow()
    event.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if event.attempts < max_attempts:
        event.status = "pending"
        event.next_attempt_at = utcnow() + timedelta(seconds=2 ** event.attempts)
        session.commit()
        return
    event.status = "failed"
    try:
        incoming: Incoming | None = to_incoming(event.payload)
    except BadEvent:
        incoming = None
    event.payload = without_text(event.payload)
    if incoming and incoming.user_id and incoming.chat_type == "user" and incoming.kind not in ("unfollow",):
        _apologise(session, incoming, event.id)
    session.commit()


def _apologise(session: Session, incoming: Incoming, event_id: int) -> None:
    """Queue "please try again later" for an event that failed for good; when even that cannot be
    stored (the value that broke the event breaks the apology too), the event closes without one."""
    try:
        with session.begin_nested():
            enqueue_reply(session, incoming.user_id or "", incoming.reply_token,
                          [m.text(phrase("try_again_later"))], inbound_event_id=event_id)
    except Exception:
        log.exception("event %s: the apology cannot be queued; closed without one", event_id)
