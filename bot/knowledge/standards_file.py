"""Read TISI's list of community product standards from CSV or XLSX (pure: no database).

The sheet may have title rows above the header; the header row is the first
row (within :data:`HEADER_SEARCH_ROWS`) that names a code column and a name
column, in Thai or English. Optional columns: year, category, keywords/scope.
Codes may be written ``มผช. 129/2546``, ``มผช 129-2546``, ``TCPS 129/2546``,
``129/2546`` or with Thai digits. Any malformed row raises
:class:`StandardsFileError` with its 1-based line (spreadsheet row) number.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.nlp.codes import format_code, parse_code_cell
from bot.sheets import SheetError, read_rows

HEADER_SEARCH_ROWS = 15
MAX_FILE_BYTES = 50 * 1024 * 1024  # TISI's whole list, with room

# Header synonyms, compared after lower-casing and removing spaces, dots and brackets.
_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("รหัส", "รหัสมาตรฐาน", "เลขที่มาตรฐาน", "เลขที่มผช", "เลขมาตรฐาน", "หมายเลขมาตรฐาน",
             "มผช", "เลขมผช", "มาตรฐานเลขที่", "code", "standardcode", "standardno", "standardnumber",
             "tcps", "tcpsno"),
    "name": ("ชื่อ", "ชื่อผลิตภัณฑ์", "ชื่อมาตรฐาน", "ผลิตภัณฑ์", "ชื่อผลิตภัณฑ์ชุมชน", "ชื่อมาตรฐานผลิตภัณฑ์ชุมชน",
             "name", "productname", "product", "title", "standardname", "nameth", "ชื่อภาษาไทย"),
    "year": ("ปี", "ปีพศ", "พศ", "ปีที่ประกาศ", "year", "yearbe"),
    "category": ("หมวด", "หมวดหมู่", "ประเภท", "กลุ่ม", "กลุ่มผลิตภัณฑ์", "category", "group", "type"),
    "keywords": ("ขอบข่าย", "คำสำคัญ", "คำค้น", "keywords", "keyword", "scope"),
}
# A header cell that merely *starts* with one of these also counts ("ชื่อผลิตภัณฑ์ (ภาษาไทย)").
_PREFIX_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("รหัส", "เลขที่มาตรฐาน", "มผช", "code", "standardcode", "tcps"),
    "name": ("ชื่อ", "name", "product"),
    "year": ("ปีพศ", "year"),
    "category": ("หมวด", "category"),
    "keywords": ("ขอบข่าย", "คำสำคัญ", "keyword", "scope"),
}
_HEADER_NOISE = re.compile(r"[\s.()\[\]/:_\-]+")


@dataclass(frozen=True)
class StandardRow:
    """One standard edition read from the file; ``line`` is its 1-based row number."""

    number: int
    year: int
    code: str
    name: str
    category: str | None
    keywords: tuple[str, ...]
    line: int


StandardsFileError = SheetError  # the name importers of TISI's list already catch


def _header_key(cell: str) -> str:
    return _HEADER_NOISE.sub("", cell.casefold())


def _detect_columns(row: Sequence[str]) -> dict[str, int]:
    """Column index per field for a header row (exact synonyms first, then prefixes)."""
    keys = [_header_key(c) for c in row]
    columns: dict[str, int] = {}
    for table, match in ((_HEADERS, lambda k, s: k == s), (_PREFIX_HEADERS, lambda k, s: k.startswith(s))):
        for field, synonyms in table.items():
            if field in columns:
                continue
            for idx, key in enumerate(keys):
                if key and idx not in columns.values() and any(match(key, s) for s in synonyms):
                    columns[field] = idx
                    break
    return columns


# ----------------------------------------------------------------- parsing
def _parse_row(line: int, row: list[str], columns: dict[str, int]) -> StandardRow:
    def cell(field: str) -> str:
        idx = columns.get(field)
        return row[idx] if idx is not None and idx < len(row) else ""

    raw_code, name = cell("code"), " ".join(cell("name").split())
    ref = parse_code_cell(raw_code)
    if ref is None:
        raise StandardsFileError(line, f"รหัสมาตรฐาน '{raw_code}' ไม่ถูกต้อง (ตัวอย่าง มผช. 129/2546)",
                                 f"invalid standard code '{raw_code}' (expected e.g. มผช. 129/2546)")
    number, year = ref
    raw_year = cell("year")
    if raw_year:
        digits = re.sub(r"^(?:พ\.?\s*ศ\.?|b\.?e\.?)\s*", "", raw_year, flags=re.IGNORECASE)
        if not re.fullmatch(r"\d{4}", digits):
            raise StandardsFileError(line, f"ปี '{raw_year}' ไม่ถูกต้อง (ต้องเป็น พ.ศ. 4 หลัก)",
                                     f"invalid year '{raw_year}' (expected a 4-digit Buddhist-era year)")
        if year is not None and int(digits) != year:
            raise StandardsFileError(line, f"ปี {digits} ไม่ตรงกับรหัส {raw_code}",
                                     f"year {digits} does not match code {raw_code}")
        year = int(digits)
    if year is None:
        raise StandardsFileError(line, f"ไม่มีปี พ.ศ. ของมาตรฐาน '{raw_code}'",
                                 f"no Buddhist-era year for standard '{raw_code}'")
    if not name:
        raise StandardsFileError(line, "ไม่มีชื่อผลิตภัณฑ์", "missing product name")
    keywords = tuple(k.strip() for k in re.split(r"[,;|]", cell("keywords")) if k.strip())
    return StandardRow(number, year, format_code(number, year), name, cell("category") or None, keywords, line)


def read_standards_file(path: Path | str) -> list[StandardRow]:
    """Every standard row of a CSV or XLSX file, in file order.

    Raises :class:`StandardsFileError` for a missing header, a malformed row or
    a duplicated code (with the 1-based line number of the offending row).
    """
    path = Path(path)
    rows = read_rows(path.read_bytes(), path.name, max_bytes=MAX_FILE_BYTES)
    columns: dict[str, int] | None = None
    out: list[StandardRow] = []
    seen: dict[tuple[int, int], int] = {}
    last_line = 0
    for line, row in rows:
        last_line = line
        if not any(row):
            continue
        if columns is None:
            found = _detect_columns(row)
            if "code" in found and "name" in found:
                columns = found
            elif line >= HEADER_SEARCH_ROWS:
                break
            continue
        parsed = _parse_row(line, row, columns)
        key = (parsed.number, parsed.year)
        if key in seen:
            raise StandardsFileError(line, f"รหัส {parsed.code} ซ้ำกับบรรทัด {seen[key]}",
                                     f"code {parsed.code} repeats line {seen[key]}")
        seen[key] = line
        out.append(parsed)
    if columns is None:
        raise StandardsFileError(min(last_line, HEADER_SEARCH_ROWS) or 1,
                                 "ไม่พบหัวตารางที่มีคอลัมน์รหัสมาตรฐานและชื่อผลิตภัณฑ์",
                                 "no header row with a standard-code column and a product-name column")
    return out
