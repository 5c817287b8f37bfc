"""``python -m bot.nlp.match --json``: the exact line-per-query JSON contract."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot.nlp.match", *args], input=stdin, text=True,
                          capture_output=True, cwd=cwd, env=env, timeout=120, check=False)


def test_json_lines_shape_and_order(tmp_path: Path) -> None:
    # Run from another directory: knowledge/ must be found from the package, not the cwd.
    done = run_cli("ทำน้ำพริกแกงขายค่ะ\n\n   \nขายรถยนต์\nสบู่สมุนไพร\nใบบัวบก\n", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 4  # blank lines skipped
    objs = [json.loads(line) for line in lines]
    for obj in objs:
        assert list(obj) == ["query", "verdict", "candidates"]
        for cand in obj["candidates"]:
            assert list(cand) == ["number", "code", "name", "score"]
            assert isinstance(cand["number"], int) and isinstance(cand["score"], float)
    assert objs[0] == {"query": "ทำน้ำพริกแกงขายค่ะ", "verdict": "match", "candidates": [
        {"number": 129, "code": "มผช. 129/2546", "name": "น้ำพริกแกง", "score": 1.0}]}
    assert [o["verdict"] for o in objs[1:]] == ["not_community_product", "not_in_knowledge", "choose"]
    assert objs[1]["candidates"] == [] and objs[2]["candidates"] == []
    scores = [c["score"] for c in objs[3]["candidates"]]
    assert scores == sorted(scores, reverse=True)


def test_thai_is_not_escaped() -> None:
    done = run_cli("ไข่เค็ม\n", "--json")
    assert "ไข่เค็ม" in done.stdout and "\\u0e" not in done.stdout


def test_k_option_limits_candidates() -> None:
    done = run_cli("ไส้กรอก\nขายหมูยอ หมูหยอง และกุนเชียงปลา\n", "--json", "-k", "1")
    assert done.returncode == 0, done.stderr
    assert [len(json.loads(line)["candidates"]) for line in done.stdout.splitlines()] == [1, 1]
    default = run_cli("ขายหมูยอ หมูหยอง และกุนเชียงปลา\n", "--json")
    assert len(json.loads(default.stdout)["candidates"]) == 3


def test_invalid_k_is_an_error() -> None:
    done = run_cli("ไข่เค็ม\n", "--json", "-k", "0")
    assert done.returncode != 0 and done.stdout == ""
