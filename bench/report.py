"""Run every benchmark and write docs/benchmarks.md: the machine, the date, the versions, each figure against
its target, and each benchmark's full output.

Run: python bench/report.py [--out docs/benchmarks.md] [--only bench-match ...]   (``make bench`` runs it)

A figure the report cannot find in a benchmark's output (its format changed, or the benchmark failed) is
shown as "not found" and the report exits non-zero, so a silent change of output never passes for a result.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCHES = {
    "bench-match": ["bench/bench_match.py"],
    "bench-intent": ["bench/bench_intent.py"],
    "bench-webhook": ["bench/bench_webhook.py"],
    "bench-status": ["bench/bench_status.py"],
    "bench-push": ["bench/bench_push.py"],
}
PACKAGES = ["Flask", "SQLAlchemy", "line-bot-sdk", "pythainlp", "RapidFuzz", "psycopg", "gunicorn", "prometheus-client"]


@dataclass(frozen=True)
class Figure:
    """One figure: where it is in a benchmark's output (the first group of ``pattern``) and its target."""

    bench: str
    label: str
    pattern: str
    target: str
    meets: Callable[[float], bool]


def _at_least(limit: float) -> Callable[[float], bool]:
    return lambda value: value >= limit


def _at_most(limit: float) -> Callable[[float], bool]:
    return lambda value: value <= limit


NUM = r"([\d,]+(?:\.\d+)?)"
FIGURES = [
    Figure("bench-match", "matcher top-1 (dev)", r"match_dev\.tsv.*?\nours\s+" + NUM + "%", "≥ 92 %", _at_least(92)),
    Figure("bench-match", "matcher top-3 (dev)", r"match_dev\.tsv.*?\nours\s+\S+\s+" + NUM + "%", "≥ 98 %",
           _at_least(98)),
    Figure("bench-match", "not-covered F1 (dev)", r"match_dev\.tsv.*?\nours(?:\s+\S+){4}\s+" + NUM, "≥ 0.9",
           _at_least(0.9)),
    Figure("bench-match", "matcher p99 ms (dev)", r"match_dev\.tsv.*?\nours(?:\s+\S+){6}\s+" + NUM, "≤ 5 ms",
           _at_most(5)),
    Figure("bench-match", "titles only top-1 (dev)", r"match_dev\.tsv.*?\ntitles-only\s+" + NUM + "%", "≥ 85 %",
           _at_least(85)),
    Figure("bench-match", "titles only top-3 (dev)", r"match_dev\.tsv.*?\ntitles-only\s+\S+\s+" + NUM + "%",
           "≥ 92 %", _at_least(92)),
    Figure("bench-match", "titles only top-1 (holdout)", r"match_holdout\.tsv.*?\ntitles-only\s+" + NUM + "%",
           "≥ 85 %", _at_least(85)),
    Figure("bench-match", "1,500 standards: build s", r"catalogue scale.*?; build " + NUM + " s", "≤ 2 s",
           _at_most(2)),
    Figure("bench-match", "1,500 standards: p99 ms", r"catalogue scale.*?, p99 " + NUM + " ms", "≤ 5 ms",
           _at_most(5)),
    Figure("bench-intent", "intent routing (dev)", r"intent_dev\.tsv\nintent accuracy: \S+ = " + NUM + "%", "≥ 95 %",
           _at_least(95)),
    Figure("bench-intent", "intent routing (holdout)", r"intent_holdout\.tsv\nintent accuracy: \S+ = " + NUM + "%",
           "≥ 95 %", _at_least(95)),
    Figure("bench-intent", "off-topic recognised", r"intent_offtopic\.tsv\nintent accuracy: \S+ = " + NUM + "%",
           "≥ 95 %", _at_least(95)),
    Figure("bench-intent", "FAQ top-1", r"FAQ top-1 accuracy: \S+ = " + NUM + "%", "≥ 95 %", _at_least(95)),
    Figure("bench-webhook", "signed events accepted /s (1 per body)",
           r"accepted \(1 event/body\): .*?= " + NUM + " events/s", "≥ 1,000", _at_least(1000)),
    Figure("bench-webhook", "acknowledgement p99 ms at the paced rate",
           r"events/s for \d+s: .*?p99 " + NUM + " ms", "< 50 ms", _at_most(50)),
    Figure("bench-webhook", "burst: replies/s end to end", r"project .*?burst .*?answered\s+\d+,\s+" + NUM
           + " replies/s", "≥ 300", _at_least(300)),
    Figure("bench-webhook", "burst: event → reply p99 s", r"project .*?burst .*?event→reply .*?p99\s+" + NUM + " s",
           "≤ 10 s", _at_most(10)),
    Figure("bench-webhook", "steady 50/s: event → reply p99 s",
           r"project .*?steady .*?event→reply .*?p99\s+" + NUM + " s", "≤ 1 s", _at_most(1)),
    Figure("bench-webhook", "burst: duplicates", r"project .*?burst .*?duplicates " + NUM, "0", _at_most(0)),
    Figure("bench-status", "worst status card, bytes (Thai escaped)", r"full card .*?, " + NUM + " bytes with Thai",
           "≤ 30,000 (LINE)", _at_most(30000)),
    Figure("bench-status", "carousel of 12, bytes (Thai escaped)", r"carousel .*?, " + NUM + " bytes with Thai",
           "≤ 50,000 (LINE)", _at_most(50000)),
    Figure("bench-push", "pushes/s with 2 workers", r"2 workers: .*?= " + NUM + " pushes/s", "≥ 500", _at_least(500)),
    Figure("bench-push", "push duplicates (2 workers)", r"2 workers: .*?duplicates " + NUM, "0", _at_most(0)),
]


def run(bench: str) -> tuple[str, float, int]:
    """Run one benchmark; its output (stdout and stderr), seconds taken and exit status."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, *BENCHES[bench]], cwd=ROOT, capture_output=True, text=True, check=False)
    output = done.stdout + ("\n" + done.stderr if done.returncode else "")
    return output, time.monotonic() - started, done.returncode


def find(figure: Figure, output: str) -> float | None:
    match = re.search(figure.pattern, output, re.DOTALL)
    return float(match.group(1).replace(",", "")) if match else None


def machine() -> list[str]:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory = next((line.split()[1] for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")), "")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip() or "?"
    versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return [f"- Date: {datetime.now(ZoneInfo('Asia/Bangkok')):%Y-%m-%d %H:%M} (Thailand time); commit `{commit}`",
            (f"- Machine: {os.cpu_count()} cores ({cpu}), {int(memory or 0) // 1024 // 1024} GiB RAM, "
            f"{platform.system()} {platform.release()}; load average before the run {load}"),
            f"- Python {platform.python_version()}; {versions}"]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def report(results: dict[str, tuple[str, float, int]], header: list[str]) -> tuple[str, bool]:
    """The Markdown page, and whether every figure was found."""
    lines = ["# Benchmarks", "", ("Written by `make bench` (`bench/report.py`); how each benchmark works and earlier "
             "figures: [bench/README.md](../bench/README.md)."), "", *header, "",
             "| benchmark | figure | result | target | met |", "|---|---|---|---|---|"]
    complete = True
    for figure in (f for f in FIGURES if f.bench in results):
        value = find(figure, results[figure.bench][0])
        complete &= value is not None
        shown = "not found" if value is None else f"{value:,g}"
        met = "—" if value is None else ("yes" if figure.meets(value) else "**no**")
        lines.append(f"| `make {figure.bench}` | {figure.label} | {shown} | {figure.target} | {met} |")
    for bench, (output, seconds, status) in results.items():
        lines += ["", f"## `make {bench}` ({seconds:.0f} s{'' if status == 0 else f', exit status {status}'})", "",
                  "```", output.strip(), "```"]
    return "\n".join(lines) + "\n", complete


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    args = parser.parse_args()
    header = machine()
    results = {}
    for bench in args.only or BENCHES:
        print(f"running make {bench} …", flush=True)
        results[bench] = run(bench)
    page, complete = report(results, header)
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if complete and all(status == 0 for _o, _s, status in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
