"""Which application a document is for, the pending row the handler writes, and what officers list."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.applications import stage_book
from bot.cases.verification import linked_applications
from bot.documents.model import ApplicationDocument
from bot.models import Application, LineUser


def waits_on_producer(application: Application) -> bool:
    """The application's stage pauses the clock for the applicant (knowledge/stages.yaml ``pauses_clock``)."""
    book = stage_book()
    return application.stage in book and book[application.stage].pauses_clock


def waiting_applications(session: Session, user: LineUser) -> list[Application]:
    """The user's linked applications that wait on them, the one that most recently started waiting first."""
    waiting = [a for a in linked_applications(session, user) if waits_on_producer(a)]
    return sorted(waiting, key=lambda a: (a.stage_entered_on, a.id), reverse=True)


def already_recorded(session: Session, line_message_id: str) -> bool:
    return session.scalar(select(ApplicationDocument.id).where(
        ApplicationDocument.line_message_id == line_message_id)) is not None


def record_pending(session: Session, application: Application, user: LineUser, *, kind: str, message_id: str,
                   file_name: str, reply_token: str | None) -> ApplicationDocument:
    """The row the fetch job completes (in the caller's transaction)."""
    document = ApplicationDocument(application_id=application.id, line_user_id=user.id, line_message_id=message_id,
                                   kind=kind, file_name=file_name[:255] or None, reply_token=reply_token,
                                   status="pending", attempts=0)
    session.add(document)
    session.flush()
    return document


def stored_documents(session: Session, application: Application) -> list[ApplicationDocument]:
    """The documents kept for ``application``, newest first."""
    return stored_documents_of(session, [application.id]).get(application.id, [])


def stored_documents_of(session: Session, application_ids: list[int]) -> dict[int, list[ApplicationDocument]]:
    """The documents kept for each of ``application_ids``, newest first (one query for a page of them)."""
    found: dict[int, list[ApplicationDocument]] = {}
    for document in session.scalars(select(ApplicationDocument).where(
            ApplicationDocument.application_id.in_(application_ids), ApplicationDocument.status == "stored")
            .order_by(ApplicationDocument.received_at.desc(), ApplicationDocument.id.desc())):
        found.setdefault(document.application_id, []).append(document)
    return found


def documents_json(documents: list[ApplicationDocument]) -> list[dict[str, Any]]:
    """``documents`` of ``GET /api/v1/applications/<number>``: ``[{id, kind, content_type, size, received_at}]``."""
    return [{"id": d.id, "kind": d.kind, "content_type": d.content_type, "size": d.size,
             "received_at": d.received_at.isoformat(timespec="seconds") + "Z"} for d in documents]


def download_name(document: ApplicationDocument, application: Application) -> str:
    """The file name of a download: the sender's name for files, ``photo-67-0012-5.jpg`` for photos."""
    extension = (document.storage_key or "").rsplit(".", 1)[-1] or "bin"
    if document.kind == "file" and document.file_name:
        stem = document.file_name.rsplit(".", 1)[0] if "." in document.file_name else document.file_name
        return f"{stem}.{extension}"
    return f"photo-{application.number.replace('/', '-')}-{document.id}.{extension}"
