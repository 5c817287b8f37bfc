"""Officers' spreadsheets: read the rows of a CSV or XLSX file, report problems per row, write templates.

Pure: bytes in, rows out (no database). Every importer (applications, certificates, TISI's list) reads
through here, so an office can save its sheet from Excel either way:

- :func:`read_rows` yields ``(line, cells)`` with 1-based spreadsheet line numbers, every cell as
  stripped text with Thai digits turned into ASCII ones (XLSX dates become ``YYYY-MM-DD``);
- :class:`Problem` is one bad cell or row (line, column, reason in Thai) and :class:`SheetRejected`
  carries all of them at once, so the officer fixes the whole file in one go;
- :func:`template` writes a header (and example rows) as CSV with Excel's BOM or as XLSX.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.nlp.normalize import decode_text, to_arabic_digits

MAX_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


class SheetError(ValueError):
    """A file that cannot be read at all, or one bad row; ``line`` is 1-based (None for the whole file)."""

    def __init__(self, line: int | None, message_th: str, message_en: str) -> None:
        self.line = line
        self.message_th = message_th
        self.message_en = message_en
        where_th = f"บรรทัด {line}: " if line is not None else ""
        where_en = f"line {line}: " if line is not None else ""
        super().__init__(f"{where_th}{message_th} / {where_en}{message_en}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: its line (None = the whole file), the column's name as the officer sees
    it (None = the whole row) and the reason, in Thai."""

    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [f"บรรทัดที่ {self.line}"] if self.line else []
        if self.column:
            where.append(f"คอลัมน์ {self.column}")
        return f"{' '.join(where)}: {self.reason}" if where else self.reason


class SheetRejected(ValueError):
    """The file was not imported; ``problems`` lists every bad row, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.column or ""))
        super().__init__("; ".join(str(p) for p in self.problems))


def is_xlsx(data: bytes, filename: str = "") -> bool:
    """True for an Excel workbook: by its name, or by its zip signature whatever it is called."""
    return data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm"))


def read_rows(data: bytes, filename: str = "", max_bytes: int = MAX_BYTES) -> Iterator[tuple[int, list[str]]]:
    """Every row of a CSV (UTF-8 with or without BOM, or Thai Windows' cp874) or XLSX file (its active
    sheet), as ``(line, cells)``; raises :class:`SheetError` for a file too large or unreadable."""
    if len(data) > max_bytes:
        raise SheetError(None, f"ไฟล์ใหญ่เกิน {max_bytes // (1024 * 1024)} MB",
                         f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    return _xlsx_rows(data) if is_xlsx(data, filename) else _csv_rows(data)


def cell_text(value: object) -> str:
    """A cell as text: None → "", 12.0 → "12", a date → ISO, Thai digits → ASCII, outer spaces stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_arabic_digits(str(value)).strip()


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for bad files
        raise SheetError(None, "เปิดไฟล์ Excel ไม่ได้ กรุณาบันทึกเป็น .xlsx หรือ CSV UTF-8",
                         f"cannot open the Excel file ({type(exc).__name__})") from exc
    try:
        for number, row in enumerate(workbook.active.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in row]
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = decode_text(data)
    if text is None:
        raise SheetError(None, "อ่านไฟล์ไม่ได้ กรุณาบันทึกจาก Excel เป็น \"CSV UTF-8\"",
                         "unknown text encoding: save the file as CSV UTF-8")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    start = 1
    try:
        for row in reader:
            yield start, [cell_text(v) for v in row]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SheetError(reader.line_num, "รูปแบบ CSV ไม่ถูกต้อง", f"malformed CSV: {exc}") from None


def template(headers: Sequence[str], rows: Sequence[Sequence[object]] = (), fmt: str = "csv") -> bytes:
    """A file with ``headers`` and example ``rows``: CSV with Excel's BOM (``fmt="csv"``) or XLSX."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        for row in (headers, *rows):
            sheet.append(list(row))
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(12, *(len(str(c.value or "")) + 4
                                                                                for c in column))
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
