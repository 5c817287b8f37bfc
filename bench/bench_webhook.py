"""Webhook benchmark: signed events accepted by gunicorn, acknowledgement latency, and
end-to-end replies reaching a fake LINE API (answering after --line-delay, 100 ms by default), on
PostgreSQL (the production path), for the project and, in the same run, for the naive design that
replies inside the request (`bench/naive_app.py`); figures in `bench/e2e.py`.

Prints figures; asserts nothing. Run with `make bench-webhook` (options: `--skip-accept`,
`--no-naive`, `--line-delay 0`, `--soak-minutes 10` for the workers' memory over a long run).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cpu, e2e
from bench.harness import SECRET, app_env, bench_database, fake_line_server, stop_processes
from bot.simulator import events as ev
from bot.simulator.fake_line import FakeLine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def make_bodies(fake: FakeLine, count: int, per_body: int = 1, users: int = 200) -> list[tuple[bytes, str]]:
    """``count`` events from ``users`` users, ``per_body`` events in each signed body."""
    bodies = []
    for start in range(0, count, per_body):
        events = []
        for i in range(start, min(count, start + per_body)):
            user = f"U{i % users:032x}"
            events.append(ev.text_event(user, "สวัสดีค่ะ", fake.issue_reply_token(user)))
        body = ev.body(*events)
        bodies.append((body, ev.signature(SECRET, body)))
    return bodies


async def post_one(session: aiohttp.ClientSession, url: str, body: bytes, sig: str, statuses: list[int],
                   latencies: list[float]) -> None:
    """POST one signed body; record its status and acknowledgement time."""
    start = time.perf_counter()
    async with session.post(url, data=body, headers={"X-Line-Signature": sig,
                                                     "Content-Type": "application/json"}) as resp:
        await resp.read()
        latencies.append(time.perf_counter() - start)
        statuses.append(resp.status)


async def blast(url: str, bodies: list[tuple[bytes, str]], concurrency: int) -> tuple[int, float, list[float]]:
    """Send every body as fast as ``concurrency`` connections allow; return (200s, seconds, latencies)."""
    queue: asyncio.Queue = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    latencies: list[float] = []
    statuses: list[int] = []

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            await post_one(session, url, *queue.get_nowait(), statuses, latencies)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return statuses.count(200), time.perf_counter() - started, latencies


async def paced(url: str, bodies: list[tuple[bytes, str]], rate: float) -> tuple[int, list[float]]:
    """Open-loop load: one request every 1/rate seconds, whatever the server does."""
    latencies: list[float] = []
    statuses: list[int] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
        tasks, start = [], time.perf_counter()
        for i, (body, sig) in enumerate(bodies):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post_one(session, url, body, sig, statuses, latencies)))
        await asyncio.gather(*tasks)
    return statuses.count(200), latencies


LUA = """
local bodies = dofile("%(data)s")
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args) index = id end
function request()
  local item = bodies[index]
  if item == nil then item = bodies[1] end
  index = index + %(threads)d
  return wrk.format("POST", "/callback", {["Content-Type"] = "application/json",
                    ["X-Line-Signature"] = item[2]}, item[1])
end
"""


def lua_string(data: bytes) -> str:
    return "\"" + "".join(f"\\{b:03d}" if b < 32 or b > 126 or b in (34, 92) else chr(b) for b in data) + "\""


def wrk_blast(url: str, bodies: list[tuple[bytes, str]], seconds: float, threads: int = 2,
              connections: int = 32) -> str | None:
    """Closed-loop load with wrk (C, from Debian) cycling through pre-signed unique bodies."""
    import shutil
    import tempfile

    if not shutil.which("wrk"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "bodies.lua"
        data.write_text("return {\n" + ",\n".join(f"{{{lua_string(b)}, \"{sig}\"}}" for b, sig in bodies) + "}\n")
        script = Path(tmp) / "post.lua"
        script.write_text(LUA % {"data": data, "threads": threads})
        result = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s",
                                 "--latency", "-s", str(script), url], capture_output=True, text=True, check=True)
        return result.stdout


def accept(args: argparse.Namespace, fake: FakeLine, url: str) -> None:
    """How fast /callback accepts signed events (wrk, then aiohttp), and acknowledgement latency at a rate."""
    print(f"cores: {os.cpu_count()}, gunicorn: {args.web_workers} workers × {args.threads} threads, PostgreSQL; "
          f"the load generator runs on the same cores")
    wrk_seconds = 10
    report = wrk_blast(url, make_bodies(fake, 40_000), wrk_seconds)
    if report:
        import re
        requests_line = re.search(r"(\d+) requests in ([\d.]+)s", report)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
        p50 = re.search(r"50%\s+([\d.]+\w+)", report)
        p99 = re.search(r"99%\s+([\d.]+\w+)", report)
        total, secs = int(requests_line[1]), float(requests_line[2])
        accepted = min(total, 40_000) - (int(non2xx[1]) if non2xx else 0)
        print(f"accepted (wrk, 1 event/body): {accepted} signed events in {secs:.1f}s = {accepted / secs:,.0f} "
              f"events/s (32 connections; p50 {p50[1]}, p99 {p99[1]})")
    for per_body in (1, 5):
        bodies = make_bodies(fake, args.events, per_body)
        ok, seconds, lat = asyncio.run(blast(url, bodies, args.concurrency))
        events = ok * per_body
        print(f"accepted ({per_body} event{'s' if per_body > 1 else ''}/body): {events}/{args.events} signed events "
              f"in {seconds:.2f}s = {events / seconds:,.0f} events/s (concurrency {args.concurrency}; "
              f"p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms)")

    count = int(args.rate * args.seconds)
    ok, lat = asyncio.run(paced(url, make_bodies(fake, count), args.rate))
    print(f"at {args.rate:.0f} events/s for {args.seconds:.0f}s: {ok}/{count} accepted, acknowledgement "
          f"p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms, "
          f"max {max(lat) * 1000:.1f} ms")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--bot-workers", type=int, default=2)
    parser.add_argument("--burst-events", type=int, default=2000)
    parser.add_argument("--burst-users", type=int, default=200)
    parser.add_argument("--steady-rate", type=float, default=50.0)
    parser.add_argument("--steady-seconds", type=float, default=20.0)
    parser.add_argument("--line-delay", type=float, default=0.1, help="seconds the fake LINE API takes per call")
    parser.add_argument("--skip-accept", action="store_true", help="only the end-to-end runs")
    parser.add_argument("--no-naive", dest="naive", action="store_false", help="skip the naive design")
    parser.add_argument("--soak-minutes", type=int, default=0, help="then this long at --steady-rate, memory printed")
    args = parser.parse_args()

    with fake_line_server() as (fake, line_url), bench_database() as db_url:
        run(args, fake, app_env(db_url, line_url), db_url)


def run(args: argparse.Namespace, fake: FakeLine, env: dict[str, str], db_url: str) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    processes: list[subprocess.Popen] = []
    try:
        subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
             "-w", str(args.web_workers), "--threads", str(args.threads), "app:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        url = f"http://127.0.0.1:{port}/callback"
        wait_for_port(port, 10)
        asyncio.run(blast(url, make_bodies(fake, 200), 8))  # warm-up
        if not args.skip_accept:
            accept(args, fake, url)

        # End to end, with warm `flask worker` processes: the acceptance phases only measured the webhook, so
        # their events are set aside; then fresh events go in through gunicorn and we wait for every reply.
        with psycopg.connect(db_url) as conn:
            conn.execute("UPDATE inbound_event SET status = 'skipped' WHERE status = 'pending'")
        for _ in range(args.bot_workers):
            processes.append(subprocess.Popen(flask + ["worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, start_new_session=True))
        workers = [p.pid for p in processes[1:]]
        end_to_end(args, fake, url, "project (inbox → workers → outbox)", workers, processes[0].pid)
        if args.soak_minutes:
            soak(args, fake, url, workers)
    finally:
        stop_processes(processes)
    if args.naive:
        naive(args, fake, env)


def rss_mb(pids: list[int]) -> str:
    """Resident memory of each process (from /proc), e.g. "212, 209 MB"."""
    sizes = []
    for pid in pids:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        sizes.append(f"{kb / 1024:.0f}")
    return ", ".join(sizes) + " MB"


def soak(args: argparse.Namespace, fake: FakeLine, url: str, workers: list[int]) -> None:
    """--soak-minutes at the steady rate, printing the workers' memory every minute."""
    fake.delay = args.line_delay
    print(f"soak: {args.steady_rate:.0f} events/s for {args.soak_minutes} min; worker RSS at start {rss_mb(workers)}")
    for minute in range(1, args.soak_minutes + 1):
        items = e2e.burst_bodies(fake, int(args.steady_rate * 60), args.burst_users)
        figures = e2e.measure(fake, url, items, rate=args.steady_rate, wait=60)
        print(f"  minute {minute}: answered {figures['answered']}/{figures['events']}, event→reply p99 "
              f"{figures['e2e_p99']:.2f} s, duplicates {figures['duplicates']}, worker RSS {rss_mb(workers)}")
    fake.delay = 0.0


def end_to_end(args: argparse.Namespace, fake: FakeLine, url: str, name: str, workers: list[int] = (),
               web: int | None = None) -> None:
    """Warm up, then the burst and the steady load against ``url``, with LINE answering after --line-delay."""
    fake.delay = args.line_delay
    warm = e2e.burst_bodies(fake, 40, 20)
    e2e.measure(fake, url, warm, concurrency=4, wait=120)
    if workers:
        print(f"{name}: worker RSS after warm-up {rss_mb(list(workers))}")
    parts = {"web": [web] if web else [], "workers": list(workers)}
    before = cpu.snapshot(parts)
    burst = e2e.measure(fake, url, e2e.burst_bodies(fake, args.burst_events, args.burst_users),
                        concurrency=args.concurrency)
    print(e2e.line(f"{name}: burst {args.burst_events} ev/{args.burst_users} users", burst))
    print(f"{name}: {cpu.per_event(before, cpu.snapshot(parts), args.burst_events)}")
    steady_items = e2e.burst_bodies(fake, int(args.steady_rate * args.steady_seconds), args.burst_users)
    steady = e2e.measure(fake, url, steady_items, rate=args.steady_rate)
    print(e2e.line(f"{name}: steady {args.steady_rate:.0f} ev/s", steady))
    if workers:
        print(f"{name}: worker RSS after the burst and the steady run {rss_mb(list(workers))}")
    fake.delay = 0.0


def naive(args: argparse.Namespace, fake: FakeLine, env: dict[str, str]) -> None:
    """The same loads against the reply-inside-the-request design (`bench/naive_app.py`)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
         "-w", str(args.web_workers), "--threads", str(args.threads), "bench.naive_app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, 60)
        end_to_end(args, fake, f"http://127.0.0.1:{port}/callback", "naive (reply inside the request)",
                   web=process.pid)
    finally:
        stop_processes([process])


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)


if __name__ == "__main__":
    main()
