"""Migration 0012 gives applications already at "certificate issued" their certificate record (renewals
go on), with an empty holder: never the applicant's name."""
from __future__ import annotations

from datetime import date

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from bot.db import db
from tests.conftest import base_config
from tests.test_migrations import empty_database  # noqa: F401  (the SQLite + PostgreSQL fixture)


def test_issued_applications_get_their_records(empty_database):  # noqa: F811
    app = create_app(base_config(empty_database, "http://127.0.0.1:9"))
    with app.app_context():
        upgrade(revision="0011_documents")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO applicant (name, phone_hash, phone_last4_hash, phone_masked, created_at) "
                "VALUES ('นางสมศรี ใจดี', 'h', 'h4', '081-xxx-xxxx', '2024-01-01')"))
            applicant = connection.execute(text("SELECT id FROM applicant")).scalar_one()
            for number, stage in (("66/0001", "cert_issued"), ("66/0002", "doc_check")):
                connection.execute(text(
                    "INSERT INTO application (number, applicant_id, product, standard_number, province, submitted_on, "
                    "stage, stage_entered_on, certificate_expires_on, created_at, updated_at) VALUES (:n, :a, "
                    "'น้ำพริกแกง', 129, 'เชียงใหม่', '2023-01-01', :s, '2023-03-01', :e, '2023-01-01', '2023-01-01')"),
                    {"n": number, "a": applicant, "s": stage, "e": date(2026, 3, 1) if stage == "cert_issued" else None})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT number, holder_name, expires_on, state FROM certificate")).all()
            links = connection.execute(text("SELECT token FROM certificate_link")).scalars().all()
        assert [(r[0], r[1], str(r[2])[:10], r[3]) for r in rows] == [("66/0001", "", "2026-03-01", "valid")]
        assert len(links) == 1 and len(links[0]) >= 22
        db.engine.dispose()
