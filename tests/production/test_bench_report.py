"""`make bench`'s report finds each figure in its benchmark's output, judges it against its target, and says
"not found" (and fails) when an output changed shape."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import report

PUSH = "1 worker : 4000/4000 pushes in 8.97s = 446 pushes/s; duplicates 0, losses 0\n" \
       "2 workers: 4000/4000 pushes in 6.10s = 655 pushes/s; duplicates 0, losses 0, rows not sent 0\n"
STATUS = "full card (worst case):   9,494 bytes UTF-8, 31,227 bytes with Thai escaped (LINE limit 30,000)\n" \
         "carousel of 12 summaries: 32,936 bytes UTF-8, 41,312 bytes with Thai escaped (LINE limit 50,000)\n"


def test_figures_are_read_and_judged_against_their_targets():
    page, complete = report.report({"bench-push": (PUSH, 12.0, 0), "bench-status": (STATUS, 3.0, 0)}, ["- Date: x"])
    assert complete
    assert "| `make bench-push` | pushes/s with 2 workers | 655 | ≥ 500 | yes |" in page
    assert "| `make bench-status` | worst status card, bytes (Thai escaped) | 31,227 | ≤ 30,000 (LINE) | **no** |" \
        in page
    assert "## `make bench-push` (12 s)" in page and "655 pushes/s" in page  # the full output is kept too


def test_an_output_of_another_shape_is_not_found_and_incomplete():
    page, complete = report.report({"bench-push": ("pushes: 655 a second\n", 1.0, 0)}, [])
    assert not complete
    assert "| `make bench-push` | pushes/s with 2 workers | not found | ≥ 500 | — |" in page


def test_the_machine_is_described():
    header = "\n".join(report.machine())
    assert "cores" in header and "Python" in header and "Thailand time" in header
