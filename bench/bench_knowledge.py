"""Benchmark the knowledge commands and the live refresh on SQLite and PostgreSQL.

    python bench/bench_knowledge.py [--rows 1400] [--no-postgres]

Figures per database:

* ``load``: `flask knowledge load` on an empty database (60 standards + the aliases), then a re-run;
* ``import``: `flask knowledge import-standards` of a generated TISI-style CSV with ``--rows`` rows
  (the real list has ~1,300–1,400 standards; numbers above 2000 and names are synthetic), then a re-run;
* ``check``: one knowledge-version check (what the dispatcher pays every ``KNOWLEDGE_REFRESH_SECONDS``);
* ``rebuild``: reading the tables and rebuilding the brain (matcher + intent classifier) after a change.

Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _cli(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["knowledge", *args])
    if result.exit_code != 0:
        raise SystemExit(result.output)


def run(url: str, label: str, rows: int, tmp: Path) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from bot.db import db
    from bot.knowledge.brain import BrainHolder, build_brain, knowledge_bundle

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
    with app.app_context():
        upgrade()
    csv_path = tmp / f"tisi_{label}.csv"
    lines = ["ลำดับ,เลขที่มาตรฐาน,ชื่อผลิตภัณฑ์,หมวด"]
    lines += [f"{i},มผช. {2000 + i}/2566,ผลิตภัณฑ์ทดสอบที่ {i},อาหาร" for i in range(1, rows + 1)]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    load_first = _timed(lambda: _cli(app, "load"))
    load_again = _timed(lambda: _cli(app, "load"))
    import_first = _timed(lambda: _cli(app, "import-standards", str(csv_path)))
    import_again = _timed(lambda: _cli(app, "import-standards", str(csv_path)))
    with app.app_context():
        holder = BrainHolder(interval=0.0)
        holder.refresh(db.engine)
        checks = []
        for _ in range(200):
            checks.append(_timed(lambda: holder.refresh(db.engine)))
        read = _timed(lambda: knowledge_bundle(db.session))
        bundle = knowledge_bundle(db.session)
        db.session.rollback()
        rebuild = _timed(lambda: build_brain(bundle))
        db.engine.dispose()
    checks.sort()
    print(f"{label:<11} load {load_first:6.2f} s (re-run {load_again:5.2f} s) · import {rows} rows "
          f"{import_first:6.2f} s (re-run {import_again:5.2f} s) · version check p50 "
          f"{statistics.median(checks) * 1000:5.2f} ms p99 {checks[int(len(checks) * 0.99) - 1] * 1000:5.2f} ms · "
          f"rebuild with {len(bundle.standards)} standards: read {read:5.2f} s + build {rebuild:5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1400)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    from bot.knowledge.brain import default_brain

    default_brain()  # PyThaiNLP's word trie is built once per process; do not count it in the rebuild
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        run(f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite", args.rows, tmp)
        if args.no_postgres:
            return
        import psycopg

        name = f"tcps_bench_{uuid.uuid4().hex[:10]}"
        try:
            admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            print(f"postgresql  skipped: {exc}")
            return
        with admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            run(ADMIN_URL.rsplit("/", 1)[0] + "/" + name, "postgresql", args.rows, tmp)
        finally:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
