"""The one text-cleaning and decoding helper used by every place that stores user or file text."""
import pytest

from bot.nlp.normalize import clean_text, decode_text


@pytest.mark.parametrize(("raw", "one_line", "expected"), [
    ("  น้ำพริก\x00แกง  ", True, "น้ำพริกแกง"),  # NUL: PostgreSQL text cannot hold it
    ("a\u200bb\u202ec\ufeff", True, "abc"),  # zero-width, direction override, BOM
    ("line one\r\n  line two\t", True, "line one line two"),
    ("line one\r\n  line two\t", False, "line one\n  line two"),  # lines kept, ends trimmed
    ("e\u0301", True, "\u00e9"),  # NFC
    (None, True, ""),
    (129, True, "129"),
])
def test_clean_text(raw, one_line, expected):
    assert clean_text(raw, 100, one_line=one_line) == expected


def test_clean_text_clips():
    assert clean_text("ก" * 50, 10) == "ก" * 10


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_decode_text_reads_excel_and_thai_encodings(encoding):
    assert decode_text("เลขที่คำขอ,ผลิตภัณฑ์".encode(encoding)) == "เลขที่คำขอ,ผลิตภัณฑ์"


def test_decode_text_refuses_other_bytes():
    assert decode_text(b"\x81\xff\xfe\x00") is None
