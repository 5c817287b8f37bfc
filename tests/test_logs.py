"""No phone or national ID numbers reach the logs."""
import logging

from bot.logs import RedactPersonalData, redact


def test_phone_and_national_id_are_masked():
    text = "โทร 081-234-5678 หรือ 0812345678 บัตร 1-2345-67890-12-3 และ 1234567890123 คำขอ 67/0012"
    cleaned = redact(text)
    for secret in ("081-234-5678", "0812345678", "1-2345-67890-12-3", "1234567890123"):
        assert secret not in cleaned
    assert "67/0012" in cleaned


def test_filter_masks_formatted_records(caplog):
    logger = logging.getLogger("test.redact")
    handler_filter = RedactPersonalData()
    caplog.handler.addFilter(handler_filter)
    try:
        logger.warning("applicant phone %s", "089 999 1234")
    finally:
        caplog.handler.removeFilter(handler_filter)
    assert "089 999 1234" not in caplog.text
    assert "[ปกปิด]" in caplog.text
