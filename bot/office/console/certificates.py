"""Console pages of certificates: the list, one certificate (state change with a reason, QR code PNG/SVG,
a new verification link, lookup count, history), and the import of an office's sheet with its template.
Province scope as for applications: another province's certificate is 403 (admins see all)."""
from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.cases.applications import today_in_thailand
from bot.certificates.facts import facts_of, verify_url
from bot.certificates.importer import FIELDS, LABELS_TH, certificate_template, import_certificates
from bot.certificates.model import Certificate
from bot.certificates.qr import qr_png, qr_svg
from bot.certificates.records import CertificateError, change_state, find_certificate, replace_link, state_on
from bot.db import db
from bot.office.console.base import bp, login_required
from bot.office.console.forms import CertificateImportForm, CertificateStateForm, PostForm
from bot.office.officers import may_manage, sees_all
from bot.sheets import CSV_TYPE, XLSX_TYPE, SheetRejected

LISTED = 200


@bp.get("/certificates")
@login_required
def certificates():
    statement = select(Certificate).order_by(Certificate.expires_on.desc()).limit(LISTED)
    if not sees_all(g.officer):
        statement = statement.where(Certificate.province == g.officer.province)
    found = db.session.scalars(statement).all()
    return render_template("console/certificates.html", certificates=found, today=today_in_thailand(),
                           state_on=state_on)


@bp.get("/certificates/<path:number>")
@login_required
def certificate(number: str):
    found = _certificate_or_abort(number)
    return _detail(found, CertificateStateForm(state=found.state))


@bp.post("/certificates/<path:number>/state")
@login_required
def change_certificate_state(number: str):
    found = _certificate_or_abort(number)
    form = CertificateStateForm()
    if not form.validate_on_submit():
        return _detail(found, form), 400
    try:
        change_state(found, form.state.data, form.reason.data or "", g.officer)
    except CertificateError as exc:
        db.session.rollback()
        form.reason.errors = [str(exc)]
        return _detail(found, form), 400
    db.session.commit()
    flash("เปลี่ยนสถานะใบรับรองแล้ว", "success")
    return redirect(url_for("console.certificate", number=found.number))


@bp.post("/certificates/<path:number>/link")
@login_required
def new_certificate_link(number: str):
    found = _certificate_or_abort(number)
    if not PostForm().validate_on_submit():
        abort(400)
    replace_link(found)
    db.session.commit()
    flash("ออกลิงก์ใหม่แล้ว QR code เดิมจะแสดงว่า \"ลิงก์นี้ถูกแทนที่แล้ว\" กรุณาพิมพ์ฉลากใหม่", "success")
    return redirect(url_for("console.certificate", number=found.number))


@bp.get("/certificates/<path:number>/qr.<kind>")
@login_required
def certificate_qr(number: str, kind: str):
    found = _certificate_or_abort(number)
    url = verify_url(found)
    if kind not in ("png", "svg") or url is None:
        abort(404)
    body, mimetype = (qr_png(url), "image/png") if kind == "png" else (qr_svg(url), "image/svg+xml")
    name = "certificate-qr." + kind
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/certificates/import", methods=["GET", "POST"])
@login_required
def import_certificate_file():
    form = CertificateImportForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_certificates(db.session(), upload.read(), upload.filename or "", g.officer)
        except SheetRejected as exc:
            db.session.rollback()
            problems, status = [str(p) for p in exc.problems], 422
        else:
            db.session.commit()
            flash(f"นำเข้าใบรับรอง {result.rows} แถว: ใหม่ {result.created} ปรับปรุง {result.updated} "
                  f"ไม่เปลี่ยน {result.rows - result.created - result.updated}", "success")
            return redirect(url_for("console.certificates"))
    elif request.method == "POST":
        status = 400
    return render_template("console/certificate_import.html", form=form, problems=problems, fields=FIELDS,
                           labels=LABELS_TH), status


@bp.get("/certificates/template.<fmt>")
@login_required
def certificate_template_file(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return Response(certificate_template(fmt), mimetype=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="certificates-template.{fmt}"'})


def _certificate_or_abort(number: str) -> Certificate:
    found = find_certificate(db.session(), number)
    if found is None:
        abort(404)
    if not may_manage(g.officer, found.province):
        abort(403)
    return found


def _detail(found: Certificate, form: CertificateStateForm):
    return render_template("console/certificate.html", cert=found, form=form, link_form=PostForm(),
                           facts=facts_of(db.session(), found, today_in_thailand()), url=verify_url(found))
