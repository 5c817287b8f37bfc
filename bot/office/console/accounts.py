"""Officer accounts, for admins only (others 403): the list, revoke an officer's API tokens, reset a password,
deactivate and reactivate — the same as `flask officers …` (bot/office/accounts.py does the work).
Registered on the console blueprint (bot/office/console/base.py)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, session, url_for

from bot.db import db
from bot.models import Officer
from bot.office.accounts import all_officers, reset_password, revoke_tokens, set_active
from bot.office.console.base import admin_required, bp
from bot.office.console.forms import PasswordForm, PostForm
from bot.office.officers import AccountError


@bp.get("/officers")
@admin_required
def officers():
    return render_template("console/officers.html", officers=all_officers(db.session()), button=PostForm())


@bp.post("/officers/<int:officer_id>/revoke-tokens")
@admin_required
def revoke_officer_tokens(officer_id: int):
    officer = _officer_or_abort(officer_id)
    if not PostForm().validate_on_submit():
        abort(400)
    count = revoke_tokens(db.session(), officer, by=g.officer)
    db.session.commit()
    flash(f"ยกเลิก API token ของ {officer.username} แล้ว {count} รายการ (ใช้งานไม่ได้ทันที)", "success")
    return redirect(url_for("console.officers"))


@bp.post("/officers/<int:officer_id>/deactivate")
@admin_required
def deactivate_officer(officer_id: int):
    return _set_active(officer_id, False)


@bp.post("/officers/<int:officer_id>/activate")
@admin_required
def activate_officer(officer_id: int):
    return _set_active(officer_id, True)


def _set_active(officer_id: int, active: bool):
    officer = _officer_or_abort(officer_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        set_active(db.session(), officer, active, by=g.officer)
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc).split(" / ")[0], "error")
        return render_template("console/officers.html", officers=all_officers(db.session()), button=PostForm()), 409
    db.session.commit()
    flash(f"เปิดใช้บัญชี {officer.username} แล้ว" if active else
          f"ปิดบัญชี {officer.username} แล้ว ออกจากระบบและใช้ API token ไม่ได้ทันที", "success")
    return redirect(url_for("console.officers"))


@bp.route("/officers/<int:officer_id>/password", methods=["GET", "POST"])
@admin_required
def reset_officer_password(officer_id: int):
    officer = _officer_or_abort(officer_id)
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            reset_password(db.session(), officer, form.password.data, by=g.officer)
        except AccountError as exc:
            db.session.rollback()
            form.password.errors = [str(exc).split(" / ")[0]]
            status = 422
        else:
            db.session.commit()
            if officer.id == g.officer.id:  # one's own other sessions end, this one goes on
                session["session_version"] = officer.session_version
            flash(f"ตั้งรหัสผ่านใหม่ให้ {officer.username} แล้ว การเข้าสู่ระบบเดิมของบัญชีนี้สิ้นสุดทันที", "success")
            return redirect(url_for("console.officers"))
    elif form.is_submitted():
        status = 400
    return render_template("console/officer_password.html", officer=officer, form=form), status


def _officer_or_abort(officer_id: int) -> Officer:
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        abort(404)
    return officer
