"""The import page: upload a CSV or XLSX file of applications, see every bad row at once, then fix the file
or import its valid rows only (one tap: the checked file comes back in the form); the downloadable template.
Registered on the console blueprint (bot/office/console/base.py)."""
from __future__ import annotations

import base64
import binascii
import zlib

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from bot.cases.applications import reachable_stages, stage_book
from bot.db import db
from bot.office.console.base import bp, login_required
from bot.office.console.forms import ImportForm
from bot.office.csv_import import HEADERS, ImportRejected, import_applications, template_file
from bot.sheets import CSV_TYPE, MAX_BYTES, XLSX_TYPE, SheetRejected

HOLD_LIMIT = 400_000  # characters of the file carried back in the form (under Werkzeug's form-field limit)


@bp.route("/applications/import", methods=["GET", "POST"])
@login_required
def import_csv():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if request.method == "POST" else 200)
    data, filename = _uploaded(form)
    if data is None:
        form.file.errors = ["กรุณาเลือกไฟล์"]
        return _page(form, status=400)
    try:
        result = import_applications(db.session(), g.officer, data, filename, valid_only=bool(form.valid_only.data))
        db.session.commit()
    except SheetRejected as exc:
        db.session.rollback()
        valid = exc.valid_rows if isinstance(exc, ImportRejected) else 0
        return _page(form, exc, valid, _hold(data), filename, 422)
    flash(f"นำเข้าคำขอ {len(result.created)} รายการแล้ว", "success")
    if result.skipped_lines:
        flash("ข้ามบรรทัดที่ " + ", ".join(map(str, result.skipped_lines)) + " เพราะข้อมูลไม่ถูกต้อง "
              "กรุณาแก้แถวเหล่านี้แล้วนำเข้าเฉพาะแถวนั้นอีกครั้ง", "info")
    return redirect(url_for("console.applications", sort="updated"))


def _page(form: ImportForm, rejected: SheetRejected | None = None, valid_rows: int = 0, held: str | None = None,
          filename: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("console/import.html", form=form, headers=HEADERS,
                           problems=rejected.problems if rejected else [], valid_rows=valid_rows, held=held,
                           filename=filename, stages=[s for s in stage_book() if s.key in reachable_stages()]), status


def _uploaded(form: ImportForm) -> tuple[bytes | None, str]:
    """The new upload, else the file held in the form since it was checked."""
    if form.file.data:
        return form.file.data.read(), form.file.data.filename or ""
    if form.held.data:
        return _release(form.held.data), form.filename.data or ""
    return None, ""


def _hold(data: bytes) -> str | None:
    """The file, compressed, as text for a hidden field (None when too large: the officer uploads it again)."""
    text = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    return text if len(text) <= HOLD_LIMIT else None


def _release(text: str) -> bytes | None:
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(text, validate=True), MAX_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        return None
    return data if len(data) <= MAX_BYTES else None


@bp.get("/applications/import/template.<any(csv, xlsx):fmt>")
@login_required
def import_template(fmt: str) -> Response:
    """The template with Thai headers and an example row of the officer's province."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    response = Response(template_file(fmt, g.officer.province), mimetype=CSV_TYPE if fmt == "csv" else XLSX_TYPE)
    response.headers["Content-Disposition"] = f"attachment; filename=tcps-applications-template.{fmt}"
    return response
