"""Logging set-up: a filter that masks phone and national ID numbers in every record, the request and event
ids of each record, and plain text (``make run``) or one JSON object per line (``LOG_FORMAT=json``, production)."""
from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

# 13-digit national IDs (with or without dashes/spaces) and Thai phone numbers.
_PERSONAL = re.compile(
    r"(?<!\d)(?:\d[\s-]?\d{4}[\s-]?\d{5}[\s-]?\d{2}[\s-]?\d"  # national ID 1-2345-67890-12-3
    r"|0\d{1,2}[\s-]?\d{3}[\s-]?\d{3,4}"  # phone 081-234-5678, 02 123 4567
    r"|\+66[\s-]?\d{1,2}[\s-]?\d{3}[\s-]?\d{3,4})(?!\d)"
)


def redact(text: str) -> str:
    """Replace anything that looks like a phone or national ID number with ``[ปกปิด]``."""
    return _PERSONAL.sub("[ปกปิด]", text)


class RedactPersonalData(logging.Filter):
    """Mask personal numbers in the final message of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: int = logging.INFO, fmt: str = "text") -> None:
    """Log to stderr with personal numbers masked and the request/event ids added, as ``fmt`` (``text`` or
    ``json``); idempotent (a second call only changes the format)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if any(isinstance(f, RedactPersonalData) for f in h.filters)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.addFilter(RedactPersonalData())
        handler.addFilter(ContextIds())
        root.addHandler(handler)
    handler.setFormatter(_formatter(fmt))
    root.setLevel(level)


# ---- request and event ids, and the JSON format ----------------------------------------------------------
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
event_id: ContextVar[str | None] = ContextVar("event_id", default=None)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ContextIds(logging.Filter):
    """Add the current web request's id and the LINE event's id (``webhookEventId``) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.event_id = event_id.get()
        return True


def incoming_request_id(header: str | None) -> str:
    """The proxy's ``X-Request-Id`` when it looks like one, else a new id (never a value that could carry data)."""
    return header if header and _REQUEST_ID.fullmatch(header) else uuid.uuid4().hex


def _formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":  # one JSON object per line: time, level, logger, message, request_id, event_id (+ exc_info)
        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(event_id)s",
                             rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                             json_ensure_ascii=False)
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
