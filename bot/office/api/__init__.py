"""JSON API for officers' systems under /api/v1 (bearer tokens from `flask officers create-token`).

Same rules and province scope as the console. Errors are JSON ``{"error": {"code", "message"}}``
(plus ``fields`` for 422): 400 malformed JSON or an unknown ``status`` of the questions, 401 no or bad token, 403 another province,
404 unknown application, 409 duplicate number or a stage move that is not allowed, 422 invalid fields.
PATCH takes one move ``{"stage", "note"}`` or several made offline ``{"stages": [{"stage", "on", "note"}, …]}``.
Certificates (``GET /certificates/<number>``) of another province answer 404, as unknown ones do: a
token cannot tell whether another office holds a number.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from bot.cases.applications import ApplicationError, stage_book, today_in_thailand
from bot.certificates.facts import certificate_json
from bot.certificates.records import find_certificate
from bot.db import db
from bot.office.api.views import application_json, applications_json
from bot.office.casework import InvalidFields, add_application, move_stage, search_applications
from bot.office.moves import record_moves
from bot.office.officers import application_for, may_manage, officer_for_token
from bot.office.questions import LISTED, list_questions, question_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")

STATUS = {"invalid": 422, "unknown_stage": 422, "duplicate": 409, "not_allowed": 409, "not_found": 404,
          "forbidden": 403}
MAX_PAGE = 200
QUESTIONS_PAGE, MAX_QUESTIONS_PAGE = 100, 500
MAX_BODY = 64 * 1024


def error(status: int, code: str, message: str, **extra: Any) -> Response:
    response = jsonify(error={"code": code, "message": message, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tcps"'
    return response


@bp.before_request
def require_token() -> Response | None:
    if (request.content_length or 0) > MAX_BODY:
        return error(413, "too_large", "ข้อมูลใหญ่เกินไป / the body is too large")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    officer = officer_for_token(db.session(), token.strip()) if scheme.lower() == "bearer" else None
    if officer is None:
        db.session.rollback()
        return error(401, "unauthorized", "ต้องใช้ token ที่ถูกต้อง (Authorization: Bearer …) / "
                                          "a valid bearer token is required")
    db.session.commit()  # keeps last_used_at
    g.officer = officer
    return None


def json_body() -> dict[str, Any] | Response:
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        return error(400, "malformed_json", "ต้องส่ง JSON object / the body must be a JSON object")
    return data


@bp.errorhandler(ApplicationError)
def application_error(exc: ApplicationError) -> Response:
    db.session.rollback()
    extra = {"fields": exc.errors} if isinstance(exc, InvalidFields) else {}
    return error(STATUS.get(exc.code, 422), exc.code, str(exc), **extra)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    return error(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), exc.description or "")


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def routing_error(exc: HTTPException) -> Response | HTTPException:
    """Unknown paths and methods under /api/ answer in JSON too (others keep Flask's pages)."""
    if request.path.startswith(bp.url_prefix or "/api/"):
        return http_error(exc)
    return exc


@bp.post("/applications")
def create() -> tuple[Response, int] | Response:
    data = json_body()
    if isinstance(data, Response):
        return data
    application = add_application(db.session(), g.officer, data)
    db.session.commit()
    return jsonify(application_json(db.session(), application)), 201


@bp.get("/applications/<path:number>")
def show(number: str) -> Response:
    return jsonify(application_json(db.session(), application_for(db.session(), g.officer, number)))


@bp.patch("/applications/<path:number>")
def change(number: str) -> Response:
    data = json_body()
    if isinstance(data, Response):
        return data
    if "stages" in data:  # several moves made offline, each with its date: one push for all of them
        if "stage" in data:
            raise InvalidFields({"stages": "ส่ง stage หรือ stages อย่างใดอย่างหนึ่ง / send either stage or stages"})
        application = record_moves(db.session(), g.officer, number, data["stages"])
        db.session.commit()
        return jsonify(application_json(db.session(), application))
    note_public = data.get("note_public", False)
    if not isinstance(note_public, bool):
        raise InvalidFields({"note_public": "ต้องเป็น true หรือ false / must be true or false"})
    certificate = {"number": data.get("certificate_number"), "holder_name": data.get("holder_name")}
    application = move_stage(db.session(), g.officer, number, data.get("stage"), data.get("note", ""), note_public,
                             certificate)
    db.session.commit()
    return jsonify(application_json(db.session(), application))


@bp.get("/applications")
def index() -> Response:
    args = request.args
    try:
        limit = min(MAX_PAGE, max(1, int(args.get("limit", 50))))
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        raise InvalidFields({"limit": "ต้องเป็นตัวเลข / limit and page must be whole numbers"}) from None
    stage = args.get("stage", "")
    if stage and stage not in stage_book():
        raise InvalidFields({"stage": f"ไม่รู้จักขั้นตอน {stage!r} / unknown stage"})
    listing = search_applications(
        db.session(), g.officer, q=args.get("q", ""), stage=stage,
        overdue=args.get("overdue", "").lower() in ("1", "true", "yes"),
        sort=args.get("sort", "updated"), descending=args.get("order", "desc") != "asc", page=page, per_page=limit)
    return jsonify(items=applications_json(db.session(), [a for a, _ in listing.items]), total=listing.total,
                   page=listing.page, pages=listing.pages)


@bp.get("/questions")
def questions() -> Response:
    """The officers' queue (``status=open``, default) or ``answered`` / ``closed`` / ``all``: a JSON list,
    newest first, of the questions this officer handles (``limit`` ≤ 500, default 100; ``page`` from 1)."""
    status = request.args.get("status", "open")
    if status not in LISTED:
        return error(400, "unknown_status", f"status ต้องเป็น {', '.join(LISTED)} / status must be one of these")
    try:
        limit = min(MAX_QUESTIONS_PAGE, max(1, int(request.args.get("limit", QUESTIONS_PAGE))))
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        return error(400, "bad_page", "limit และ page ต้องเป็นตัวเลข / limit and page must be whole numbers")
    found = list_questions(db.session(), g.officer, status, limit=limit, offset=(page - 1) * limit)
    return jsonify([question_json(q) for q in found])


@bp.get("/certificates/<path:number>")
def certificate(number: str) -> Response:
    """One certificate of the officer's province (admins: any) with ``verify_url``; else 404."""
    found = find_certificate(db.session(), number)
    if found is None or not may_manage(g.officer, found.province):
        return error(404, "not_found", "ไม่พบใบรับรองเลขที่นี้ / no such certificate")
    return jsonify(certificate_json(db.session(), found, today_in_thailand()))
