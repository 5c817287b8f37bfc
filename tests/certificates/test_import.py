"""Certificate records and their import (SQLite and PostgreSQL): all rows or none, idempotent, XLSX, CLI."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.certificates.importer import certificate_template, import_certificates
from bot.certificates.model import Certificate, CertificateEvent
from bot.certificates.records import find_certificate
from bot.db import db
from bot.sheets import SheetRejected, template
from tests.certificates.data import HEADER, good_csv


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_file_creates_every_certificate_and_a_second_import_changes_nothing(db_app):
    with db_app.app_context():
        first = import_certificates(db.session(), good_csv(), "c.csv")
        db.session.commit()
        assert (first.rows, first.created, first.updated) == (4, 4, 0)
        one = find_certificate(db.session(), "ชม ๐๐๑๒ / ๒๕๖๗")  # Thai digits, other spacing: the same number
        assert one is not None and one.number == "ชม 0012/2567" and one.standard_code == "มผช. 129/2565"
        assert one.state == "valid" and one.province == "เชียงใหม่" and len(one.current_link.token) >= 22
        assert find_certificate(db.session(), "ลพ 0001/2566").state == "suspended"
        events, tokens = _count(CertificateEvent), sorted(db.session.scalars(select(Certificate.updated_at)))
        second = import_certificates(db.session(), good_csv(), "c.csv")
        db.session.commit()
        assert (second.rows, second.created, second.updated) == (4, 0, 0)
        assert _count(Certificate) == 4 and _count(CertificateEvent) == events
        assert sorted(db.session.scalars(select(Certificate.updated_at))) == tokens


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(db_app):
    bad = (HEADER + "ชม 1/2567,มผช. 129/2565,น้ำพริก,กลุ่มก,เชียงใหม่,2024-06-01,2027-05-31,\n"
           ",มผช. xx,น้ำพริก,กลุ่มข,ไม่มีจังหวัดนี้,2024-13-01,2027-05-31,\n"
           "ชม 3/2567,129,น้ำพริก,กลุ่มค,เชียงใหม่,2024-06-01,2023-01-01,ยกเลิก\n"
           "ชม 1/2567,129,น้ำพริก,กลุ่มง,เชียงใหม่,2024-06-01,2027-05-31,\n").encode()
    with db_app.app_context():
        with pytest.raises(SheetRejected) as caught:
            import_certificates(db.session(), bad, "bad.csv")
        db.session.rollback()
        where = {(p.line, p.column) for p in caught.value.problems}
        assert {(3, "เลขที่ใบรับรอง"), (3, "มผช."), (3, "จังหวัด"), (3, "วันที่ออก"), (4, "วันหมดอายุ"),
                (4, "สถานะ"), (5, "เลขที่ใบรับรอง")} <= where
        assert "บรรทัดที่ 3 คอลัมน์ จังหวัด" in str(caught.value)
        assert _count(Certificate) == 0


def test_thai_headers_and_xlsx_are_read(db_app):
    thai = ["เลขที่ใบรับรอง", "มผช.", "ผลิตภัณฑ์", "ผู้ได้รับการรับรอง", "จังหวัด", "วันที่ออก", "วันหมดอายุ"]
    data = template(thai, [["ชม 9/2567", "มผช. 129/2565", "น้ำพริกแกง", "กลุ่มบ้านดอน", "เชียงใหม่", "1/6/2567",
                            "2570-05-31"]], fmt="xlsx")
    with db_app.app_context():
        result = import_certificates(db.session(), data, "c.xlsx")
        db.session.commit()
        found = find_certificate(db.session(), "ชม 9/2567")
        assert result.created == 1 and found.issued_on.isoformat() == "2024-06-01"
        assert found.expires_on.isoformat() == "2027-05-31"


def test_the_template_imports_as_it_is(db_app):
    with db_app.app_context():
        for fmt in ("csv", "xlsx"):
            assert import_certificates(db.session(), certificate_template(fmt), f"t.{fmt}").rows == 1
        assert certificate_template().decode("utf-8-sig").startswith(HEADER.strip())


def test_cli_import_good_bad_and_again(db_app, tmp_path):
    runner = db_app.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_bytes(good_csv())
    first = runner.invoke(args=["certificates", "import", str(good)])
    assert first.exit_code == 0 and "created: 4" in first.output, first.output
    again = runner.invoke(args=["certificates", "import", str(good)])
    assert again.exit_code == 0 and "created: 0, updated: 0, unchanged: 4" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + "X1,zz,p,h,เชียงใหม่,2024-06-01,2027-01-01,\nX2,129,p,h,ที่ไหน,2024-06-01,2027-01-01,\n")
                    .encode())
    refused = runner.invoke(args=["certificates", "import", str(bad)])
    assert refused.exit_code != 0
    assert "บรรทัดที่ 2 คอลัมน์ มผช." in refused.output and "บรรทัดที่ 3 คอลัมน์ จังหวัด" in refused.output
    with db_app.app_context():
        assert _count(Certificate) == 4
