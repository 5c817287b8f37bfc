"""The console's "สำนักงาน" pages: each province's officers correct their own office's contact (what the bot
shows in LINE); an admin may correct any. Registered on the console blueprint (bot/office/console/base.py)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from bot.cases.provinces import provinces
from bot.db import db
from bot.directory.data import directory
from bot.directory.model import CONTACT_FIELDS, Office
from bot.directory.store import correct_office, office_row
from bot.models import Officer
from bot.office.console.base import bp, login_required
from bot.office.console.forms import OfficeForm
from bot.office.officers import may_manage


@bp.get("/offices")
@login_required
def offices():
    """Admins: every office; a provincial officer goes straight to their own."""
    if not g.officer.is_admin:
        return redirect(url_for("console.office", province=g.officer.province))
    rows = {o.province: o for o in db.session.scalars(select(Office))}
    listing = [(p, rows.get(p) or directory().offices[p]) for p in provinces()]
    return render_template("console/offices.html", listing=listing)


@bp.route("/offices/<province>", methods=["GET", "POST"])
@login_required
def office(province: str):
    if province not in provinces():
        abort(404)
    if not may_manage(g.officer, province):
        abort(403)
    row = office_row(db.session(), province)
    if row is None:
        abort(404)
    form = OfficeForm(obj=row)
    if not form.validate_on_submit():
        status = 200 if not form.is_submitted() else 422
        return render_template("console/office.html", form=form, office=row, editor=_editor(row)), status
    changed = correct_office(row, g.officer, {name: getattr(form, name).data for name in CONTACT_FIELDS})
    db.session.commit()
    flash(f"บันทึกข้อมูลติดต่อแล้ว ({len(changed)} ช่อง) บอทแสดงข้อมูลใหม่ทันที" if changed
          else "ไม่มีอะไรเปลี่ยน", "success" if changed else "info")
    return redirect(url_for("console.office", province=province))


def _editor(row: Office) -> str | None:
    officer = db.session.get(Officer, row.updated_by) if row.updated_by else None
    return officer.username if officer else None
