"""End-to-end figures of `make bench-webhook`: signed events in through /callback, replies out at the fake
LINE API (answering after ``--line-delay``), for the project's design and the naive one in the same run.

Per run: acks/s, acknowledgement p50/p99, replies/s end to end, event → reply p50/p99/max, pushes used
instead of replies, duplicates, and per-user order violations (a user's replies reaching LINE in another
order than their events were posted).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from bench.harness import SECRET
from bot.simulator import events as ev
from bot.simulator.fake_line import FakeLine


@dataclass
class Posted:
    body: bytes
    signature: str
    tokens: list[tuple[str, str]]  # (user, reply token) of its events, in order
    started: float = 0.0
    acked: float = 0.0
    status: int = 0


def burst_bodies(fake: FakeLine, count: int, users: int) -> list[Posted]:
    """``count`` one-event bodies from ``users`` users, each user's events interleaved with the others'."""
    out = []
    for i in range(count):
        user = f"U{i % users:032x}"
        token = fake.issue_reply_token(user)
        body = ev.body(ev.text_event(user, "ทำน้ำพริกแกงขายค่ะ ขอมาตรฐานอะไร", token))
        out.append(Posted(body, ev.signature(SECRET, body), [(user, token)]))
    return out


async def _post(session: aiohttp.ClientSession, url: str, item: Posted) -> None:
    item.started = time.time()
    try:
        async with session.post(url, data=item.body, headers={"X-Line-Signature": item.signature,
                                                              "Content-Type": "application/json"}) as resp:
            await resp.read()
            item.status = resp.status
    except aiohttp.ClientError:
        item.status = 0
    item.acked = time.time()


async def closed_loop(url: str, items: list[Posted], concurrency: int) -> None:
    """``concurrency`` senders, each posting the next body as soon as its last one was acknowledged; a
    user's bodies go in order (each sender takes the next body in the list)."""
    queue: asyncio.Queue[Posted] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def sender(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            await _post(session, url, queue.get_nowait())

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency),
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        await asyncio.gather(*(sender(session) for _ in range(concurrency)))


async def open_loop(url: str, items: list[Posted], rate: float) -> None:
    """One body every 1/rate seconds, whatever the server does."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=500),
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        tasks, start = [], time.perf_counter()
        for i, item in enumerate(items):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_post(session, url, item)))
        await asyncio.gather(*tasks)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(fake: FakeLine, url: str, items: list[Posted], *, concurrency: int = 32, rate: float | None = None,
            wait: float = 300.0) -> dict[str, float]:
    """Post ``items`` (closed loop, or open loop at ``rate``), wait for every answer; return the figures."""
    before = len(fake.deliveries)
    started = time.time()
    asyncio.run(open_loop(url, items, rate) if rate else closed_loop(url, items, concurrency))
    acked_at = time.time()
    expected = sum(len(i.tokens) for i in items if i.status == 200)
    deadline = time.time() + wait
    while len(fake.deliveries) - before < expected and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # late duplicates, if any, arrive too
    deliveries = fake.deliveries[before:]
    posted_at = {token: item.started for item in items for _user, token in item.tokens}
    latencies = [d.at - posted_at[d.reply_token] for d in deliveries if d.reply_token in posted_at]
    ours = {token for item in items for _user, token in item.tokens}
    users = {user for item in items for user, _token in item.tokens}
    pushes = sum(1 for d in deliveries if d.via != "reply" and d.to in users)
    answered = [d for d in deliveries if d.reply_token in ours or (d.via != "reply" and d.to in users)]
    duplicates = max(0, len(answered) - expected)  # every event is answered with one delivery
    order = {token: n for n, (_user, token) in enumerate(t for item in items for t in item.tokens)}
    last: dict[str, int] = {}
    violations = 0
    for d in sorted((d for d in deliveries if d.reply_token in order), key=lambda d: d.seq):
        n = order[d.reply_token]
        if n < last.get(d.to, -1):
            violations += 1
        last[d.to] = max(n, last.get(d.to, -1))
    end = max((d.at for d in deliveries), default=acked_at)
    acks = [i.acked - i.started for i in items if i.status == 200]
    return {"events": len(items), "acked": sum(i.status == 200 for i in items), "ack_rate": len(acks) / (acked_at - started),
            "ack_p50": percentile(acks, 50), "ack_p99": percentile(acks, 99), "answered": len(answered),
            "reply_rate": len(answered) / max(end - started, 1e-9), "e2e_p50": percentile(latencies, 50),
            "e2e_p99": percentile(latencies, 99), "e2e_max": max(latencies, default=float("nan")),
            "pushes": pushes, "duplicates": duplicates, "order_violations": violations}


def line(name: str, figures: dict[str, float]) -> str:
    f = figures
    return (f"{name:<34} {f['acked']:>5}/{f['events']:<5} acks {f['ack_rate']:>6.0f}/s "
            f"(p50 {f['ack_p50'] * 1000:>6.1f} ms, p99 {f['ack_p99'] * 1000:>7.1f} ms) | answered {f['answered']:>5}, "
            f"{f['reply_rate']:>5.0f} replies/s | event→reply p50 {f['e2e_p50']:>5.2f} s, p99 {f['e2e_p99']:>5.2f} s, "
            f"max {f['e2e_max']:>5.2f} s | pushes {f['pushes']}, duplicates {f['duplicates']}, "
            f"order violations {f['order_violations']}")
