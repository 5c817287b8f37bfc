"""The console's personal-data actions, registered on the console blueprint: on the application page, export
(JSON or CSV download) and erase the applicant's personal data (officers of the application's province and
admins; POST with a CSRF token; audit-logged), and the audit log page for admins (``/console/privacy``)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from bot.cases.applications import ApplicationError
from bot.db import db
from bot.models import Application
from bot.nlp.entities import canonical_application_number
from bot.office.console.base import bp, login_required
from bot.office.officers import application_for, sees_all
from bot.privacy.applicant import erase, export, is_erased
from bot.privacy.audit import ACTIONS_TH, recent


class ExportForm(FlaskForm):
    format = SelectField("รูปแบบไฟล์", choices=[SelectChoice("json", "JSON"), SelectChoice("csv", "CSV (เปิดด้วย Excel ได้)")])


class EraseForm(FlaskForm):
    confirm = StringField("พิมพ์เลขที่คำขอเพื่อยืนยัน", validators=[DataRequired("กรุณาพิมพ์เลขที่คำขอเพื่อยืนยัน"),
                                                                   Length(max=40)])


@bp.app_template_global("privacy_forms")
def privacy_forms() -> dict[str, FlaskForm]:
    """The application page's export and erase forms."""
    return {"export": ExportForm(prefix="export"), "erase": EraseForm(prefix="erase")}


@bp.app_template_global("personal_data_erased")
def personal_data_erased(application: Application) -> bool:
    return is_erased(application)


def _application(number: str) -> Application:
    try:
        return application_for(db.session(), g.officer, number)
    except ApplicationError as exc:
        abort(403 if exc.code == "forbidden" else 404)


@bp.post("/applications/<path:number>/personal-data/export")
@login_required
def export_personal_data(number: str) -> Response:
    """The applicant's personal data as a download; the audit row is committed with it."""
    application = _application(number)
    form = ExportForm(prefix="export")
    if not form.validate_on_submit():
        abort(400)
    body, mimetype = export(db.session(), application, form.format.data, g.officer)
    db.session.commit()
    name = f"personal-data-{application.number.replace('/', '-')}.{form.format.data}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.post("/applications/<path:number>/personal-data/erase")
@login_required
def erase_personal_data(number: str):
    """Erase after the officer typed the application number; the record stays, unlinked."""
    application = _application(number)
    form = EraseForm(prefix="erase")
    typed = canonical_application_number(form.confirm.data or "") if form.validate_on_submit() else None
    if typed != application.number:  # any accepted spelling, Thai digits too ("๖๗/๐๐๑๒")
        flash(f"ยังไม่ได้ลบ: กรุณาพิมพ์เลขที่คำขอ {application.number} ให้ตรงเพื่อยืนยัน", "error")
        return redirect(url_for("console.application", number=application.number)), 303
    if is_erased(application):
        flash("ข้อมูลส่วนบุคคลของคำขอนี้ถูกลบไปแล้ว", "info")
        return redirect(url_for("console.application", number=application.number))
    unlinked = erase(db.session(), application, officer=g.officer)
    db.session.commit()
    flash(f"ลบข้อมูลส่วนบุคคลของผู้ยื่นคำขอ {application.number} แล้ว (ยกเลิกการผูก LINE {unlinked} บัญชี) "
          "คำขอและประวัติขั้นตอนยังอยู่", "success")
    return redirect(url_for("console.application", number=application.number))


@bp.get("/privacy")
@login_required
def privacy_audit():
    """Admins only: who exported or erased personal data, and when."""
    if not sees_all(g.officer):
        abort(403)
    return render_template("console/privacy.html", rows=recent(db.session()), actions=ACTIONS_TH)
