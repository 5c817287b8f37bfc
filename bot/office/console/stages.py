"""Several stages in one step on the application page: the form (template global ``stages_form``) and its
POST, which records each stage with its own date and sends the linked producers ONE LINE message.
Registered on the console blueprint (bot/office/console/base.py)."""
from __future__ import annotations

import re

from flask import flash, g, redirect, url_for

from bot.cases.applications import ApplicationError, reachable_stages, stage_book
from bot.db import db
from bot.models import Application
from bot.office.casework import InvalidFields, linked_count
from bot.office.console.base import bp, login_required
from bot.office.console.forms import StagesForm
from bot.office.console.views import application_or_abort, detail_page, stage_form
from bot.office.moves import record_moves

_FIELD = re.compile(r"^stages\.(\d+)\.(stage|on|note)$")


@bp.app_template_global("stages_form")
def stages_form(application: Application) -> StagesForm:
    """The form of this request (with its errors after a refused POST), else a fresh one."""
    form = g.get("stages_form") or StagesForm(formdata=None)
    choices = [("", "—")] + [(s.key, s.label_th) for s in stage_book()
                             if s.key in reachable_stages() and s.key != stage_book().start.key]
    for row in form.moves:
        row.form.stage.choices = choices
    return form


@bp.post("/applications/<path:number>/stages")
@login_required
def change_stages(number: str):
    found = application_or_abort(number)
    form = g.stages_form = StagesForm()
    if not form.validate_on_submit():
        return detail_page(found, stage_form(found)), 400
    moves = [{"stage": row.form.stage.data, "on": row.form.on.data, "note": row.form.note.data or "",
              "note_public": bool(form.note_public.data)} for row in form.moves if row.form.stage.data]
    try:
        record_moves(db.session(), g.officer, found.number, moves)
    except ApplicationError as exc:
        db.session.rollback()
        _show(form, exc)
        found = application_or_abort(number)
        return detail_page(found, stage_form(found)), 409 if exc.code == "not_allowed" else 422
    followers = linked_count(db.session(), found)
    db.session.commit()
    labels = " → ".join(stage_book()[m["stage"]].label_th for m in moves)
    flash(f"บันทึก {len(moves)} ขั้นตอนแล้ว: {labels}" + (f" และส่งข้อความสรุปทาง LINE ถึงผู้ติดตาม {followers} คน"
                                                         if followers else " (ยังไม่มีผู้ติดตามทาง LINE)"), "success")
    return redirect(url_for("console.application", number=found.number))


def _show(form: StagesForm, exc: ApplicationError) -> None:
    """Each field's error under its row; anything else (order, allowed moves, dates) under the form."""
    rows = [row for row in form.moves if row.form.stage.data]
    general = []
    for key, message in (exc.errors.items() if isinstance(exc, InvalidFields) else [("", str(exc))]):
        match = _FIELD.match(key)
        if match and int(match[1]) <= len(rows):
            getattr(rows[int(match[1]) - 1].form, match[2]).errors = [message]
        else:
            general.append(message)
    form.form_errors = general
