"""Import applications from a CSV file (as saved by Excel): all rows or none.

The first row names the columns, in English (``number, applicant_name, phone, province, product,
standard_number, submitted_on``, optional ``national_id``) or Thai (เลขที่คำขอ, ชื่อผู้ยื่นคำขอ,
โทรศัพท์, จังหวัด, ผลิตภัณฑ์, เลข มผช., วันที่ยื่น, เลขประจำตัวประชาชน). UTF-8 with or without
Excel's BOM; Thai Windows' "CSV" (cp874/TIS-620) is read too. A bad row rejects the whole file
with its line number; the caller rolls back.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy.orm import Session

from bot.cases.applications import ApplicationError
from bot.models import Application, Officer
from bot.nlp.normalize import decode_text
from bot.office.casework import FIELDS, InvalidFields, add_application

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
OPTIONAL = ("national_id",)
HEADERS = {
    "number": ("number", "เลขที่คำขอ", "เลขคำขอ", "คำขอเลขที่"),
    "applicant_name": ("applicant_name", "ชื่อผู้ยื่นคำขอ", "ชื่อผู้ยื่น", "ผู้ยื่นคำขอ", "ชื่อผู้ขอ"),
    "phone": ("phone", "โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "หมายเลขโทรศัพท์"),
    "province": ("province", "จังหวัด"),
    "product": ("product", "ผลิตภัณฑ์", "ชื่อผลิตภัณฑ์", "สินค้า"),
    "standard_number": ("standard_number", "เลขมผช", "มผช", "เลขที่มผช", "มาตรฐาน", "เลขมาตรฐาน"),
    "submitted_on": ("submitted_on", "วันที่ยื่น", "วันที่ยื่นคำขอ", "วันยื่น"),
    "national_id": ("national_id", "เลขประจำตัวประชาชน", "เลขบัตรประชาชน"),
}
_HEADER_FORM = {re.sub(r"[\s._]", "", name.lower()): key for key, names in HEADERS.items() for name in names}
_FIELD_TH = {"number": "เลขที่คำขอ", "applicant_name": "ชื่อผู้ยื่นคำขอ", "phone": "โทรศัพท์", "province": "จังหวัด",
             "product": "ผลิตภัณฑ์", "standard_number": "เลข มผช.", "submitted_on": "วันที่ยื่น",
             "national_id": "เลขประจำตัวประชาชน"}


class CsvImportError(ValueError):
    """The file was rejected; ``line`` is its line number (1 = the header), or None for the whole file."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(f"บรรทัดที่ {line}: {message}" if line else message)
        self.line = line


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CsvImportError(None, f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB / file too large")
    text = decode_text(data)
    if text is None:
        raise CsvImportError(None, "อ่านไฟล์ไม่ได้ กรุณาบันทึกจาก Excel เป็น \"CSV UTF-8\" / save the file as CSV UTF-8")
    return text


def _columns(header: list[str]) -> list[str | None]:
    columns = [_HEADER_FORM.get(re.sub(r"[\s._]", "", name.strip().lower())) for name in header]
    missing = [f for f in FIELDS if f not in columns and f != "standard_number"]
    if missing:
        names = ", ".join(f"{_FIELD_TH[f]} ({f})" for f in missing)
        raise CsvImportError(1, f"ไม่พบคอลัมน์ {names} / missing column(s): {', '.join(missing)}")
    return columns


def import_applications(session: Session, officer: Officer, data: bytes) -> list[Application]:
    """Create every application in the file (the caller commits, or rolls back on CsvImportError)."""
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvImportError(None, "ไฟล์ว่าง / the file is empty") from None
    columns = _columns(header)
    created: list[Application] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(created) >= MAX_ROWS:
                raise CsvImportError(reader.line_num, f"เกิน {MAX_ROWS} แถวต่อไฟล์ / more than {MAX_ROWS} rows")
            if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns):]):
                raise CsvImportError(reader.line_num, "มีข้อมูลเกินจำนวนคอลัมน์ / more cells than columns")
            record: dict[str, Any] = {key: cell for key, cell in zip(columns, row, strict=False) if key}
            try:
                created.append(add_application(session, officer, record))
            except InvalidFields as exc:
                detail = "; ".join(f"{_FIELD_TH.get(f, f)}: {m}" for f, m in exc.errors.items())
                raise CsvImportError(reader.line_num, detail) from None
            except ApplicationError as exc:
                raise CsvImportError(reader.line_num, str(exc)) from None
    except csv.Error as exc:
        raise CsvImportError(reader.line_num, f"รูปแบบ CSV ไม่ถูกต้อง / malformed CSV: {exc}") from None
    if not created:
        raise CsvImportError(None, "ไม่มีแถวข้อมูล / no rows to import")
    return created
