"""Fetch the documents handlers recorded as ``pending``, outside any database transaction.

The handler (bot/handlers/documents.py) only writes a ``pending`` row inside the dispatcher's transaction;
`run_due` runs in the dispatcher's `Responder.prepare` hook (before each claim, with no transaction open):
it leases a row in one short transaction, downloads from LINE with none open, then checks the bytes,
saves them and queues the answer in a second short transaction. A slow download never holds a lock; a
crash mid-download leaves the row pending, due again when its lease ends.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from bot.db import db, table_of, utcnow
from bot.documents import checks
from bot.documents.model import ApplicationDocument
from bot.documents.replies import answer_for
from bot.documents.storage import document_storage
from bot.line.content import Content, ContentError, fetch_content
from bot.models import LineUser
from bot.pipeline.outbox import enqueue_reply

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
POLL_SECONDS = 5.0  # without a wake-up (retries, a crashed worker's rows), look this often
REPLY_TOKEN_SECONDS = 45  # older: the answer goes as a push
_wake = threading.Event()
_last_poll = 0.0


def wake() -> None:
    """A handler recorded a document: fetch it before the next claim (no need to wait for the poll)."""
    _wake.set()


def run_due(limit: int = 10) -> int:
    """Fetch, check and store up to ``limit`` due documents; return how many were settled or retried."""
    global _last_poll
    if not _wake.is_set() and time.monotonic() - _last_poll < POLL_SECONDS:
        return 0
    _wake.clear()
    _last_poll = time.monotonic()
    session = db.session()
    ids = list(session.scalars(select(ApplicationDocument.id).where(
        ApplicationDocument.status == "pending", ApplicationDocument.next_attempt_at <= utcnow())
        .order_by(ApplicationDocument.id).limit(limit)))
    session.commit()
    done = 0
    for document_id in ids:
        try:
            done += _run_one(document_id)
        except Exception:  # one document must not stop the dispatcher
            db.session.rollback()
            log.exception("document %s: fetch failed", document_id)
    return done


def _run_one(document_id: int) -> int:
    cfg = current_app.config
    timeout = float(cfg["DOCUMENT_FETCH_TIMEOUT_SECONDS"])
    message_id = _lease(document_id, timeout)
    if message_id is None:
        return 0  # another worker has it
    try:
        content: Content | ContentError = fetch_content(cfg["LINE_API_DATA_URL"], cfg["LINE_CHANNEL_ACCESS_TOKEN"],
                                                        message_id, timeout)
    except ContentError as exc:
        content = exc
    _settle(document_id, content, int(cfg["DOCUMENT_MAX_BYTES"]))
    return 1


def _lease(document_id: int, timeout: float) -> str | None:
    """Take the row for one download (its next_attempt_at moves past the download's end); its message id."""
    session = db.session()
    now = utcnow()
    table = table_of(ApplicationDocument)
    row = session.execute(update(table).where(
        table.c.id == document_id, table.c.status == "pending", table.c.next_attempt_at <= now)
        .values(attempts=table.c.attempts + 1, next_attempt_at=now + timedelta(seconds=2 * timeout + 5))
        .returning(table.c.line_message_id)).first()
    session.commit()
    return row[0] if row else None


def _settle(document_id: int, content: Content | ContentError, max_bytes: int) -> None:
    """Record the outcome (stored, rejected, failed or retry later) and queue the producer's answer."""
    session = db.session()
    document = session.get(ApplicationDocument, document_id, with_for_update=True)
    if document is None or document.status != "pending":
        session.rollback()
        return
    if isinstance(content, ContentError):
        if content.kind == "retry" and document.attempts < MAX_ATTEMPTS:
            document.next_attempt_at = utcnow() + timedelta(seconds=2 ** document.attempts)
            log.warning("document %s: LINE content not fetched (%s); retrying", document.id, content.detail)
            session.commit()
            return
        document.status, document.reason = "failed", "gone" if content.kind == "gone" else "unreachable"
        log.warning("document %s: LINE content not fetched (%s); given up", document.id, content.detail)
    else:
        _check_and_store(document, content, max_bytes)
    _answer(document)
    session.commit()


def _check_and_store(document: ApplicationDocument, content: Content, max_bytes: int) -> None:
    data = content.data
    document.size = len(data)
    sniffed = checks.sniff(data)
    if len(data) > max_bytes:
        document.status, document.reason = "rejected", "too_big"
    elif sniffed is None:
        document.status, document.reason = "rejected", "wrong_type"
    if sniffed is None or len(data) > max_bytes:
        log.info("document %s rejected: %s (%d bytes)", document.id, document.reason, len(data))
        return
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.content_type = sniffed.content_type
    key = f"{document.application_id}/{document.id}-{document.sha256[:12]}.{sniffed.extension}"
    document_storage().save(key, data)
    document.storage_key, document.status, document.stored_at = key, "stored", utcnow()
    log.info("document %s stored for application %s (%s, %d bytes)", document.id, document.application_id,
             sniffed.content_type, len(data))


def _answer(document: ApplicationDocument) -> None:
    """Queue what the producer is told: a reply while the event's token is fresh, else a push."""
    session = db.session()
    user = session.get(LineUser, document.line_user_id) if document.line_user_id else None
    token, document.reply_token = document.reply_token, None
    if user is None:
        return
    fresh = utcnow() - document.received_at < timedelta(seconds=REPLY_TOKEN_SECONDS)
    enqueue_reply(session, user.line_user_id, token if fresh else None, answer_for(session, document, user))
