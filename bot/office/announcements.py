"""Announcements to the followers who chose a news category (multicast, ≤ 500 per request)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.office.subscriptions import categories, subscribers
from bot.pipeline.outbox import enqueue_multicast


class AnnouncementError(ValueError):
    """The announcement cannot be sent as given."""


@dataclass
class Announcement:
    recipients: int
    requests: int


def announcement_messages(category: str, text: str) -> list[m.Message]:
    """The announcement text with a footer saying how to stop; within LINE's text limit."""
    if category not in categories():
        raise AnnouncementError(f"ไม่รู้จักหมวด {category!r} (มี: {', '.join(categories())}) / unknown category")
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise AnnouncementError("ข้อความว่าง / the announcement is empty")
    footer = phrase("announce_footer", "th", category=categories()[category].label_th)
    full = f"{body}\n\n{footer}"
    if m.utf16_len(full) > m.MAX_TEXT_UNITS:
        raise AnnouncementError(f"ข้อความยาวเกิน {m.MAX_TEXT_UNITS - m.utf16_len(footer) - 2} ตัวอักษร / too long")
    return [m.text(full)]


def announce(session: Session, category: str, text: str, dry_run: bool = False) -> Announcement:
    """Queue ``text`` to every follower who chose ``category`` (commits unless ``dry_run``)."""
    messages = announcement_messages(category, text)
    to = subscribers(session, category)
    if dry_run or not to:
        return Announcement(len(to), 0)
    rows = enqueue_multicast(session, to, messages, purpose="announcement")
    session.commit()
    return Announcement(len(to), len(rows))
