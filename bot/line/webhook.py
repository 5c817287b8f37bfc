"""POST /callback: verify, store, acknowledge. No LINE API call happens here."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, current_app, request
from linebot.v3 import SignatureValidator

from bot.config import MAX_WEBHOOK_BYTES
from bot.line.events import BadEvent, validate_event
from bot.metrics import EVENTS_RECEIVED
from bot.pipeline.inbox import EventRow, EventTooOdd, check_fits, store_events
from bot.pipeline.signals import inbox_signal

log = logging.getLogger(__name__)
bp = Blueprint("line_webhook", __name__)


def _read_verified_body() -> dict:
    """Return the parsed body after the size and signature checks (abort with 4xx otherwise)."""
    if request.content_length is not None and request.content_length > MAX_WEBHOOK_BYTES:
        abort(413)
    request.max_content_length = MAX_WEBHOOK_BYTES
    signature = request.headers.get("X-Line-Signature", "")
    raw = request.get_data(cache=False)
    if not signature:
        abort(400, "missing X-Line-Signature")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        abort(400, "body is not UTF-8")
    validator = SignatureValidator(current_app.config["LINE_CHANNEL_SECRET"])
    if not validator.validate(text, signature):
        log.warning("webhook: invalid signature (%d bytes)", len(raw))
        abort(400, "invalid signature")
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's parser goes
        abort(400, "body is not JSON")
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        abort(400, "not a LINE webhook body")
    return body


def _no_constant(name: str) -> None:
    """NaN, Infinity and -Infinity are not JSON: such a value is kept as null (the database's JSON
    types refuse them), so the events of the body can still be stored."""
    log.warning("webhook: %s in the body replaced by null", name)


def _event_row(raw: dict) -> EventRow:
    """The stored columns of one event, or `BadEvent` when a value would not fit its column."""
    event = validate_event(raw)
    source = event.source
    mode = str(getattr(event.mode, "value", event.mode) or "active")
    row = EventRow(
        webhook_event_id=event.webhook_event_id,
        event_type=str(raw.get("type", "")),
        source_user_id=getattr(source, "user_id", None),
        mode=mode,
        is_redelivery=bool(event.delivery_context and event.delivery_context.is_redelivery),
        event_timestamp=int(event.timestamp or 0),
        payload=raw,
    )
    check_fits(row, getattr(event, "reply_token", None))
    return row


@bp.post("/callback")
def callback():
    """Store each valid event once and answer 200 at once; bad events are logged and skipped."""
    body = _read_verified_body()
    rows: list[EventRow] = []
    for index, raw in enumerate(body["events"]):
        try:
            rows.append(_event_row(raw))
        except (BadEvent, EventTooOdd) as exc:
            log.warning("webhook: skipped event %d: %s", index, exc)
    stored = store_events(rows)
    if stored:
        inbox_signal.set()
        EVENTS_RECEIVED.inc(stored)
    if stored < len(rows):
        log.info("webhook: %d duplicate event(s) ignored", len(rows) - stored)
    return "OK", 200
