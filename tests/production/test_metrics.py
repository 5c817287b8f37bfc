"""`GET /metrics` in one process: what the webhook, the dispatcher, the sender, the matcher and the console
count, and the pipeline's lag read from the database; JSON log lines carry the request and event ids."""
from __future__ import annotations

import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from bot.logs import ContextIds, RedactPersonalData, _formatter, event_id, request_id
from bot.simulator import events as ev
from tests.helpers import drain, post_webhook
from tests.office.fixtures import login

USER = "U" + "7" * 32


def _figures(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def _delta(after: dict, before: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_events_messages_verdicts_and_lag(db_app, fake_line):
    client = db_app.test_client()
    before = _figures(client)
    body = ev.body(ev.text_event(USER, "ทำน้ำพริกเผาขายค่ะ", fake_line.issue_reply_token(USER)),
                   ev.text_event(USER, "มผช. 1", fake_line.issue_reply_token(USER)))
    assert post_webhook(client, body).status_code == 200
    assert post_webhook(client, body).status_code == 200  # a redelivery is not counted again
    waiting = _figures(client)
    assert _delta(waiting, before, "tcps_events_received_total") == 2
    assert waiting[("tcps_pipeline_lag_seconds", (("queue", "inbox"),))] >= 0
    assert waiting[("tcps_database_up", ())] == 1
    drain(db_app)
    after = _figures(client)
    assert _delta(after, before, "tcps_events_handled_total", status="done") == 2
    assert _delta(after, before, "tcps_outbox_messages_total", outcome="sent", line_status="200") == 2
    assert sum(_delta(after, before, "tcps_matcher_verdicts_total", verdict=v)
               for v in ("match", "choose", "not_in_knowledge", "not_community_product")) >= 1
    assert after[("tcps_pipeline_lag_seconds", (("queue", "inbox"),))] == 0
    assert after[("tcps_pipeline_lag_seconds", (("queue", "outbox"),))] == 0


def test_failed_sends_are_counted_with_lines_status(db_app, fake_line):
    client = db_app.test_client()
    before = _figures(client)
    db_app.config["SEND_MAX_ATTEMPTS"] = 1
    fake_line.fail(400, "Invalid message", path="/reply")
    assert post_webhook(client, ev.body(ev.text_event(USER, "มผช. 1", fake_line.issue_reply_token(USER)))).status_code == 200
    drain(db_app)
    assert _delta(_figures(client), before, "tcps_outbox_messages_total", outcome="failed", line_status="400") == 1


def test_console_logins_are_counted(db_app, office):
    client = db_app.test_client()
    before = _figures(client)
    assert login(client, "somchai", "not the password").status_code == 401
    assert login(client, "somchai").status_code == 302
    after = _figures(client)
    assert _delta(after, before, "tcps_console_logins_total", result="bad") == 1
    assert _delta(after, before, "tcps_console_logins_total", result="ok") == 1


def test_json_log_lines_carry_ids_and_no_personal_numbers():
    record = logging.LogRecord("bot.pipeline.dispatcher", logging.WARNING, __file__, 1,
                               "โทรกลับ %s ค่ะ", ("081-234-5678",), None)
    request_token, event_token = request_id.set("req-1"), event_id.set("01HEVENT")
    try:
        assert RedactPersonalData().filter(record) and ContextIds().filter(record)
    finally:
        request_id.reset(request_token)
        event_id.reset(event_token)
    line = json.loads(_formatter("json").format(record))
    assert line["message"] == "โทรกลับ [ปกปิด] ค่ะ" and "081" not in json.dumps(line)
    assert (line["level"], line["logger"], line["request_id"], line["event_id"]) == \
        ("WARNING", "bot.pipeline.dispatcher", "req-1", "01HEVENT")


def test_each_response_has_a_request_id(client):
    assert len(client.get("/healthz").headers["X-Request-Id"]) == 32
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    odd = client.get("/healthz", headers={"X-Request-Id": "x" * 200 + "\u0e01"}).headers["X-Request-Id"]
    assert len(odd) == 32 and odd.isalnum()
