"""Applications: create them, move them between stages (history + LINE pushes in ONE transaction),
and compute their timeline. Shared by the LINE status flow, the officer console and the API.

Phone numbers and national IDs are never stored in clear: a keyed HMAC (PII_HASH_KEY) for matching,
plus a mask that hides the last four digits (they are the verification answer).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.certificates import certificate_rule
from bot.cases.stages import StageBook, load_stages
from bot.cases.thaidate import format_thai_date
from bot.cases.timeline import Timeline, compute_timeline
from bot.cases.workdays import WorkCalendar, load_closures
from bot.config import knowledge_file
from bot.models import Applicant, Application, ApplicationEvent, ApplicationLink, LineUser, Officer
from bot.nlp.entities import canonical_application_number
from bot.nlp.normalize import to_arabic_digits
from bot.pipeline.outbox import enqueue_push

BANGKOK = ZoneInfo("Asia/Bangkok")


class ApplicationError(ValueError):
    """A request about an application that cannot be done; ``code`` says why
    (invalid, duplicate, not_found, forbidden, unknown_stage, not_allowed)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def today_in_thailand() -> date:
    """The date in Thailand (offices work on Bangkok time)."""
    return datetime.now(BANGKOK).date()


def in_thailand(moment: datetime) -> datetime:
    """A naive-UTC moment (as the database stores them) as Bangkok time."""
    return moment.replace(tzinfo=UTC).astimezone(BANGKOK)


def stage_book() -> StageBook:
    """The stage table of the knowledge directory (``stages.yaml``, read once per directory)."""
    return _stage_book(knowledge_file("stages.yaml"))


@lru_cache(maxsize=4)
def _stage_book(path: Path) -> StageBook:
    return load_stages(path)


def calendar_for(province: str) -> WorkCalendar:
    """Working days of one provincial office (public holidays + its own closures in ``office_closures.yaml``)."""
    return _calendar(knowledge_file("office_closures.yaml"), province)


@lru_cache(maxsize=4)
def _closures(path: Path) -> dict[str, dict[date, str]]:
    return load_closures(path)


@lru_cache(maxsize=128)
def _calendar(path: Path, province: str) -> WorkCalendar:
    return WorkCalendar({office: days.keys() for office, days in _closures(path).items()}, province=province)


# ---- personal data -----------------------------------------------------------------------------------------
def _pii_key() -> bytes:
    return str(current_app.config["PII_HASH_KEY"]).encode("utf-8")


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` with the app's PII key (hex)."""
    return hmac.new(_pii_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()


def normalize_phone(phone: str) -> str:
    """Digits of a Thai phone number (Thai digits, spaces, dashes, +66 accepted) or ApplicationError."""
    digits = re.sub(r"\D", "", to_arabic_digits(phone or ""))
    if digits.startswith("66") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{8,9}", digits):
        raise ApplicationError("invalid", "เบอร์โทรศัพท์ไม่ถูกต้อง / invalid phone number")
    return digits


def mask_phone(digits: str) -> str:
    """``0812345678`` → ``081-xxx-xxxx``: enough for an officer to recognise, never the last four."""
    return f"{digits[:3]}-xxx-xxxx"


def normalize_national_id(value: str) -> str:
    digits = re.sub(r"\D", "", to_arabic_digits(value or ""))
    if len(digits) != 13:
        raise ApplicationError("invalid", "เลขประจำตัวประชาชนต้องมี 13 หลัก / national ID must have 13 digits")
    return digits


def last4_matches(application: Application, answer: str) -> bool:
    """Whether ``answer`` is the last four digits of the phone on ``application`` (constant time)."""
    expected = application.applicant.phone_last4_hash
    return hmac.compare_digest(expected, keyed_hash(f"last4:{answer}"))


# ---- create, find, change ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewApplication:
    number: str
    applicant_name: str
    phone: str
    province: str
    product: str
    standard_number: int | None
    submitted_on: date
    national_id: str | None = None


def create_application(session: Session, data: NewApplication, officer: Officer | None = None) -> Application:
    """Store a new application in its first stage (the caller commits)."""
    number = canonical_application_number(data.number)
    if not number:
        raise ApplicationError("invalid", f"เลขที่คำขอไม่ถูกต้อง / invalid application number: {data.number!r}")
    if find_application(session, number) is not None:
        raise ApplicationError("duplicate", f"มีคำขอเลขที่ {number} แล้ว / application {number} already exists")
    for field, value in (("applicant_name", data.applicant_name), ("province", data.province),
                         ("product", data.product)):
        if not (value or "").strip():
            raise ApplicationError("invalid", f"ต้องระบุ {field} / {field} is required")
    phone = normalize_phone(data.phone)
    applicant = Applicant(
        name=data.applicant_name.strip(), phone_hash=keyed_hash(f"phone:{phone}"),
        phone_last4_hash=keyed_hash(f"last4:{phone[-4:]}"), phone_masked=mask_phone(phone),
        national_id_hash=keyed_hash(f"nid:{normalize_national_id(data.national_id)}") if data.national_id else None,
    )
    first = stage_book().start
    application = Application(
        number=number, applicant=applicant, product=data.product.strip(), standard_number=data.standard_number,
        province=data.province.strip(), submitted_on=data.submitted_on, stage=first.key,
        stage_entered_on=data.submitted_on,
    )
    application.events.append(ApplicationEvent(from_stage=None, to_stage=first.key, entered_on=data.submitted_on,
                                               officer_id=officer.id if officer else None, note=""))
    application.due_on = timeline_of(application, data.submitted_on).due_on
    session.add(application)
    session.flush()
    return application


def find_application(session: Session, number: str) -> Application | None:
    """The application with this office number (any accepted spelling), or None."""
    canonical = canonical_application_number(number)
    if not canonical:
        return None
    return session.execute(select(Application).where(Application.number == canonical)).scalar_one_or_none()


def timeline_of(application: Application, today: date | None = None) -> Timeline:
    """The application's timeline on ``today`` (default: today in Thailand)."""
    history = [(event.to_stage, event.entered_on) for event in application.events]
    return compute_timeline(stage_book(), application.submitted_on, history, calendar_for(application.province),
                            today or today_in_thailand())


# Builds the LINE messages for a stage change (the status card); installed by `create_app` with `init_app`.
StageMessageBuilder = Callable[[Application, ApplicationEvent, str], list[dict[str, Any]]]
# The same for several stages recorded at once (one push summarising them all).
StagesMessageBuilder = Callable[[Application, Sequence[ApplicationEvent], str], list[dict[str, Any]]]
_STAGE_MESSAGES = "tcps_stage_messages"
_STAGES_MESSAGES = "tcps_stages_messages"


def init_app(app: Flask, stage_messages: StageMessageBuilder,
             stages_messages: StagesMessageBuilder | None = None) -> None:
    """Install what a stage-change push says (done once, in `create_app`)."""
    app.extensions[_STAGE_MESSAGES] = stage_messages
    app.extensions[_STAGES_MESSAGES] = stages_messages


def linked_users(session: Session, application: Application) -> list[LineUser]:
    return list(session.execute(
        select(LineUser).join(ApplicationLink, ApplicationLink.line_user_id == LineUser.id)
        .where(ApplicationLink.application_id == application.id)
    ).scalars())


@dataclass(frozen=True)
class StageMove:
    """One stage an application reached, on its own date (several are recorded at once by `change_stages`)."""

    stage: str
    on: date
    note: str = ""
    note_public: bool = False


def change_stage(session: Session, application: Application, to_stage: str, *, officer: Officer | None = None,
                 note: str = "", note_public: bool = False, on: date | None = None) -> ApplicationEvent:
    """Move ``application`` to ``to_stage``: a history row and one push per linked LINE user, all in the
    caller's transaction (commit once: either everything is saved or nothing is)."""
    _check_move(application, to_stage)
    event = _record(session, application, to_stage, on or today_in_thailand(), officer, note, note_public)
    _notify(session, application, [event])
    return event


def change_stages(session: Session, application: Application, moves: Sequence[StageMove], *,
                  officer: Officer | None = None, today: date | None = None) -> list[ApplicationEvent]:
    """Record several moves made while offline, in order, each with its date (not in the future, not before
    the stage before it), then ONE push per linked LINE user summarising them; the caller commits."""
    if not moves:
        raise ApplicationError("invalid", "ต้องระบุอย่างน้อยหนึ่งขั้นตอน / at least one stage is required")
    today = today or today_in_thailand()
    events = []
    for index, move in enumerate(moves, start=1):
        _check_move(application, move.stage, index)
        if move.on > today:
            raise ApplicationError("invalid", f"ขั้นตอนที่ {index}: วันที่เป็นวันในอนาคตไม่ได้ / "
                                              f"stage {index}: the date cannot be in the future")
        if move.on < application.stage_entered_on:
            raise ApplicationError("invalid", f"ขั้นตอนที่ {index}: วันที่ต้องไม่ก่อนวันที่เข้าขั้นตอนก่อนหน้า "
                                              f"({format_thai_date(application.stage_entered_on)}) / stage {index}: "
                                              "the date cannot be before the previous stage's")
        events.append(_record(session, application, move.stage, move.on, officer, move.note, move.note_public))
    _notify(session, application, events)
    return events


def reachable_stages(book: StageBook | None = None) -> set[str]:
    """Every stage an application can reach from the first one by allowed moves."""
    book = book or stage_book()
    seen, todo = {book.start.key}, [book.start.key]
    while todo:
        for key in book[todo.pop()].next:
            if key not in seen:
                seen.add(key)
                todo.append(key)
    return seen


def place_at_stage(session: Session, application: Application, to_stage: str, on: date, *,
                   officer: Officer | None = None, note: str = "") -> ApplicationEvent:
    """Put a NEW application (nobody linked yet, so no push) straight at ``to_stage`` as of ``on``: how an
    import records an application already in progress (one history row, noted as the import)."""
    if to_stage not in reachable_stages():
        raise ApplicationError("unknown_stage", f"ไม่รู้จักขั้นตอน {to_stage!r} / unknown stage {to_stage!r}")
    return _record(session, application, to_stage, on, officer, note, False)


def _check_move(application: Application, to_stage: str, index: int | None = None) -> None:
    book = stage_book()
    where_th, where_en = (f"ขั้นตอนที่ {index}: ", f"stage {index}: ") if index else ("", "")
    if to_stage not in book:
        raise ApplicationError("unknown_stage", f"{where_th}ไม่รู้จักขั้นตอน {to_stage!r} / "
                                                f"{where_en}unknown stage {to_stage!r}")
    if not book.can_move(application.stage, to_stage):
        raise ApplicationError("not_allowed", f"{where_th}เปลี่ยนจาก {application.stage} เป็น {to_stage} ไม่ได้ / "
                                              f"{where_en}cannot move from {application.stage} to {to_stage}")


def _record(session: Session, application: Application, to_stage: str, day: date, officer: Officer | None,
            note: str, note_public: bool) -> ApplicationEvent:
    event = ApplicationEvent(from_stage=application.stage, to_stage=to_stage, entered_on=day,
                             officer_id=officer.id if officer else None, note=note.strip(), note_public=note_public)
    application.events.append(event)
    application.stage, application.stage_entered_on = to_stage, day
    application.due_on = timeline_of(application, day).due_on
    if to_stage == certificate_rule().issued_at_stage:
        application.certificate_expires_on = certificate_rule().expires_on(day)
    session.flush()
    return event


def _notify(session: Session, application: Application, events: Sequence[ApplicationEvent]) -> None:
    """One push per following linked user: the single-change message, or the summary of several."""
    single: StageMessageBuilder = current_app.extensions[_STAGE_MESSAGES]
    several: StagesMessageBuilder | None = current_app.extensions.get(_STAGES_MESSAGES)
    for user in linked_users(session, application):
        if user.following:
            messages = (single(application, events[-1], user.language) if len(events) == 1 or several is None
                        else several(application, events, user.language))
            enqueue_push(session, user.line_user_id, messages, purpose="stage_change")
