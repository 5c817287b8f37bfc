"""Measure the status card: build time of one card and of a 12-card carousel, and their sizes against
LINE's limits (bubble 30 KB, carousel 50 KB), with the longest product and note the card accepts.

Run: python bench/bench_status.py [--repeat N]

Uses a throw-away SQLite database made by the real migrations; prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade

from app import create_app
from bot.cases.applications import NewApplication, change_stage, create_application, today_in_thailand
from bot.cases.status_card import card_message
from bot.db import db


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def _sizes(container: dict) -> str:
    utf8 = len(json.dumps(container, ensure_ascii=False, separators=(",", ":")).encode())
    escaped = len(json.dumps(container, separators=(",", ":")))
    return f"{utf8:,} bytes UTF-8, {escaped:,} bytes with Thai escaped"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            upgrade()
            today = today_in_thailand()
            applications = []
            for n in range(1, 13):
                submitted = today - timedelta(days=40)
                application = create_application(db.session, NewApplication(
                    number=f"67/{n:04d}", applicant_name="กลุ่มทดสอบ", phone="0812345678", province="เชียงใหม่",
                    product=("ผ้าทอมือลายโบราณ" * 30)[:300], standard_number=129, submitted_on=submitted))
                change_stage(db.session, application, "doc_check", on=submitted + timedelta(days=1))
                change_stage(db.session, application, "docs_incomplete", on=submitted + timedelta(days=2),
                             note="ก" * 3000, note_public=True)
                applications.append(application)
            db.session.commit()
            one, many = [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                single = card_message(applications[:1])
                one.append(time.perf_counter() - started)
                started = time.perf_counter()
                carousel = card_message(applications)
                many.append(time.perf_counter() - started)
            print(f"full card (worst case):   {_sizes(single['contents'])} (LINE limit 30,000); build {_ms(one)}")
            print(f"carousel of {len(carousel['contents']['contents'])} summaries: {_sizes(carousel['contents'])} "
                  f"(LINE limit 50,000); build {_ms(many)}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
