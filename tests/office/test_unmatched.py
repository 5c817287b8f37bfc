"""Counting unmatched queries: one row per (kind, normalised text), safe under concurrent workers."""
from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import select

from bot.db import db
from bot.models import UnmatchedQuery
from bot.office.unmatched import NONE_FITS, NOT_IN_KNOWLEDGE, record_unmatched


def rows(app) -> list[tuple[str, str, str, int]]:
    with app.app_context():
        return [(r.kind, r.normalized, r.example, r.count)
                for r in db.session.scalars(select(UnmatchedQuery).order_by(UnmatchedQuery.id))]


def test_counts_per_kind_and_text_keeping_first_and_last_seen(db_app):
    t1, t2 = datetime(2024, 5, 1, 3, 0), datetime(2024, 5, 2, 4, 0)
    with db_app.app_context():
        record_unmatched(db.session, NOT_IN_KNOWLEDGE, "ขายผ้าไหมค่ะ", normalized="ผ้าไหม", now=t1)
        record_unmatched(db.session, NOT_IN_KNOWLEDGE, "ผ้าไหม ต้องขออะไร", normalized="ผ้าไหม", now=t2)
        record_unmatched(db.session, NONE_FITS, "ผ้าไหม", normalized="ผ้าไหม", now=t2)
        db.session.commit()
        row = db.session.scalars(select(UnmatchedQuery).where(UnmatchedQuery.kind == NOT_IN_KNOWLEDGE)).one()
        assert (row.first_seen_at, row.last_seen_at) == (t1, t2)
    assert rows(db_app) == [(NOT_IN_KNOWLEDGE, "ผ้าไหม", "ผ้าไหม ต้องขออะไร", 2), (NONE_FITS, "ผ้าไหม", "ผ้าไหม", 1)]


def test_long_text_is_cut_to_the_column(db_app):
    with db_app.app_context():
        record_unmatched(db.session, NOT_IN_KNOWLEDGE, "ข" * 2000, normalized="ก" * 2000)
        db.session.commit()
    [(_, normalized, example, _)] = rows(db_app)
    assert len(normalized) == 500 and len(example) == 500


def test_concurrent_workers_count_every_query_once(db_app):
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with db_app.app_context():
                for _ in range(5):
                    record_unmatched(db.session, NOT_IN_KNOWLEDGE, "สบู่สมุนไพรค่ะ", normalized="สบู่สมุนไพร")
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert rows(db_app) == [(NOT_IN_KNOWLEDGE, "สบู่สมุนไพร", "สบู่สมุนไพรค่ะ", 20)]


def test_every_kind_has_a_thai_and_an_english_label():
    from bot.office import unmatched

    kinds = [unmatched.NOT_IN_KNOWLEDGE, unmatched.NOT_COMMUNITY, unmatched.LOW_CONFIDENCE, unmatched.NONE_FITS,
             "faq", "officer"]
    for kind in kinds:
        th, en = unmatched.kind_label(kind), unmatched.kind_label(kind, "en")
        assert th != kind and en != kind and th != en, kind
    assert unmatched.kind_label("none_fits") == "ผู้ใช้บอกว่าไม่มีมาตรฐานที่ตรง"
    assert unmatched.kind_label("something_new") == "something_new"  # shown as it is rather than hidden
