"""Take stored webhook events in small batches and answer them, each user's one at a time, in order.

A batch (events of different users) is handled in ONE transaction: claim the rows (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL, so many workers share the queue), lock their users, run the handler of
each, write the answers to the outbox, mark the events done, commit. A crash before the commit
leaves the events pending; a handler error sends the batch's events through one at a time, and the
failing one is retried with backoff and, in the end, the user gets an apology instead of silence.

What answers an event is not known here: `create_app` hands the dispatcher a `Responder`
(`init_app`), so the pipeline never imports the conversation.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import ColumnElement, Select, and_, exists, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from bot.db import db, utcnow
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.line.events import BadEvent, to_incoming
from bot.logs import event_id
from bot.metrics import EVENTS_HANDLED
from bot.models import InboundEvent, LineUser
from bot.pipeline.inbox import without_text
from bot.pipeline.incoming import Incoming
from bot.pipeline.outbox import enqueue_reply
from bot.pipeline.users import lock_users, touch_user

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


def dispatch_batch(limit: int = 20, max_attempts: int = 5) -> int:
    """Handle up to ``limit`` due events, each of a different user, in ONE transaction (one claim, one
    lock of their users, one flush and commit for all); return how many were handled (0: none due).

    When any of them raises, the whole batch is rolled back and its events are handled again one at a
    time, so that only the failing event is retried (or, after its last attempt, apologised for)."""
    responder: Responder = current_app.extensions[_EXTENSION]
    responder.prepare()  # outside the claim's transaction (a rebuild must not hold it open)
    session = db.session()
    events = session.scalars(_due().limit(limit).with_for_update(skip_locked=True)).all()
    if not events:
        session.rollback()
        return 0
    ids = [event.id for event in events]
    try:
        users = lock_users(session, [event.source_user_id for event in events])
        statuses = [_finish(event, _handle(event, responder, users)) for event in events]
        session.commit()
        _count(statuses)
    except Exception as exc:  # one bad event must not stop the queue, nor the others of its batch
        session.rollback()
        if len(ids) == 1:
            log.exception("event %s failed", ids[0])
            _record_failure(ids[0], exc, max_attempts)
        else:
            log.warning("a batch of %d events failed (%s); handling them one at a time", len(ids), type(exc).__name__)
            for event_id in ids:
                _dispatch_one(event_id, responder, max_attempts)
    return len(ids)


def dispatch_next(max_attempts: int = 5) -> bool:
    """Handle the oldest due event; return False when there is none."""
    return dispatch_batch(1, max_attempts) > 0


def _due() -> Select[InboundEvent]:
    """Pending events that are due and whose user has no earlier event waiting, oldest first."""
    return (select(InboundEvent)
            .where(InboundEvent.status == "pending", InboundEvent.next_attempt_at <= utcnow(), ~_earlier_pending())
            .order_by(InboundEvent.next_attempt_at, InboundEvent.id))


def _dispatch_one(event_id: int, responder: Responder, max_attempts: int) -> None:
    """Handle the event ``event_id`` alone, if it is still pending (after its batch failed)."""
    session = db.session()
    event = session.execute(select(InboundEvent).where(InboundEvent.id == event_id, InboundEvent.status == "pending")
                            .with_for_update(skip_locked=True)).scalar_one_or_none()
    if event is None:
        session.rollback()
        return
    try:
        status = _finish(event, _handle(event, responder, lock_users(session, [event.source_user_id])))
        session.commit()
        _count([status])
    except Exception as exc:
        session.rollback()
        log.exception("event %s failed", event_id)
        _record_failure(event_id, exc, max_attempts)


def _finish(event: InboundEvent, status: str) -> str:
    """Close ``event`` with ``status`` (after the handler: one UPDATE of the event, with its outcome)."""
    event.status = status
    event.attempts += 1
    event.processed_at = utcnow()
    event.payload = without_text(event.payload)
    return status


def _count(statuses: list[str]) -> None:
    """Count committed outcomes (``tcps_events_handled``)."""
    for status in statuses:
        EVENTS_HANDLED.labels(status).inc()


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


def _handle(event: InboundEvent, responder: Responder, users: dict[str, LineUser]) -> str:
    """Run the handler for ``event``; return its final status."""
    event_id.set(event.webhook_event_id)  # in every log record of its handling
    try:
        incoming = to_incoming(event.payload)
    except BadEvent as exc:
        event.last_error = str(exc)
        return "skipped"
    if incoming.chat_type != "user" or not incoming.user_id:
        return "skipped"  # the bot answers one-to-one chats only
    session = db.session()
    user = touch_user(session, incoming, users)
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
        _count(["retry"])
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
    _count(["failed"])


def _apologise(session: Session, incoming: Incoming, event_id: int) -> None:
    """Queue "please try again later" for an event that failed for good; when even that cannot be
    stored (the value that broke the event breaks the apology too), the event closes without one."""
    try:
        with session.begin_nested():
            enqueue_reply(session, incoming.user_id or "", incoming.reply_token,
                          [m.text(phrase("try_again_later"))], inbound_event_id=event_id)
    except Exception:
        log.exception("event %s: the apology cannot be queued; closed without one", event_id)
