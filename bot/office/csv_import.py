"""Import applications from a spreadsheet (CSV or XLSX, read through bot.sheets): check the whole file first.

The first row names the columns, in English (``number, applicant_name, phone, province, product,
standard_number, submitted_on``, optional ``national_id``, ``stage``, ``stage_on``) or Thai (เลขที่คำขอ,
ชื่อผู้ยื่นคำขอ, โทรศัพท์, จังหวัด, ผลิตภัณฑ์, เลข มผช., วันที่ยื่น, เลขประจำตัวประชาชน, ขั้นตอนปัจจุบัน,
วันที่เข้าขั้นตอน). :func:`check_file` reads every row and reports every problem at once (line, column,
reason in Thai) without writing; :func:`import_applications` writes all rows, or only the valid ones when the
officer asked for that. A current stage (its key in knowledge/stages.yaml or its Thai label) with its date
places an application already in progress (one history row noted as the import; nobody is linked yet, so
nobody is notified).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.applications import (
    ApplicationError,
    NewApplication,
    create_application,
    place_at_stage,
    reachable_stages,
    stage_book,
    today_in_thailand,
)
from bot.cases.thaidate import format_thai_date
from bot.models import Application, Officer
from bot.nlp.entities import canonical_application_number
from bot.office.casework import FIELDS, InvalidFields, known_standards, parse_date, parse_new_application
from bot.sheets import Problem, SheetError, SheetRejected, read_rows, template

MAX_ROWS = 5000
OPTIONAL = ("national_id", "standard_number", "stage", "stage_on")
HEADERS = {
    "number": ("number", "เลขที่คำขอ", "เลขคำขอ", "คำขอเลขที่"),
    "applicant_name": ("applicant_name", "ชื่อผู้ยื่นคำขอ", "ชื่อผู้ยื่น", "ผู้ยื่นคำขอ", "ชื่อผู้ขอ"),
    "phone": ("phone", "โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "หมายเลขโทรศัพท์"),
    "province": ("province", "จังหวัด"),
    "product": ("product", "ผลิตภัณฑ์", "ชื่อผลิตภัณฑ์", "สินค้า"),
    "standard_number": ("standard_number", "เลข มผช.", "เลขมผช", "มผช", "เลขที่มผช", "มาตรฐาน", "เลขมาตรฐาน"),
    "submitted_on": ("submitted_on", "วันที่ยื่น", "วันที่ยื่นคำขอ", "วันยื่น"),
    "national_id": ("national_id", "เลขประจำตัวประชาชน", "เลขบัตรประชาชน"),
    "stage": ("stage", "ขั้นตอนปัจจุบัน", "ขั้นตอน", "สถานะ"),
    "stage_on": ("stage_on", "วันที่เข้าขั้นตอน", "วันที่เข้าขั้นตอนปัจจุบัน", "วันที่ขั้นตอน"),
}
_HEADER_FORM = {re.sub(r"[\s._]", "", name.lower()): key for key, names in HEADERS.items() for name in names}
Namer = Callable[[str], str]  # a field key → its column name as the officer wrote it
IMPORT_NOTE = "นำเข้าจากไฟล์ (ขั้นตอนปัจจุบัน ณ วันที่ระบุในไฟล์)"


class ImportRejected(SheetRejected):
    """Nothing was imported; ``valid_rows`` of the file's rows were fine (what "valid rows only" would import)."""

    def __init__(self, problems: list[Problem], valid_rows: int) -> None:
        super().__init__(problems)
        self.valid_rows = valid_rows


@dataclass(frozen=True)
class Row:
    """One valid row, ready to store."""

    line: int
    new: NewApplication
    stage: str | None = None
    stage_on: date | None = None


@dataclass
class Plan:
    """What a file would import: the valid rows and every problem of the others."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.line})


@dataclass(frozen=True)
class Imported:
    created: list[Application]
    skipped: list[Problem]  # the problems of the rows left out ("import the valid rows only")

    @property
    def skipped_lines(self) -> list[int]:
        return sorted({p.line for p in self.skipped if p.line})


def header_name(key: str) -> str:
    """The Thai column name of the template (the one the officer sees in reports)."""
    return HEADERS[key][1]


def _stage_names() -> dict[str, str]:
    """Every accepted spelling of a placeable stage (key, Thai and English labels) → its key."""
    book = stage_book()
    return {_form(text): s.key for s in book if s.key in reachable_stages(book)
            for text in (s.key, s.label_th, s.label_en)}


def _form(text: str) -> str:
    return re.sub(r"[\s._\"'“”]", "", text.lower())


def _columns(header: list[str]) -> tuple[list[str | None], dict[str, str]]:
    """Each cell's field key (None for columns we do not know) and each field's name as written in the file."""
    columns = [_HEADER_FORM.get(_form(name)) for name in header]
    missing = [f for f in FIELDS if f not in columns and f not in OPTIONAL]
    if missing:
        names = ", ".join(f"{header_name(f)} ({f})" for f in missing)
        raise SheetRejected([Problem(1, None, f"ไม่พบคอลัมน์ {names} — ใช้แบบฟอร์มจากหน้านำเข้าได้")])
    written = {key: name for key, name in zip(columns, header, strict=False) if key}
    return columns, written


def check_file(session: Session, officer: Officer, data: bytes, filename: str = "",
               today: date | None = None) -> Plan:
    """Read and check every row (nothing is written); SheetRejected when the file itself is unusable."""
    today = today or today_in_thailand()
    try:
        lines = [(line, cells) for line, cells in read_rows(data, filename) if any(cells)]
    except SheetError as exc:
        raise SheetRejected([Problem(exc.line, None, exc.message_th)]) from None
    if not lines:
        raise SheetRejected([Problem(None, None, "ไฟล์ว่าง ไม่มีแถวชื่อคอลัมน์และข้อมูล")])
    (_, header), body = lines[0], lines[1:]
    columns, written = _columns(header)
    if not body:
        raise SheetRejected([Problem(None, None, "ไม่มีแถวข้อมูล (มีแต่แถวชื่อคอลัมน์)")])
    if len(body) > MAX_ROWS:
        raise SheetRejected([Problem(None, None, f"เกิน {MAX_ROWS:,} แถวต่อไฟล์ กรุณาแบ่งเป็นหลายไฟล์")])
    plan, known, stages = Plan(), known_standards(session), _stage_names()
    first_line: dict[str, int] = {}
    at = columns.index("number")
    existing = _existing_numbers(session, (cells[at] if at < len(cells) else "" for _, cells in body))

    def column(key: str) -> str:
        return written.get(key, header_name(key))

    for line, cells in body:
        problems: list[Problem] = []
        if len(cells) > len(columns) and any(cells[len(columns):]):
            problems.append(Problem(line, None, "มีข้อมูลเกินจำนวนคอลัมน์ในแถวชื่อคอลัมน์"))
        record: dict[str, Any] = {key: cell for key, cell in zip(columns, cells, strict=False) if key}
        if re.fullmatch(r"[1-9]\d{7,8}", record.get("phone", "")):  # a number cell: Excel dropped its leading 0
            record["phone"] = "0" + record["phone"]
        number = canonical_application_number(str(record.get("number", "")))
        if number in first_line:
            problems.append(Problem(line, column("number"), f"เลขที่คำขอ {number} ซ้ำกับบรรทัดที่ {first_line[number]}"))
        elif number in existing:
            problems.append(Problem(line, column("number"), f"มีคำขอเลขที่ {number} ในระบบแล้ว"))
        if number:
            first_line.setdefault(number, line)
        new = _new_application(record, officer, known, today, line, column, problems)
        stage, stage_on = _current_stage(record, new, stages, today, line, column, problems)
        if problems:
            plan.problems += problems
        elif new is not None:
            plan.rows.append(Row(line, new, stage, stage_on))
    return plan


def _existing_numbers(session: Session, raw_numbers: Iterable[str]) -> set[str]:
    numbers = sorted({n for raw in raw_numbers if (n := canonical_application_number(raw))})
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        found.update(session.execute(select(Application.number)
                                     .where(Application.number.in_(numbers[start:start + 500]))).scalars())
    return found


def _new_application(record: dict[str, Any], officer: Officer, known: dict[int, str], today: date, line: int,
                     column: Namer, problems: list[Problem]) -> NewApplication | None:
    try:
        return parse_new_application(record, officer, known, today)
    except InvalidFields as exc:
        problems += [Problem(line, column(f), _thai(message)) for f, message in exc.errors.items()]
    except ApplicationError as exc:  # another province's application
        problems.append(Problem(line, column("province"), _thai(str(exc)) + " (นำเข้าได้เฉพาะจังหวัดของท่าน)"))
    return None


def _current_stage(record: dict[str, Any], new: NewApplication | None, stages: dict[str, str], today: date,
                   line: int, column: Namer, problems: list[Problem]) -> tuple[str | None, date | None]:
    """The optional current stage and its date, checked against the stage table and the submission date."""
    raw_stage, raw_on = str(record.get("stage") or ""), str(record.get("stage_on") or "")
    if not raw_stage:
        if raw_on:
            problems.append(Problem(line, column("stage"), "ระบุวันที่เข้าขั้นตอนแล้ว แต่ยังไม่ได้ระบุขั้นตอน"))
        return None, None
    key = stages.get(_form(raw_stage))
    if key is None:
        problems.append(Problem(line, column("stage"), f"ไม่รู้จักขั้นตอน \"{raw_stage}\" "
                                                       "(ใช้ชื่อขั้นตอนตามตารางในหน้านำเข้า)"))
        return None, None
    if key == stage_book().start.key:
        return None, None  # every new application starts there
    if not raw_on:
        problems.append(Problem(line, column("stage_on"), "ต้องระบุวันที่เข้าขั้นตอนปัจจุบัน"))
        return None, None
    try:
        day = parse_date(raw_on)
    except ValueError as exc:
        problems.append(Problem(line, column("stage_on"), _thai(str(exc))))
        return None, None
    if day > today:
        problems.append(Problem(line, column("stage_on"), "เป็นวันในอนาคตไม่ได้"))
    elif new is not None and day < new.submitted_on:
        problems.append(Problem(line, column("stage_on"), "ต้องไม่ก่อนวันที่ยื่นคำขอ "
                                                          f"({format_thai_date(new.submitted_on)})"))
    return key, day


def _thai(message: str) -> str:
    """The Thai half of a "Thai / English" message."""
    return message.split(" / ")[0].strip()


def import_applications(session: Session, officer: Officer, data: bytes, filename: str = "",
                        valid_only: bool = False) -> Imported:
    """Store the file's applications (the caller commits once): all of them, or SheetRejected with every
    problem; with ``valid_only`` the valid rows and the skipped rows' problems."""
    plan = check_file(session, officer, data, filename)
    if plan.problems and not valid_only:
        raise ImportRejected(plan.problems, len(plan.rows))
    if not plan.rows:
        raise SheetRejected(plan.problems or [Problem(None, None, "ไม่มีแถวที่นำเข้าได้")])
    created = []
    for row in plan.rows:
        application = create_application(session, row.new, officer)
        if row.stage and row.stage_on:
            place_at_stage(session, application, row.stage, row.stage_on, officer=officer, note=IMPORT_NOTE)
        created.append(application)
    return Imported(created, plan.problems)


def template_file(fmt: str, province: str) -> bytes:
    """The downloadable template: Thai headers and one example row (CSV with Excel's BOM, or XLSX)."""
    keys = [*FIELDS, "national_id", "stage", "stage_on"]
    stage = stage_book()["doc_check"].label_th if "doc_check" in stage_book() else ""
    example = ["69/0001", "กลุ่มแม่บ้านบ้านดอน", "081-234-5678", province, "น้ำพริกแกง", "129", "2/11/2569", "",
               stage, "5/11/2569"]
    return template([header_name(k) for k in keys], [example], fmt)
