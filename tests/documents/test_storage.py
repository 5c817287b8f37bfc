"""The default document storage: a directory, files readable by this user only, keys that cannot escape it;
and the sniffing of what a document is, from its bytes."""
from __future__ import annotations

import pytest

from bot.documents.checks import human_size, sniff
from bot.documents.storage import DirectoryStorage


def test_directory_storage_saves_opens_and_deletes(tmp_path):
    store = DirectoryStorage(tmp_path / "docs")
    store.save("12/34-abc.pdf", b"%PDF-1.4 x")
    path = tmp_path / "docs" / "12" / "34-abc.pdf"
    assert path.read_bytes() == b"%PDF-1.4 x" and path.stat().st_mode & 0o077 == 0
    with store.open("12/34-abc.pdf") as handle:
        assert handle.read() == b"%PDF-1.4 x"
    store.delete("12/34-abc.pdf")
    assert not path.exists()
    store.delete("12/34-abc.pdf")  # deleting twice is fine
    assert [p.name for p in (tmp_path / "docs" / "12").iterdir()] == []  # no temporary file left behind


@pytest.mark.parametrize("key", ["../x.pdf", "/etc/passwd", "a/../../b", "", "a//b", ".hidden"])
def test_keys_cannot_leave_the_directory(tmp_path, key):
    with pytest.raises(ValueError):
        DirectoryStorage(tmp_path).save(key, b"x")


def test_the_bytes_say_what_a_document_is():
    assert sniff(b"%PDF-1.7 ...").content_type == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xdb....").extension == "jpg"
    assert sniff(b"\x89PNG\r\n\x1a\n....").content_type == "image/png"
    for other in (b"PK\x03\x04zip", b"MZ\x90\x00exe", b"GIF89a", b"", b"%PD"):
        assert sniff(other) is None
    assert (human_size(500), human_size(2048), human_size(5 * 1024 * 1024)) == ("1 KB", "2 KB", "5.0 MB")
