"""knowledge/offices.yaml and its seeding by `flask knowledge load`: every province, sourced facts only,
idempotent, and an officer's correction is never overwritten."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases.provinces import provinces
from bot.db import db
from bot.directory.data import OfficesFileError, directory, load_directory
from bot.directory.store import correct_office
from bot.models import Office, Officer

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
SOURCES = Path(__file__).resolve().parents[1] / "data"


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["knowledge", *args])


def rows(app) -> dict[str, tuple]:
    with app.app_context():
        return {o.province: (o.name_th, o.phone, o.website, o.address_th, o.source, tuple(o.corrected))
                for o in db.session.scalars(select(Office))}


def test_every_province_has_its_office_and_no_unsourced_contact(app):
    with app.app_context():
        book = directory()
        assert sorted(book.offices) == sorted(provinces()) and len(book.offices) == 76
        for province, office in book.offices.items():
            assert office.name_th == f"สำนักงานอุตสาหกรรมจังหวัด{province}" and office.province_en and office.name_en
            has_fact = office.address_th or office.phone or office.website or office.latitude is not None
            assert bool(has_fact) == bool(office.source), province  # a fact always comes with its source
        sourced = {p for p, o in book.offices.items() if o.source}
        assert sourced == {"ชัยนาท", "เชียงใหม่", "ตาก", "ตราด", "นครราชสีมา", "หนองบัวลำภู", "อุตรดิตถ์", "อุบลราชธานี"}
        assert not any(o.phone for o in book.offices.values())  # none could be sourced (see the file's header)
        assert book.bangkok.website == "https://www.tisi.go.th/" and book.bangkok.phone is None


def test_a_file_missing_a_province_is_refused(tmp_path):
    text = (KNOWLEDGE / "offices.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "offices.yaml"
    broken.write_text(text.replace("  - province: ตาก\n", "  - province: ตากx\n"), encoding="utf-8")
    with pytest.raises(OfficesFileError, match="ตาก"):
        load_directory(broken, KNOWLEDGE / "provinces.yaml")


def test_load_seeds_every_office_once_and_keeps_officers_corrections(db_app, tmp_path):
    first = run(db_app, "load")
    assert first.exit_code == 0, first.output
    assert "offices: 76 added, 0 updated, 0 field(s) corrected by officers kept" in first.output
    seeded = rows(db_app)
    assert len(seeded) == 76 and seeded["ชัยนาท"][3].startswith("เลขที่ 444")
    again = run(db_app, "load")
    assert "offices: 0 added, 0 updated" in again.output and rows(db_app) == seeded

    with db_app.app_context():
        officer = Officer(username="tak1", password_hash="x", province="ตาก")
        db.session.add(officer)
        db.session.flush()
        row = db.session.scalar(select(Office).where(Office.province == "ตาก"))
        assert correct_office(row, officer, {"phone": "055-000000", "website": "https://tak.example/"}) == [
            "phone", "website"]
        db.session.commit()
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    text = (folder / "offices.yaml").read_text(encoding="utf-8")
    text = text.replace("website: https://tak.industry.go.th/", "website: https://tak.industry.go.th/new/")
    text = text.replace("website: https://trat.industry.go.th/", "website: https://trat.industry.go.th/new/")
    (folder / "offices.yaml").write_text(text, encoding="utf-8")
    edited = run(db_app, "load", "--dir", str(folder))
    assert edited.exit_code == 0, edited.output
    assert "offices: 0 added, 1 updated, 2 field(s) corrected by officers kept" in edited.output
    after = rows(db_app)
    assert after["ตาก"][1:3] == ("055-000000", "https://tak.example/")  # the officer's, not the file's
    assert after["ตราด"][2] == "https://trat.industry.go.th/new/"  # not corrected: follows the file
    with db_app.app_context():
        row = db.session.scalar(select(Office).where(Office.province == "ตาก"))
        assert row.updated_by is not None and row.updated_at is not None


def test_sourced_rows_are_the_csv_as_shipped():
    """The sourced rows equal the team's provincial_offices.csv, kept in the repository as test data."""
    with (SOURCES / "provincial_offices.csv").open(encoding="utf-8") as handle:
        expected = {r["province_th"]: r for r in csv.DictReader(handle)}
    book = load_directory(KNOWLEDGE / "offices.yaml", KNOWLEDGE / "provinces.yaml")
    for province, row in expected.items():
        office = book.bangkok if province == "กรุงเทพมหานคร" else book.offices[province]
        assert (office.name_th, office.address_th or "", office.phone or "", office.website, office.source) == (
            row["office_name_th"], row["address_th"], row["phone"], row["website"], row["source"])
