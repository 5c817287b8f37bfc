"""Reading officers' CSV/XLSX files and writing templates (bot.sheets)."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from bot.sheets import Problem, SheetError, SheetRejected, is_xlsx, read_rows, template


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_csv_with_excel_bom_and_thai_digits():
    data = "\ufeffเลขที่,จำนวน\n๖๗/๐๐๑๒ , ๑๒\n".encode()
    assert list(read_rows(data)) == [(1, ["เลขที่", "จำนวน"]), (2, ["67/0012", "12"])]


def test_thai_windows_csv_with_semicolons_and_a_quoted_newline_keeps_line_numbers():
    data = 'ชื่อ;หมายเหตุ\n"กลุ่ม ก";"สองบรรทัด\nต่อ"\nกลุ่ม ข;x\n'.encode("cp874")
    assert list(read_rows(data)) == [(1, ["ชื่อ", "หมายเหตุ"]), (2, ["กลุ่ม ก", "สองบรรทัด\nต่อ"]),
                                     (4, ["กลุ่ม ข", "x"])]


def test_xlsx_cells_become_text_dates_iso_and_whole_numbers_without_point():
    data = _xlsx([["number", "issued_on", "count"], ["A-1", datetime(2026, 1, 5), 3.0], [None, date(2025, 2, 1), 2.5]])
    assert is_xlsx(data) and not is_xlsx(b"number\n")
    assert list(read_rows(data, "whatever.csv")) == [
        (1, ["number", "issued_on", "count"]), (2, ["A-1", "2026-01-05", "3"]), (3, ["", "2025-02-01", "2.5"])]


@pytest.mark.parametrize(("data", "name", "fragment"), [
    (b"x" * 11, "a.csv", "MB"),
    (b"not a zip", "a.xlsx", "Excel"),
    (b"\xff\xfe\x00\xd8\x00", "a.csv", "CSV UTF-8"),
])
def test_unreadable_files_say_why(data, name, fragment):
    with pytest.raises(SheetError) as caught:
        list(read_rows(data, name, max_bytes=10))
    assert fragment in str(caught.value) and caught.value.line is None


def test_templates_round_trip_in_both_formats():
    headers, rows = ["เลขที่ใบรับรอง", "วันออก"], [["123/2567", "2026-01-05"]]
    csv_bytes = template(headers, rows)
    assert csv_bytes.startswith("\ufeff".encode())
    assert list(read_rows(csv_bytes)) == [(1, headers), (2, rows[0])]
    assert list(read_rows(template(headers, rows, "xlsx"))) == [(1, headers), (2, rows[0])]


def test_every_problem_is_reported_in_file_order():
    rejected = SheetRejected([Problem(5, "วันที่", "ไม่ใช่วันที่"), Problem(2, None, "ซ้ำ"), Problem(None, None, "ว่าง")])
    assert [p.line for p in rejected.problems] == [None, 2, 5]
    assert str(rejected.problems[2]) == "บรรทัดที่ 5 คอลัมน์ วันที่: ไม่ใช่วันที่"
    assert str(rejected) == "ว่าง; บรรทัดที่ 2: ซ้ำ; บรรทัดที่ 5 คอลัมน์ วันที่: ไม่ใช่วันที่"
