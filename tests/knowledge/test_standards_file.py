"""Reading TISI's standards list from CSV and XLSX files."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.knowledge.standards_file import StandardRow, StandardsFileError, read_standards_file


def write_csv(tmp_path: Path, text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "list.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_csv_with_thai_headers_and_digits(tmp_path: Path) -> None:
    path = write_csv(tmp_path, (
        "ลำดับ,มผช.,ชื่อผลิตภัณฑ์,หมวด,ขอบข่าย\n"
        "1,มผช. ๑๒๙/๒๕๔๖,น้ำพริกแกง,อาหาร,\n"
        '2,TCPS 27-2546,"ไข่เค็ม",อาหาร,"ไข่เค็มพอก, ไข่เค็มดองน้ำเกลือ"\n'))
    assert read_standards_file(path) == [
        StandardRow(129, 2546, "มผช. 129/2546", "น้ำพริกแกง", "อาหาร", (), 2),
        StandardRow(27, 2546, "มผช. 27/2546", "ไข่เค็ม", "อาหาร", ("ไข่เค็มพอก", "ไข่เค็มดองน้ำเกลือ"), 3),
    ]


def test_csv_english_headers_semicolons_and_separate_year(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Code;Year;Name;Category\n129;2546;Curry paste;food\n")
    [row] = read_standards_file(path)
    assert (row.number, row.year, row.code, row.name, row.category) == (129, 2546, "มผช. 129/2546", "Curry paste", "food")


def test_csv_in_tis620(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "รหัส,ชื่อ\nมผช. 26/2557,ปลาส้ม\n", encoding="cp874")
    assert [r.name for r in read_standards_file(path)] == ["ปลาส้ม"]


def test_xlsx_with_title_rows_above_the_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [
        ["รายชื่อมาตรฐานผลิตภัณฑ์ชุมชน"],
        [],
        ["ลำดับที่", "เลขที่มาตรฐาน", "ชื่อผลิตภัณฑ์ (ภาษาไทย)", "ปี พ.ศ."],
        [1, "มผช. 93", "ผลิตภัณฑ์ปรับสภาพเส้นผม", 2553],
        [2, "247/2552", "ผ้าพันคอ", "๒๕๕๒"],
    ])
    rows = read_standards_file(path)
    assert [(r.code, r.name, r.line) for r in rows] == [
        ("มผช. 93/2553", "ผลิตภัณฑ์ปรับสภาพเส้นผม", 4),
        ("มผช. 247/2552", "ผ้าพันคอ", 5),
    ]


def test_xlsx_detected_without_suffix(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["code", "name"], ["มผช.1/2546", "ขนมไทย"]], name="download")
    assert [r.number for r in read_standards_file(path)] == [1]


@pytest.mark.parametrize(
    ("rows", "line", "fragment"),
    [
        ([["code", "name"], ["มผช. 1/2546", "ขนมไทย"], ["ไม่ใช่รหัส", "ขนม"]], 3, "invalid standard code"),
        ([["code", "name"], ["มผช. 1/2546", "ขนมไทย"], [], ["มผช. 2/2546", ""]], 4, "missing product name"),
        ([["code", "name"], ["มผช. 1", "ขนมไทย"]], 2, "no Buddhist-era year"),
        ([["code", "name", "year"], ["มผช. 1/2546", "ขนมไทย", "2547"]], 2, "does not match"),
        ([["code", "name"], ["มผช. 1/2546", "ขนมไทย"], ["มผช 1-2546", "ขนมไทย"]], 3, "repeats line 2"),
    ],
)
def test_malformed_xlsx_row_reports_its_line(tmp_path: Path, rows: list[list[object]], line: int,
                                             fragment: str) -> None:
    path = write_xlsx(tmp_path, rows)
    with pytest.raises(StandardsFileError) as info:
        read_standards_file(path)
    assert info.value.line == line
    assert fragment in str(info.value)
    assert f"บรรทัด {line}" in str(info.value)  # Thai message too


def test_malformed_csv_row_line_counts_multiline_cells(tmp_path: Path) -> None:
    path = write_csv(tmp_path, 'code,name,keywords\nมผช. 1/2546,ขนมไทย,"ขนมกวน,\nลูกชุบ"\nมผช. x,ขนม,\n')
    with pytest.raises(StandardsFileError) as info:
        read_standards_file(path)
    assert info.value.line == 4
    assert "มผช. x" in info.value.message_en and "ไม่ถูกต้อง" in info.value.message_th


def test_missing_header_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "foo,bar\n1,2\n")
    with pytest.raises(StandardsFileError, match="no header row"):
        read_standards_file(path)


def test_broken_xlsx_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "not a zip", name="broken.xlsx")
    with pytest.raises(StandardsFileError, match="Excel"):
        read_standards_file(path)
