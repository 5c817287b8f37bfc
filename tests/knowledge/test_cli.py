"""`flask knowledge load` and `flask knowledge import-standards FILE` on SQLite and PostgreSQL.

Codes above มผช. 1555 and the 2566 edition of มผช. 129 below are fictitious, made up for these
tests only (they never reach knowledge/).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.config import DEFAULT_TISI_STANDARD_LIST_URL as TISI_STANDARD_LIST_URL
from bot.db import db
from bot.knowledge.store import knowledge_version
from bot.models import Standard, StandardAlias
from bot.nlp.knowledge import load_knowledge
from tests.helpers import add_officer_alias

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["knowledge", *args])


def snapshot(app) -> dict:
    """Everything the commands may change."""
    with app.app_context():
        standards = sorted((s.code, s.name, s.category, tuple(s.keywords), s.source_url, s.superseded_by)
                           for s in db.session.scalars(select(Standard)))
        aliases = sorted((a.alias, a.standard_number, a.source, a.created_by)
                         for a in db.session.scalars(select(StandardAlias)))
        return {"standards": standards, "aliases": aliases, "version": knowledge_version(db.session)}


def standard(app, code: str) -> Standard | None:
    with app.app_context():
        row = db.session.scalars(select(Standard).where(Standard.code == code)).one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- knowledge load
def test_load_fills_the_tables_like_the_files_and_is_idempotent(db_app):
    result = run(db_app, "load")
    assert result.exit_code == 0, result.output
    files = load_knowledge(KNOWLEDGE)
    older = sum(1 for s in files.standards if s.superseded_by)
    assert f"standards: {len(files.standards)} added, 0 updated, {older} superseded, 0 unchanged" in result.output
    assert f"aliases: {len(files.aliases)} added" in result.output
    assert "superseded  มผช. 93/2547 → มผช. 93/2553" in result.output
    state = snapshot(db_app)
    assert state["version"] == 1
    assert state["standards"] == sorted(
        (s.code, s.name, s.category, s.keywords, s.source, s.superseded_by) for s in files.standards)
    assert len(state["aliases"]) == len({(a.alias, a.number) for a in files.aliases})

    again = run(db_app, "load")
    assert again.exit_code == 0, again.output
    assert f"standards: 0 added, 0 updated, 0 superseded, {len(files.standards)} unchanged" in again.output
    assert "nothing changed" in again.output
    assert snapshot(db_app) == state  # same rows, version not bumped


def test_load_follows_edited_files_and_keeps_officers_aliases(db_app, tmp_path):
    assert run(db_app, "load").exit_code == 0
    with db_app.app_context():
        add_officer_alias(db.session, "น้ำพริกแม่บ้าน", 129)
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    standards = (folder / "standards.csv").read_text(encoding="utf-8")
    (folder / "standards.csv").write_text(standards.replace(",น้ำพริกแกง,food,", ",น้ำพริกแกง (แก้ไข),food,"),
                                          encoding="utf-8")
    aliases = (folder / "aliases.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(line for line in aliases if line.startswith("ไข่เคม,"))
    (folder / "aliases.csv").write_text("".join(line for line in aliases if line != removed), encoding="utf-8")

    result = run(db_app, "load", "--dir", str(folder))
    assert result.exit_code == 0, result.output
    assert "updated     มผช. 129/2546" in result.output
    assert "0 added, 0 updated, 1 removed, 1 added by officers kept" in result.output
    state = snapshot(db_app)
    assert state["version"] == 2
    assert ("น้ำพริกแม่บ้าน", 129, "officer", 1) in state["aliases"]
    assert not [a for a in state["aliases"] if a[0] == "ไข่เคม"]
    assert standard(db_app, "มผช. 129/2546").name == "น้ำพริกแกง (แก้ไข)"


def test_load_with_a_broken_file_changes_nothing(db_app, tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    with (folder / "standards.csv").open("a", encoding="utf-8") as handle:
        handle.write("12x,2546,มผช. 12x/2546,ของเสีย,food,,https://example.org,\n")
    result = run(db_app, "load", "--dir", str(folder))
    assert result.exit_code != 0
    assert f"line {len(load_knowledge(KNOWLEDGE).standards) + 2}" in result.output  # after the header and every row
    assert snapshot(db_app) == {"standards": [], "aliases": [], "version": 0}


# ---------------------------------------------------------------- import-standards
TISI_CSV = """รายชื่อมาตรฐานผลิตภัณฑ์ชุมชน (ตัวอย่างสำหรับทดสอบ)

ลำดับ,เลขที่มาตรฐาน,ชื่อผลิตภัณฑ์
1,มผช.129/2566,น้ำพริกแกง
2,มผช 27-2546,ไข่เค็ม
3,TCPS 102/2546,หมูยอ (ชื่อทางการ)
4,มผช. ๙๐๐๑/๒๕๖๖,ผ้าไหมทดสอบ
"""


def test_import_csv_adds_updates_and_supersedes_then_is_idempotent(db_app, tmp_path):
    assert run(db_app, "load").exit_code == 0
    before = snapshot(db_app)
    path = write_csv(tmp_path / "tisi.csv", TISI_CSV)

    result = run(db_app, "import-standards", str(path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "added       มผช. 129/2566" in lines and "added       มผช. 9001/2566" in lines
    assert "updated     มผช. 102/2546" in lines
    assert "superseded  มผช. 129/2546 → มผช. 129/2566" in lines
    assert "standards: 2 added, 1 updated, 1 superseded, 1 unchanged" in result.output

    assert standard(db_app, "มผช. 129/2546").superseded_by == "มผช. 129/2566"
    assert standard(db_app, "มผช. 129/2566").superseded_by is None
    new = standard(db_app, "มผช. 9001/2566")
    assert (new.name, new.source_url, new.category, new.keywords) == ("ผ้าไหมทดสอบ", TISI_STANDARD_LIST_URL, "", [])
    egg = standard(db_app, "มผช. 27/2546")
    assert egg.category == "food" and egg.keywords  # no such columns in the list: ours are kept
    after = snapshot(db_app)
    assert after["version"] == before["version"] + 1

    again = run(db_app, "import-standards", str(path))
    assert again.exit_code == 0, again.output
    assert "standards: 0 added, 0 updated, 0 superseded, 4 unchanged" in again.output
    assert snapshot(db_app) == after


def test_import_xlsx_with_english_headers_and_categories(db_app, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for row in (["TCPS list"], ["Standard No.", "Year", "Product name", "Category", "Scope"],
                ["1601", 2566, "Test silk scarf", "Textiles", "silk, scarf"],
                ["มผช. 1602/2566", None, "Test herbal balm", "ผลิตภัณฑ์สมุนไพรที่ไม่ใช่อาหาร", ""]):
        sheet.append(row)
    path = tmp_path / "tisi.xlsx"
    workbook.save(path)

    result = run(db_app, "import-standards", str(path))
    assert result.exit_code == 0, result.output
    assert "standards: 2 added, 0 updated, 0 superseded, 0 unchanged" in result.output
    scarf = standard(db_app, "มผช. 1601/2566")
    assert (scarf.name, scarf.category, scarf.keywords) == ("Test silk scarf", "textile", ["silk", "scarf"])
    assert standard(db_app, "มผช. 1602/2566").category == "herbal"
    with db_app.app_context():
        assert knowledge_version(db.session) == 1


def test_malformed_row_aborts_with_its_line_and_changes_nothing(db_app, tmp_path):
    assert run(db_app, "load").exit_code == 0
    before = snapshot(db_app)
    path = write_csv(tmp_path / "bad.csv", "รหัส,ชื่อ\nมผช. 9001/2566,ผ้าไหมทดสอบ\nมผช. 129/2566,น้ำพริกแกง\n"
                                           "มผช. abc/2566,ของเสีย\n")
    result = run(db_app, "import-standards", str(path))
    assert result.exit_code != 0
    assert "บรรทัด 4" in result.output and "line 4" in result.output and "nothing was imported" in result.output
    assert snapshot(db_app) == before

    missing_name = write_csv(tmp_path / "noname.csv", "รหัส,ชื่อ\nมผช. 9001/2566,ผ้าไหมทดสอบ\nมผช. 9002/2566,\n")
    result = run(db_app, "import-standards", str(missing_name))
    assert result.exit_code != 0 and "line 3" in result.output
    no_header = write_csv(tmp_path / "noheader.csv", "a,b\n1,2\n")
    assert run(db_app, "import-standards", str(no_header)).exit_code != 0
    assert run(db_app, "import-standards", str(tmp_path / "missing.csv")).exit_code != 0
    assert snapshot(db_app) == before


def test_dry_run_reports_but_saves_nothing(db_app, tmp_path):
    path = write_csv(tmp_path / "tisi.csv", TISI_CSV)
    result = run(db_app, "import-standards", "--dry-run", str(path))
    assert result.exit_code == 0, result.output
    assert "standards: 4 added" in result.output and "dry run: nothing was saved" in result.output
    assert snapshot(db_app) == {"standards": [], "aliases": [], "version": 0}


def test_knowledge_load_after_an_import_keeps_the_newer_edition_current(db_app, tmp_path):
    assert run(db_app, "load").exit_code == 0
    assert run(db_app, "import-standards", str(write_csv(tmp_path / "tisi.csv", TISI_CSV))).exit_code == 0
    result = run(db_app, "load")
    assert result.exit_code == 0, result.output
    assert "superseded" not in result.output.split("standards:")[0]
    assert standard(db_app, "มผช. 129/2546").superseded_by == "มผช. 129/2566"
    assert standard(db_app, "มผช. 9001/2566") is not None  # imported standards are not deleted
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Standard)) == len(load_knowledge(KNOWLEDGE).standards) + 2
