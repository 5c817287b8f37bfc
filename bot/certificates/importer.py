"""Import certificates from an office's CSV or XLSX sheet: every row valid, or nothing written.

Header (English or Thai, any order): ``number`` (เลขที่ใบรับรอง), ``standard_code`` (มผช.),
``product`` (ผลิตภัณฑ์), ``holder_name`` (ผู้ได้รับการรับรอง), ``province`` (จังหวัด), ``issued_on``
(วันที่ออก), ``expires_on`` (วันหมดอายุ), optional ``state`` (สถานะ: valid/expired/suspended/revoked or
ใช้ได้/หมดอายุ/พักใช้/เพิกถอน; empty = valid). Dates ``YYYY-MM-DD`` (Buddhist-era years such as 2567 are
turned into 2024) or ``D/M/YYYY``. A row with the number of a stored certificate updates it, so importing
the same file twice changes nothing the second time. Problems come all at once (`SheetRejected`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.cases.provinces import normalize_province
from bot.certificates.model import STATES
from bot.certificates.records import MAX_NUMBER, CertificateData, canonical_number, upsert
from bot.models import Officer
from bot.nlp.codes import parse_code_cell
from bot.sheets import Problem, SheetError, SheetRejected, read_rows, template

MAX_ROWS = 5000
FIELDS = ("number", "standard_code", "product", "holder_name", "province", "issued_on", "expires_on", "state")
OPTIONAL = ("state",)
LABELS_TH = {"number": "เลขที่ใบรับรอง", "standard_code": "มผช.", "product": "ผลิตภัณฑ์",
             "holder_name": "ผู้ได้รับการรับรอง", "province": "จังหวัด", "issued_on": "วันที่ออก",
             "expires_on": "วันหมดอายุ", "state": "สถานะ"}
_SYNONYMS = {
    "number": ("เลขที่ใบรับรอง", "เลขใบรับรอง", "ใบรับรองเลขที่", "certificate_number"),
    "standard_code": ("มผช", "เลขมผช", "มาตรฐาน", "standard"),
    "product": ("ผลิตภัณฑ์", "ชื่อผลิตภัณฑ์", "สินค้า"),
    "holder_name": ("ผู้ได้รับการรับรอง", "ผู้ได้รับใบรับรอง", "ชื่อกลุ่ม", "ผู้ผลิต", "holder"),
    "province": ("จังหวัด",),
    "issued_on": ("วันที่ออก", "วันออกใบรับรอง", "วันที่ออกใบรับรอง", "issued"),
    "expires_on": ("วันหมดอายุ", "วันที่หมดอายุ", "expires"),
    "state": ("สถานะ", "status"),
}
_HEADER_NOISE = re.compile(r"[\s._()]+")
_HEADERS = {_HEADER_NOISE.sub("", name.casefold()): field for field in FIELDS
            for name in (field, *_SYNONYMS[field])}
STATE_WORDS = {"ใช้ได้": "valid", "ยังใช้ได้": "valid", "หมดอายุ": "expired", "พักใช้": "suspended",
               "เพิกถอน": "revoked", **{s: s for s in STATES}}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
EXAMPLE = ("ชม 0012/2567", "มผช. 129/2565", "น้ำพริกแกง", "วิสาหกิจชุมชนกลุ่มแม่บ้านบ้านดอน", "เชียงใหม่",
           "2024-06-01", "2027-05-31", "valid")


@dataclass(frozen=True)
class ImportResult:
    rows: int  # rows in the file
    created: int
    updated: int


def certificate_template(fmt: str = "csv") -> bytes:
    """The header row and one example, as CSV (Excel's BOM) or XLSX."""
    return template(FIELDS, [EXAMPLE], fmt)


def parse_date(text: str) -> date | None:
    """``2024-06-01``, ``1/6/2024`` or the same with a Buddhist-era year (2567); None when not a date."""
    match = _ISO.match(text)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    match = _DMY.match(text)
    if match:
        parts = (match.group(3), match.group(2), match.group(1))
    if parts is None:
        return None
    year = int(parts[0])
    year = year - 543 if year > 2400 else year
    try:
        return date(year, int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = _HEADERS.get(_HEADER_NOISE.sub("", cell.casefold()))
        if field and field not in columns:
            columns[field] = index
    missing = [f for f in FIELDS if f not in columns and f not in OPTIONAL]
    if missing:
        names = ", ".join(f"{LABELS_TH[f]} ({f})" for f in missing)
        raise SheetRejected([Problem(1, None, f"ไม่พบคอลัมน์ {names}")])
    return columns


def parse_row(line: int, cells: dict[str, str]) -> tuple[CertificateData | None, list[Problem]]:
    """One data row as a certificate, or the problems with it (every bad cell)."""
    problems: list[Problem] = []

    def bad(field: str, reason: str) -> None:
        problems.append(Problem(line, LABELS_TH[field], reason))

    for field in ("number", "product", "holder_name"):
        if not cells.get(field):
            bad(field, "ต้องกรอก")
    number = canonical_number(cells.get("number", ""))
    if len(number) > MAX_NUMBER:
        bad("number", f"ยาวเกิน {MAX_NUMBER} ตัวอักษร")
    ref = parse_code_cell(cells.get("standard_code", ""))
    if ref is None:
        bad("standard_code", "ต้องเป็นเลข มผช. เช่น มผช. 129/2565 หรือ 129")
    province = normalize_province(cells.get("province"))
    if province is None:
        bad("province", f"ไม่รู้จักจังหวัด \"{cells.get('province', '')}\"")
    issued, expires = parse_date(cells.get("issued_on", "")), parse_date(cells.get("expires_on", ""))
    for field, value in (("issued_on", issued), ("expires_on", expires)):
        if value is None:
            bad(field, "ต้องเป็นวันที่ เช่น 2024-06-01 หรือ 1/6/2567")
    if issued and expires and expires <= issued:
        bad("expires_on", "ต้องอยู่หลังวันที่ออก")
    state = STATE_WORDS.get(cells.get("state", "").casefold() or "valid")
    if state is None:
        bad("state", "ต้องเป็น ใช้ได้ / หมดอายุ / พักใช้ / เพิกถอน (valid, expired, suspended, revoked)")
    if problems or ref is None or province is None or issued is None or expires is None or state is None:
        return None, problems
    return CertificateData(number=number, standard_number=ref[0], standard_year=ref[1],
                           product=cells["product"][:300], holder_name=cells["holder_name"][:300], province=province,
                           issued_on=issued, expires_on=expires, state=state), []


def read_certificates(data: bytes, filename: str = "") -> list[CertificateData]:
    """Every certificate in the file, or :class:`SheetRejected` with all the problems (pure)."""
    try:
        rows = list(read_rows(data, filename))
    except SheetError as exc:
        raise SheetRejected([Problem(exc.line, None, exc.message_th)]) from None
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise SheetRejected([Problem(None, None, "ไฟล์ว่าง")])
    columns = _columns(rows[0][1])
    if len(rows) - 1 > MAX_ROWS:
        raise SheetRejected([Problem(None, None, f"เกิน {MAX_ROWS} แถวต่อไฟล์")])
    found: list[CertificateData] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for line, row in rows[1:]:
        cells = {field: row[index] if index < len(row) else "" for field, index in columns.items()}
        record, wrong = parse_row(line, cells)
        problems.extend(wrong)
        if record is None:
            continue
        if record.number in first_line:
            problems.append(Problem(line, LABELS_TH["number"], f"ซ้ำกับบรรทัดที่ {first_line[record.number]}"))
            continue
        first_line[record.number] = line
        found.append(record)
    if not found and not problems:
        problems.append(Problem(None, None, "ไม่มีแถวข้อมูล"))
    if problems:
        raise SheetRejected(problems)
    return found


def import_certificates(session: Session, data: bytes, filename: str = "",
                        officer: Officer | None = None) -> ImportResult:
    """Write every certificate of the file (an officer may import only their province's; the CLI none).
    Raises :class:`SheetRejected` before writing anything; the caller commits."""
    records = read_certificates(data, filename)
    if officer is not None and not officer.is_admin:
        foreign = [Problem(None, LABELS_TH["province"], f"เลขที่ {r.number}: เป็นของจังหวัด{r.province} "
                                                        f"ซึ่งไม่ใช่จังหวัดของคุณ") for r in records
                   if r.province != officer.province]
        if foreign:
            raise SheetRejected(foreign)
    outcomes = [upsert(session, record, officer)[1] for record in records]
    return ImportResult(rows=len(records), created=outcomes.count("created"), updated=outcomes.count("updated"))
