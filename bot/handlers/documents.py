"""Photos and files: kept for the application that waits on the producer, else an explanation.

A linked producer (verified `ApplicationLink`) whose application is at a stage that pauses the clock for
the applicant may send photos and files here. The handler runs inside the dispatcher's transaction, so it
only records a ``pending`` row; bot/documents/jobs.py downloads, checks, stores and answers outside it.
Several applications waiting: the document goes to the one that most recently started waiting, and the
confirmation says so. Redelivered messages (same LINE message id) are recorded once.
"""
from __future__ import annotations

from flask import current_app

from bot.cases.applications import stage_book
from bot.cases.verification import linked_applications
from bot.documents import jobs, records
from bot.documents.replies import too_big
from bot.handlers import office_contact
from bot.handlers.greeting import main_menu
from bot.handlers.turn import Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m


def on_document(turn: Turn) -> list[m.Message]:
    """An image or file message."""
    incoming, session = turn.incoming, turn.session
    waiting = records.waiting_applications(session, turn.user)
    if not waiting:
        return _explain(turn)
    if not incoming.message_id or records.already_recorded(session, incoming.message_id):
        return []  # the same message again: it was answered the first time
    limit = int(current_app.config["DOCUMENT_MAX_BYTES"])
    if incoming.file_size is not None and incoming.file_size > limit:
        return [too_big(turn.lang, incoming.file_size, limit)]  # not even downloaded
    records.record_pending(session, waiting[0], turn.user, kind=incoming.kind, message_id=incoming.message_id,
                           file_name=incoming.file_name, reply_token=incoming.reply_token)
    jobs.wake()
    return []  # the fetch job answers once the content is checked


def _explain(turn: Turn) -> list[m.Message]:
    """Nothing stored: how documents are submitted (unlinked), or that this application is not waiting."""
    linked = linked_applications(turn.session, turn.user)
    if not linked:
        return [m.text(phrase("documents_not_linked", turn.lang),
                       [*main_menu(turn.lang), office_contact.office_button(turn.lang)])]
    latest = linked[0]
    book, label = stage_book(), latest.stage
    if latest.stage in book:
        label = book[latest.stage].label_en if turn.lang == "en" else book[latest.stage].label_th
    return [m.text(phrase("documents_not_waiting", turn.lang, number=latest.number, stage=label),
                   [office_contact.office_button(turn.lang, latest.province), *main_menu(turn.lang)])]
