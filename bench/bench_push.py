"""Push benchmark: outbox rows delivered per second to a fake LINE API by 1 and 2 `flask worker`
processes on PostgreSQL, counting duplicates and losses (both must be 0).

Each run queues ``--pushes`` stage-change pushes (one per LINE user, as `change_stage` writes them)
in one transaction while the workers are already running and idle, then times until the fake LINE
API has accepted the last one. Prints figures; asserts nothing. Run with `make bench-push`.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import app_env, bench_database, fake_line_server, stop_processes
from bot.simulator.fake_line import FakeLine

MESSAGE = ('[{"type": "text", "text": "คำขอเลขที่ 67/0012 (น้ำพริกแกง) อยู่ในขั้นตอน \\"ตรวจสอบเอกสาร\\" '
           'แล้วค่ะ"}]')


def queue_pushes(db_url: str, count: int, tag: str) -> list[str]:
    """Insert ``count`` pending push rows in one transaction; return their recipients."""
    users = [f"U{tag}{i:0{32 - len(tag)}x}" for i in range(count)]
    copy_sql = ("COPY outbound_message (retry_key, kind, purpose, recipients, messages, status, attempts, "
                "next_attempt_at, created_at) FROM STDIN")
    with psycopg.connect(db_url) as conn, conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for user in users:
            copy.write_row((str(uuid.uuid4()), "push", "stage_change", f'["{user}"]', MESSAGE, "pending", 0,
                            "2000-01-01", "2000-01-01"))
    return users


def run(db_url: str, env: dict[str, str], fake: FakeLine, workers: int, count: int, tag: str) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "app", "worker"]
    processes = [subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True) for _ in range(workers)]
    try:
        warm = queue_pushes(db_url, workers * 2, tag + "0")  # wait until every worker is up and polling
        while sum(len(fake.messages_for(u)) for u in warm) < len(warm):
            time.sleep(0.05)
        time.sleep(1.0)
        before = len(fake.deliveries)
        users = queue_pushes(db_url, count, tag + "1")
        started = time.perf_counter()
        deadline = started + 600
        while len(fake.deliveries) - before < count and time.perf_counter() < deadline:
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        time.sleep(1.0)  # give a late duplicate every chance to show up
    finally:
        stop_processes(processes)
    wanted = set(users)
    per_user = Counter(d.to for d in fake.deliveries if d.to in wanted)
    duplicates = sum(n - 1 for n in per_user.values() if n > 1)
    lost = len(wanted - set(per_user))
    with psycopg.connect(db_url) as conn:
        unsent = conn.execute("SELECT count(*) FROM outbound_message WHERE status <> 'sent'").fetchone()[0]
    print(f"{workers} worker{'s' if workers > 1 else ' '}: {count - lost}/{count} pushes in {seconds:.2f}s = "
          f"{(count - lost) / seconds:,.0f} pushes/s; duplicates {duplicates}, losses {lost}, rows not sent {unsent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pushes", type=int, default=4000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker-process counts to run")
    args = parser.parse_args()
    with fake_line_server() as (fake, line_url), bench_database() as db_url:
        env = app_env(db_url, line_url)
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        print(f"cores: {os.cpu_count()}; PostgreSQL; fake LINE API = werkzeug threaded server in this process "
              f"(it shares the cores with the workers and the database)")
        for i, workers in enumerate(int(w) for w in args.workers.split(",")):
            run(db_url, env, fake, workers, args.pushes, tag=f"{i:x}")


if __name__ == "__main__":
    main()
