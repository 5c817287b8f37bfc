"""Several stage moves in one step: an officer who was out of the office records each stage the application
reached, with its own date, and the linked producers get ONE push summarising them (console and API)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.cases.applications import StageMove, change_stages
from bot.models import Application, Officer
from bot.office.casework import InvalidFields, checked_note, parse_date
from bot.office.officers import application_for

MAX_MOVES = 10


def parse_moves(raw: Any) -> list[StageMove]:
    """``[{"stage", "on": "YYYY-MM-DD", "note"?, "note_public"?}, ...]`` as moves; every bad field at once
    (InvalidFields keyed ``stages.N.field``, N from 1)."""
    if not isinstance(raw, list) or not raw:
        raise InvalidFields({"stages": "ต้องเป็นรายการขั้นตอนอย่างน้อยหนึ่งรายการ / must be a non-empty list"})
    if len(raw) > MAX_MOVES:
        raise InvalidFields({"stages": f"ไม่เกิน {MAX_MOVES} ขั้นตอนต่อครั้ง / at most {MAX_MOVES} stages at once"})
    errors: dict[str, str] = {}
    moves: list[StageMove] = []
    for index, item in enumerate(raw, start=1):
        where = f"stages.{index}"
        if not isinstance(item, dict):
            errors[where] = "ต้องเป็น JSON object / must be an object"
            continue
        stage, on, note, public = item.get("stage"), item.get("on"), "", item.get("note_public", False)
        if not isinstance(stage, str) or not stage:
            errors[f"{where}.stage"] = "ต้องระบุขั้นตอน / required"
        day = None
        try:
            day = parse_date(on) if isinstance(on, str) and on else None
            if day is None:
                errors[f"{where}.on"] = "ต้องระบุวันที่ YYYY-MM-DD / required, YYYY-MM-DD"
        except ValueError as exc:
            errors[f"{where}.on"] = str(exc)
        try:
            note = checked_note(item.get("note"), f"{where}.note")
        except InvalidFields as exc:
            errors.update(exc.errors)
        if not isinstance(public, bool):
            errors[f"{where}.note_public"] = "ต้องเป็น true หรือ false / must be true or false"
        if day is not None and isinstance(stage, str) and stage:
            moves.append(StageMove(stage, day, note, bool(public)))
    if errors:
        raise InvalidFields(errors)
    return moves


def record_moves(session: Session, officer: Officer, number: str, raw: Any) -> Application:
    """Check and record the moves on an application the officer may manage (the caller commits)."""
    application = application_for(session, officer, number)
    change_stages(session, application, parse_moves(raw), officer=officer)
    return application
