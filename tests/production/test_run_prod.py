"""`make run-prod` as an operator runs it: migrations, gunicorn and two `flask worker` processes from the Procfile
(honcho) on PostgreSQL; signed events are answered, `/metrics` adds up every process, the logs are JSON lines
with request ids and without the phone number a user typed."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.simulator import events as ev
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, temporary_postgres
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
USERS = [f"U{i:032x}" for i in range(5)]
PHONE = "081-234-5678"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> requests.Response | None:
    try:
        return requests.get(url, timeout=5)
    except requests.RequestException:
        return None


def _metrics(base: str) -> dict[tuple[str, tuple], float]:
    response = _get(f"{base}/metrics")
    assert response is not None and response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def _post(base: str, fake_line, user: str, text: str) -> None:
    body = ev.body(ev.text_event(user, text, fake_line.issue_reply_token(user)))
    response = requests.post(f"{base}/callback", data=body, timeout=10, headers={
        "Content-Type": "application/json", "X-Line-Signature": ev.signature(CHANNEL_SECRET, body),
        "X-Request-Id": "req-from-proxy-1"})
    assert response.status_code == 200 and response.headers["X-Request-Id"] == "req-from-proxy-1"


def test_make_run_prod_serves_answers_metrics_and_json_logs(fake_line, line_api_url, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "run-prod.log"
    with temporary_postgres("tcps_prod") as database_url, log_path.open("wb") as log:
        env = {**os.environ, "DATABASE_URL": database_url, "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
               "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": line_api_url,
               "SECRET_KEY": "prod-test-secret", "PORT": str(port), "BIND": f"127.0.0.1:{port}",
               "WEB_CONCURRENCY": "2", "HEARTBEAT_SECONDS": "1", "WORKER_IDLE_SECONDS": "0.2"}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        process = subprocess.Popen(["make", "-s", "run-prod", "WORKERS=2", f"METRICS_DIR={tmp_path / 'metrics'}"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert wait_for(lambda: (r := _get(f"{base}/healthz")) is not None and r.status_code == 200, 90), \
                log_path.read_text(errors="replace")[-3000:]
            assert wait_for(lambda: (r := _get(f"{base}/healthz/pipeline")) is not None
                            and r.json().get("workers") == 2, 60), log_path.read_text(errors="replace")[-3000:]
            for user in USERS:
                for text in ("มผช. 1", f"ติดต่อกลับเบอร์ {PHONE} ค่ะ"):
                    _post(base, fake_line, user, text)
            assert wait_for(lambda: all(len(fake_line.messages_for(u)) == 2 for u in USERS), 60)
            assert wait_for(lambda: _metrics(base).get(("tcps_outbox_messages_total", (("line_status", "200"),
                                                                                         ("outcome", "sent")))) == 10, 20)
            figures = _metrics(base)
            assert figures[("tcps_events_received_total", ())] == 10  # counted by both gunicorn processes together
            assert figures[("tcps_events_handled_total", (("status", "done"),))] == 10  # by both workers
            assert figures[("tcps_workers_alive", ())] == 2
            assert figures[("tcps_pipeline_lag_seconds", (("queue", "inbox"),))] == 0
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    output = log_path.read_text(errors="replace")
    assert PHONE not in output and PHONE.replace("-", "") not in output
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert records, output[-2000:]
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    assert any(r["logger"].startswith("bot.pipeline") for r in records)  # the workers log JSON too


def test_make_run_prod_refuses_without_postgresql(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run(["make", "-s", "run-prod"], check=False, cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "DATABASE_URL=postgresql" in result.stdout + result.stderr
