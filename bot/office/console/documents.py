"""Documents producers sent in LINE, on the application page: the list (template global
``documents_of``) and the download, for the application's province's officers and admins only.
Registered on the console blueprint (bot/office/console/base.py)."""
from __future__ import annotations

from flask import abort, g, send_file
from werkzeug.wrappers import Response

from bot.db import db
from bot.documents.model import ApplicationDocument
from bot.documents.records import download_name, stored_documents
from bot.documents.storage import document_storage
from bot.models import Application
from bot.office.console.base import bp, login_required
from bot.office.officers import may_manage


@bp.app_template_global("documents_of")
def documents_of(application: Application) -> list[ApplicationDocument]:
    """The stored documents of ``application``, newest first (the page already checked the province)."""
    return stored_documents(db.session(), application)


@bp.get("/documents/<int:document_id>")
@login_required
def download_document(document_id: int) -> Response:
    """The file as an attachment, with the type sniffed when it arrived; 404 unknown, 403 another province."""
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.status != "stored" or not document.storage_key:
        abort(404)
    application = db.session.get(Application, document.application_id)
    if application is None:
        abort(404)
    if not may_manage(g.officer, application.province):
        abort(403)
    try:
        handle = document_storage().open(document.storage_key)
    except FileNotFoundError:
        abort(404)
    response = send_file(handle, mimetype=document.content_type or "application/octet-stream", as_attachment=True,
                         download_name=download_name(document, application), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
