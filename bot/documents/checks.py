"""What a received document is, from its first bytes (never from the name or the declared type)."""
from __future__ import annotations

from dataclasses import dataclass

# (magic bytes, content type, file extension): what officers accept as evidence.
_KINDS = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
ACCEPTED = tuple(content_type for _, content_type, _ in _KINDS)


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def sniff(data: bytes) -> Sniffed | None:
    """The accepted type ``data`` starts with, or None (a ZIP, an .exe or anything else)."""
    for magic, content_type, extension in _KINDS:
        if data.startswith(magic):
            return Sniffed(content_type, extension)
    return None


def human_size(size: int) -> str:
    """``850 KB`` / ``2.4 MB`` (what a producer reads on a phone)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
