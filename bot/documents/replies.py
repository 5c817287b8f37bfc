"""What the producer is told once a document is settled (texts in knowledge/replies/documents.yaml)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from bot.documents.checks import human_size
from bot.documents.model import ApplicationDocument
from bot.documents.records import waiting_applications
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.models import Application, LineUser


def too_big(lang: str, size: int, limit: int) -> m.Message:
    return m.text(phrase("documents_too_big", lang, size=human_size(size), limit=human_size(limit)))


def answer_for(session: Session, document: ApplicationDocument, user: LineUser) -> list[m.Message]:
    """The confirmation (which application, what was received) or why nothing was kept."""
    lang = user.language or "th"
    if document.status == "rejected" and document.reason == "too_big":
        return [too_big(lang, document.size or 0, int(current_app.config["DOCUMENT_MAX_BYTES"]))]
    if document.status == "rejected":
        return [m.text(phrase("documents_wrong_type", lang))]
    if document.status != "stored":
        return [m.text(phrase("documents_failed", lang))]
    application = session.get(Application, document.application_id)
    assert application is not None  # the row cascades with its application
    size = human_size(document.size or 0)
    what = (phrase("documents_what_file", lang, name=document.file_name, size=size)
            if document.kind == "file" and document.file_name else phrase("documents_what_image", lang, size=size))
    text = phrase("documents_received", lang, what=what, number=application.number, province=application.province)
    waiting = waiting_applications(session, user)
    if len(waiting) > 1:
        text += "\n\n" + phrase("documents_attached_latest", lang, count=len(waiting), number=application.number)
    return [m.text(text)]
