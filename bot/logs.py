"""Logging set-up with a filter that masks phone and national ID numbers in every record."""
from __future__ import annotations

import logging
import re

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


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr with personal numbers masked (idempotent)."""
    root = logging.getLogger()
    if not any(isinstance(f, RedactPersonalData) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactPersonalData())
        root.addHandler(handler)
    root.setLevel(level)
