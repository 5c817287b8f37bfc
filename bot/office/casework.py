"""What officers do with applications, shared by the console and the API: read and check the fields
of a new application, search and count within the officer's province, move a stage, and describe
an application (never with the full phone number)."""
from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.cases.applications import (
    ApplicationError,
    NewApplication,
    change_stage,
    create_application,
    normalize_national_id,
    normalize_phone,
    stage_book,
    timeline_of,
    today_in_thailand,
)
from bot.cases.provinces import normalize_province
from bot.cases.stages import Stage
from bot.cases.timeline import Timeline
from bot.certificates.issue import issue_for_application, issues_certificate
from bot.knowledge.catalogue import standard_names
from bot.models import Applicant, Application, ApplicationEvent, ApplicationLink, LineUser, Officer, OutboundMessage
from bot.nlp.entities import canonical_application_number
from bot.nlp.normalize import clean_text, to_arabic_digits
from bot.office.officers import application_for, in_scope, may_manage

FIELDS = ("number", "applicant_name", "phone", "province", "product", "standard_number", "submitted_on")
MAX_NOTE = 1000
EARLIEST_SUBMISSION = date(2012, 1, 1)  # พ.ศ. 2555, the earliest year an application number can carry


class InvalidFields(ApplicationError):
    """Some fields of a request are wrong; ``errors`` maps each field to a Thai / English message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid", "; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def known_standards(session: Session) -> dict[int, str]:
    """Standard number → the name of its current edition, from the catalogue in the database."""
    return standard_names(session)


def parse_date(value: Any) -> date:
    """A date as ``YYYY-MM-DD`` or ``D/M/YYYY``, Christian or Buddhist era, Thai digits allowed."""
    if isinstance(value, date):
        return value
    text = to_arabic_digits(str(value or "")).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError("ต้องเป็นวันที่แบบ YYYY-MM-DD หรือ วัน/เดือน/ปี พ.ศ. / use YYYY-MM-DD")
    if year >= 2400:
        year -= 543
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("ไม่มีวันที่นี้ในปฏิทิน / no such date") from None


def parse_new_application(raw: Mapping[str, Any], officer: Officer, known: Container[int],
                          today: date | None = None) -> NewApplication:
    """Check every field of a new application (all errors at once; ``known``: the standard numbers in the
    catalogue), then the province scope."""
    today = today or today_in_thailand()
    errors: dict[str, str] = {}

    def text_field(name: str, limit: int) -> str:
        value = raw.get(name)
        if value is not None and not isinstance(value, (str, int)):
            errors[name] = "ต้องเป็นข้อความ / must be text"
            return ""
        text = clean_text(value, limit + 1)
        if not text:
            errors[name] = "ต้องระบุ / required"
        elif len(text) > limit:
            errors[name] = f"ยาวเกิน {limit} ตัวอักษร / longer than {limit} characters"
        return text

    number = text_field("number", 32)
    if number and not canonical_application_number(number):
        errors["number"] = "เลขที่คำขอต้องเป็นแบบ ปี/ลำดับ เช่น 67/0012 / expected YY/NNNN, e.g. 67/0012"
    name = text_field("applicant_name", 200)
    phone = text_field("phone", 20)
    if phone:
        try:
            normalize_phone(phone)
        except ApplicationError:
            errors["phone"] = "เบอร์โทรศัพท์ไม่ถูกต้อง / invalid Thai phone number"
    province_raw = text_field("province", 80)
    province = normalize_province(province_raw) if province_raw else None
    if province_raw and province is None:
        errors["province"] = "ไม่รู้จักจังหวัดนี้ / unknown province"
    product = text_field("product", 300)
    standard = _standard_number(raw.get("standard_number"), known, errors)
    submitted = None
    if raw.get("submitted_on") in (None, ""):
        errors["submitted_on"] = "ต้องระบุ / required"
    else:
        try:
            submitted = parse_date(raw.get("submitted_on"))
            if submitted > today:
                errors["submitted_on"] = "เป็นวันในอนาคตไม่ได้ / cannot be in the future"
            elif submitted < EARLIEST_SUBMISSION:
                errors["submitted_on"] = "เก่าเกินไป / too early"
        except ValueError as exc:
            errors["submitted_on"] = str(exc)
    national_id = None
    if raw.get("national_id") not in (None, ""):
        try:
            national_id = normalize_national_id(str(raw.get("national_id")))
        except ApplicationError:
            errors["national_id"] = "ต้องมี 13 หลัก / must have 13 digits"
    if errors:
        raise InvalidFields(errors)
    assert province is not None and submitted is not None
    if not may_manage(officer, province):
        raise ApplicationError("forbidden", f"เพิ่มคำขอของจังหวัด{province}ไม่ได้ / "
                                            "you may only add applications of your own province")
    return NewApplication(number=number, applicant_name=name, phone=phone, province=province, product=product,
                          standard_number=standard, submitted_on=submitted, national_id=national_id)


def _standard_number(value: Any, known: Container[int], errors: dict[str, str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors["standard_number"] = "ต้องเป็นตัวเลข / must be a number"
        return None
    digits = re.sub(r"^\s*(มผช\.?|tcps)\s*", "", to_arabic_digits(str(value)), flags=re.IGNORECASE).split("/")[0].strip()
    if not digits.isdigit():
        errors["standard_number"] = "ต้องเป็นเลขมาตรฐาน เช่น 129 / must be a standard number, e.g. 129"
        return None
    number = int(digits)
    if number not in known:
        errors["standard_number"] = f"ไม่พบ มผช. เลขที่ {number} / unknown standard {number}"
        return None
    return number


def add_application(session: Session, officer: Officer, raw: Mapping[str, Any]) -> Application:
    """Check and store a new application for ``officer`` (the caller commits)."""
    return create_application(session, parse_new_application(raw, officer, known_standards(session)), officer)


def move_stage(session: Session, officer: Officer, number: str, stage: Any, note: Any = "",
               note_public: bool = False, certificate: Mapping[str, Any] | None = None) -> Application:
    """Move an application the officer may manage; history + pushes in the caller's transaction. Reaching
    "certificate issued" creates its certificate record (``certificate``: optional number, holder_name)."""
    application = application_for(session, officer, number)
    if not isinstance(stage, str) or not stage:
        raise InvalidFields({"stage": "ต้องระบุขั้นตอน / required"})
    text = checked_note(note)
    change_stage(session, application, stage, officer=officer, note=text, note_public=bool(note_public))
    if issues_certificate(stage):
        extra = certificate or {}
        issue_for_application(session, application, officer, str(extra.get("number") or ""),
                              str(extra.get("holder_name") or ""))
    return application


def checked_note(note: Any, field: str = "note") -> str:
    """An officer's note as stored (cleaned, several lines kept), or InvalidFields for ``field``."""
    if note is not None and not isinstance(note, str):
        raise InvalidFields({field: "ต้องเป็นข้อความ / must be text"})
    text = clean_text(note or "", MAX_NOTE + 1, one_line=False)
    if len(text) > MAX_NOTE:
        raise InvalidFields({field: f"ยาวเกิน {MAX_NOTE} ตัวอักษร / longer than {MAX_NOTE} characters"})
    return text


# ---- searching and counting ---------------------------------------------------------------------------
SORTS = {
    "updated": Application.updated_at, "entered": Application.stage_entered_on, "number": Application.number,
    "submitted": Application.submitted_on,
    "due": Application.due_on, "stage": Application.stage, "product": Application.product,
    "applicant": Applicant.name,
}


@dataclass
class Listing:
    items: list[tuple[Application, Timeline]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_applications(session: Session, officer: Officer, *, q: str = "", stage: str = "", overdue: bool = False,
                        sort: str = "updated", descending: bool = True, page: int = 1, per_page: int = 50,
                        today: date | None = None) -> Listing:
    """Applications the officer may see, matching ``q`` (number, applicant name or product)."""
    today = today or today_in_thailand()
    statement = select(Application).join(Applicant).where(in_scope(officer))
    q = clean_text(q, 100)
    if q:
        pattern = "%" + re.sub(r"[\\%_]", "", q) + "%"
        number = canonical_application_number(q)
        statement = statement.where(or_(Application.number == (number or q), Application.number.like(pattern),
                                        Applicant.name.ilike(pattern), Application.product.ilike(pattern)))
    if stage:
        statement = statement.where(Application.stage == stage)
    if overdue:
        statement = statement.where(Application.due_on < today, Application.stage.in_(_running_keys()))
    column = SORTS.get(sort, Application.updated_at)
    statement = statement.order_by(column.desc() if descending else column.asc(), Application.id.desc())
    statement = statement.options(selectinload(Application.events).selectinload(ApplicationEvent.officer),
                                  selectinload(Application.applicant))
    page = max(1, page)
    if overdue:  # the stored due date is a superset test; the timeline decides (paused clocks)
        rows = [(a, t) for a in session.execute(statement).scalars() if (t := timeline_of(a, today)).overdue]
        return Listing(rows[(page - 1) * per_page: page * per_page], len(rows), page, per_page)
    total = session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    found = session.execute(statement.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Listing([(a, timeline_of(a, today)) for a in found], total, page, per_page)


def _running_keys() -> list[str]:
    return [s.key for s in stage_book() if not s.terminal]


def stage_counts(session: Session, officer: Officer) -> list[tuple[Stage, int]]:
    """How many applications are in each stage (every stage, in the stage book's order)."""
    counts = dict(session.execute(select(Application.stage, func.count()).where(in_scope(officer))
                                  .group_by(Application.stage)).all())
    return [(stage, counts.get(stage.key, 0)) for stage in stage_book()]


def overdue_applications(session: Session, officer: Officer, today: date | None = None,
                         limit: int = 20) -> list[tuple[Application, Timeline]]:
    """Overdue applications, the most overdue first."""
    rows = search_applications(session, officer, overdue=True, sort="due", descending=False, per_page=10_000,
                               today=today).items
    return sorted(rows, key=lambda row: -row[1].overdue_days)[:limit]


@dataclass
class FailedNotification:
    message: OutboundMessage
    applications: list[str]  # the officer's application numbers its recipients follow


def failed_notifications(session: Session, officer: Officer, limit: int = 30) -> list[FailedNotification]:
    """Messages LINE refused for good, newest first; an officer sees those to followers of their province."""
    rows = session.execute(select(OutboundMessage).where(OutboundMessage.status == "failed")
                           .order_by(OutboundMessage.id.desc()).limit(500)).scalars().all()
    follows: dict[str, list[str]] = {}
    for line_id, number in session.execute(
            select(LineUser.line_user_id, Application.number)
            .join(ApplicationLink, ApplicationLink.line_user_id == LineUser.id)
            .join(Application, Application.id == ApplicationLink.application_id).where(in_scope(officer))):
        follows.setdefault(line_id, []).append(number)
    found = []
    for row in rows:
        numbers = sorted({n for user in row.recipients for n in follows.get(user, [])})
        if numbers or officer.is_admin:
            found.append(FailedNotification(row, numbers))
    return found[:limit]


def linked_count(session: Session, application: Application) -> int:
    return linked_counts(session, [application.id]).get(application.id, 0)


def linked_counts(session: Session, application_ids: list[int]) -> dict[int, int]:
    """How many LINE users follow each of ``application_ids`` (one query for a page of them)."""
    return {int(i): int(n) for i, n in session.execute(
        select(ApplicationLink.application_id, func.count()).where(ApplicationLink.application_id.in_(application_ids))
        .group_by(ApplicationLink.application_id)).all()}


# ---- describing --------------------------------------------------------------------------------------------
def next_stages(application: Application) -> list[Stage]:
    book = stage_book()
    return [book[key] for key in book[application.stage].next]
