"""The console's pages. Every query goes through the province scope in bot.office.officers."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, session, url_for

from bot.cases.applications import ApplicationError, stage_book, timeline_of, today_in_thailand
from bot.cases.provinces import provinces
from bot.db import db
from bot.metrics import CONSOLE_LOGINS
from bot.models import OfficerQuestion
from bot.office.casework import (
    InvalidFields,
    add_application,
    failed_notifications,
    known_standards,
    linked_count,
    move_stage,
    next_stages,
    overdue_applications,
    search_applications,
    stage_counts,
)
from bot.office.console.base import bp, login_required, safe_next, start_session
from bot.office.console.forms import AnswerForm, ApplicationForm, LoginForm, PostForm, StageForm
from bot.office.officers import application_for, authenticate
from bot.office.questions import (
    QuestionError,
    answer_question,
    askers_applications,
    close_question,
    handles,
    pending_count,
    pending_questions,
    scope_of,
)

PER_PAGE = 50


# ---- login --------------------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if g.officer is not None and request.method == "GET":
        return redirect(url_for("console.dashboard"))
    status = 200
    if form.validate_on_submit():
        officer, outcome = authenticate(db.session(), form.username.data, form.password.data,
                                        request.remote_addr or "?")
        db.session.commit()
        CONSOLE_LOGINS.labels(outcome).inc()
        if officer is not None:
            start_session(officer)
            return redirect(safe_next(request.args.get("next")))
        if outcome == "locked":
            flash("เข้าสู่ระบบผิดหลายครั้งเกินไป ระบบล็อกไว้ชั่วคราว กรุณารอ 15 นาทีแล้วลองใหม่", "error")
            status = 429
        else:
            flash("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("console/login.html", form=form), status


@bp.post("/logout")
def logout():
    session.clear()  # CSRFProtect has checked the form's token, as for every POST
    flash("ออกจากระบบแล้ว", "info")
    return redirect(url_for("console.login"))


# ---- dashboard and lists ----------------------------------------------------------------------------------
@bp.get("/")
@login_required
def dashboard():
    today = today_in_thailand()
    counts = stage_counts(db.session(), g.officer)
    return render_template("console/dashboard.html", counts=counts, total=sum(n for _, n in counts),
                           overdue=overdue_applications(db.session(), g.officer, today),
                           failed=failed_notifications(db.session(), g.officer), today=today,
                           questions=pending_count(db.session(), scope_of(g.officer)))


@bp.get("/applications")
@login_required
def applications():
    args = request.args
    stage = args.get("stage", "")
    if stage and stage not in stage_book():
        stage = ""
    sort = args.get("sort", "updated")
    descending = args.get("order", "desc") != "asc"
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    overdue = args.get("overdue") == "1"
    listing = search_applications(db.session(), g.officer, q=args.get("q", ""), stage=stage, overdue=overdue,
                                  sort=sort, descending=descending, page=page, per_page=PER_PAGE)
    params = {"q": args.get("q", ""), "stage": stage, "overdue": "1" if overdue else "", "sort": sort,
              "order": "desc" if descending else "asc"}
    return render_template("console/applications.html", listing=listing, params=params, stages=list(stage_book()))


@bp.get("/applications/<path:number>")
@login_required
def application(number: str):
    found = application_or_abort(number)
    return detail_page(found, stage_form(found))


@bp.post("/applications/<path:number>/stage")
@login_required
def change_stage(number: str):
    found = application_or_abort(number)
    form = stage_form(found)
    if not form.validate_on_submit():
        return detail_page(found, form), 400
    try:
        move_stage(db.session(), g.officer, found.number, form.stage.data, form.note.data or "",
                   form.note_public.data, {"number": form.certificate_number.data,
                                           "holder_name": form.holder_name.data})
    except ApplicationError as exc:
        db.session.rollback()
        form.stage.errors = [str(exc)]
        return detail_page(application_or_abort(number), form), 409 if exc.code == "not_allowed" else 400
    followers = linked_count(db.session(), found)
    db.session.commit()
    label = stage_book()[form.stage.data].label_th
    flash(f"เปลี่ยนขั้นตอนเป็น \"{label}\" แล้ว" + (f" และส่งแจ้งเตือนทาง LINE ถึงผู้ติดตาม {followers} คน"
                                                     if followers else " (ยังไม่มีผู้ติดตามทาง LINE)"), "success")
    return redirect(url_for("console.application", number=found.number))


def application_or_abort(number: str):
    """The application ``number`` if this officer may see it; 403 for another province's, 404 for none."""
    try:
        return application_for(db.session(), g.officer, number)
    except ApplicationError as exc:
        abort(403 if exc.code == "forbidden" else 404)


def stage_form(found) -> StageForm:
    """The one-stage move form, offering the stages that may follow the application's."""
    form = StageForm()
    form.stage.choices = [("", "— เลือกขั้นตอน —")] + [(s.key, s.label_th) for s in next_stages(found)]
    return form


def detail_page(found, form: StageForm):
    """The application's page (also shown again, with its errors, after a refused move; stages.py uses it)."""
    return render_template("console/application.html", app=found, form=form, timeline=timeline_of(found),
                           followers=linked_count(db.session(), found), book=stage_book(),
                           standard_name=known_standards(db.session()).get(found.standard_number or -1))


# ---- creating (importing: imports.py) ------------------------------------------------------------
@bp.route("/applications/new", methods=["GET", "POST"])
@login_required
def new_application():
    form = ApplicationForm()
    form.province.choices = _province_choices()
    if request.method == "GET":
        form.province.data = g.officer.province
        form.submitted_on.data = today_in_thailand().isoformat()
    elif form.validate_on_submit():
        raw: dict[str, Any] = {name: getattr(form, name).data for name in
                               ("number", "applicant_name", "phone", "province", "product", "standard_number",
                                "submitted_on")}
        try:
            created = add_application(db.session(), g.officer, raw)
            db.session.commit()
        except InvalidFields as exc:
            db.session.rollback()
            for field, message in exc.errors.items():
                getattr(form, field).errors = [message]
        except ApplicationError as exc:
            db.session.rollback()
            form.number.errors = [str(exc)]
        else:
            flash(f"เพิ่มคำขอเลขที่ {created.number} แล้ว", "success")
            return redirect(url_for("console.application", number=created.number))
        return render_template("console/new.html", form=form), 422
    return render_template("console/new.html", form=form), 200 if request.method == "GET" else 400


def _province_choices() -> list[tuple[str, str]]:
    if g.officer.is_admin:
        return [(p, p) for p in provinces()]
    return [(g.officer.province, g.officer.province)]




# ---- questions for officers (answered by LINE) -------------------------------------------------------------
@bp.get("/questions")
@login_required
def questions():
    return _questions_page(AnswerForm())


def _questions_page(form: AnswerForm, failed_id: int | None = None, status: int = 200):
    """The pending questions this officer handles, oldest first; ``failed_id``'s form shows ``form``'s errors."""
    scope = scope_of(g.officer)
    listing = pending_questions(db.session(), scope)
    return render_template("console/questions.html", questions=listing, total=pending_count(db.session(), scope),
                           linked=askers_applications(db.session(), listing, g.officer), form=form,
                           failed_id=failed_id, close=PostForm()), status


@bp.post("/questions/<int:question_id>/answer")
@login_required
def answer(question_id: int):
    question = _question_or_abort(question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _questions_page(form, question_id, 400)
    try:
        answer_question(db.session(), question, g.officer, form.answer.data)
    except QuestionError as exc:
        return _refused(exc, form, question_id)
    db.session.commit()
    flash("บันทึกคำตอบแล้ว ระบบกำลังส่งถึงผู้ถามทาง LINE (ถ้าส่งไม่สำเร็จจะแสดงในหน้าภาพรวม)", "success")
    return redirect(url_for("console.questions"))


@bp.post("/questions/<int:question_id>/close")
@login_required
def close(question_id: int):
    question = _question_or_abort(question_id)
    try:
        close_question(db.session(), question, g.officer)
    except QuestionError as exc:
        return _refused(exc, AnswerForm(), question_id)
    db.session.commit()
    flash("ปิดคำถามแล้ว (ไม่ได้ส่งข้อความใดถึงผู้ถาม)", "info")
    return redirect(url_for("console.questions"))


def _question_or_abort(question_id: int) -> OfficerQuestion:
    """The question, locked for this transaction (two officers cannot both answer it); 404 for offers that
    were never sent to officers, 403 for another province's question (checked before its status)."""
    question = db.session.get(OfficerQuestion, question_id, with_for_update=True)
    if question is None or question.status in ("offered", "withdrawn"):
        abort(404)
    if not handles(g.officer, question):
        abort(403)
    return question


def _refused(exc: QuestionError, form: AnswerForm, question_id: int):
    db.session.rollback()
    if exc.code == "not_allowed":
        abort(403)
    if exc.code == "empty":
        form.answer.errors = ["กรุณาพิมพ์คำตอบก่อนกดส่ง"]
        return _questions_page(form, question_id, 400)
    flash("คำถามนี้มีเจ้าหน้าที่ตอบหรือปิดไปแล้ว จึงไม่ได้ส่งซ้ำ", "error")
    return _questions_page(AnswerForm(), None, 409)
