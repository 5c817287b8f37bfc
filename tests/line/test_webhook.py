"""POST /callback: signature, size, shape, per-event validation, dedup, standby, fast storage."""
import json
from pathlib import Path

from sqlalchemy import func, select

from bot.db import db
from bot.models import InboundEvent, OutboundMessage
from bot.simulator import events as ev
from tests.helpers import drain, post_webhook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhook"
USER = "U" + "a" * 32


def stored(app) -> list[InboundEvent]:
    with app.app_context():
        return db.session.execute(select(InboundEvent).order_by(InboundEvent.id)).scalars().all()


def test_missing_signature_is_400_and_stores_nothing(db_app):
    body = ev.body(ev.text_event(USER, "สวัสดี", "t"))
    response = db_app.test_client().post("/callback", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert stored(db_app) == []


def test_wrong_signature_is_400_and_stores_nothing(db_app):
    body = ev.body(ev.text_event(USER, "สวัสดี", "t"))
    assert post_webhook(db_app.test_client(), body, secret="another-secret").status_code == 400
    assert post_webhook(db_app.test_client(), body, signature="not-base64!").status_code == 400
    assert stored(db_app) == []


def test_signature_over_other_bytes_is_rejected(client):
    body = ev.body(ev.text_event(USER, "สวัสดี", "t"))
    reserialised = json.dumps(json.loads(body)).encode()  # same JSON, different bytes
    sig = ev.signature("channel_secret", body)
    assert post_webhook(client, reserialised, signature=sig).status_code == 400


def test_body_over_2mb_is_413(client):
    big = ev.body(ev.text_event(USER, "ก" * 10, "t")) + b" " * (2 * 1024 * 1024)
    assert post_webhook(client, big).status_code == 413


def test_signed_garbage_is_400(client):
    assert post_webhook(client, b"this is not json").status_code == 400
    assert post_webhook(client, b"\xff\xfe\x00broken").status_code == 400
    assert post_webhook(client, b"[1, 2, 3]").status_code == 400
    assert post_webhook(client, b'{"destination": "U0"}').status_code == 400
    assert post_webhook(client, b'{"events": {"a": 1}}').status_code == 400


def test_empty_events_is_200(client):
    assert post_webhook(client, b'{"destination":"U' + b"0" * 32 + b'","events":[]}').status_code == 200


def test_sdk_fixture_with_one_shared_event_id_is_stored_once(db_app):
    body = (FIXTURES / "sdk-python-webhook.json").read_bytes()
    assert post_webhook(db_app.test_client(), body).status_code == 200
    rows = stored(db_app)
    assert [r.webhook_event_id for r in rows] == ["testwebhookeventid"]


def test_each_valid_event_stored_bad_ones_skipped(db_app, caplog):
    raw = json.loads((FIXTURES / "sdk-python-webhook.json").read_bytes())
    for index, event in enumerate(raw["events"]):
        event["webhookEventId"] = f"01EVENT{index:04d}"
    raw["events"].append({"type": "message", "broken": True})  # malformed
    raw["events"].append("not an object")
    response = post_webhook(db_app.test_client(), json.dumps(raw).encode())
    assert response.status_code == 200
    ids = {r.webhook_event_id for r in stored(db_app)}
    # 28 events; the last one has an unknown type, so 27 are stored.
    assert len(ids) == 27
    assert "01EVENT0027" not in ids
    assert "skipped event" in caplog.text


def test_old_schema_events_are_skipped_not_500(db_app):
    for name in ("java-text-user.json", "java-follow.json", "java-unknown.json", "java-callback-request.json"):
        response = post_webhook(db_app.test_client(), (FIXTURES / name).read_bytes())
        assert response.status_code == 200, name
    assert stored(db_app) == []


def test_redelivery_and_duplicates_answered_once(db_app, fake_line):
    event = ev.text_event(USER, "สวัสดีค่ะ", fake_line.issue_reply_token(USER))
    client = db_app.test_client()
    assert post_webhook(client, ev.body(event)).status_code == 200
    again = json.loads(json.dumps(event))
    again["deliveryContext"]["isRedelivery"] = True
    assert post_webhook(client, ev.body(again)).status_code == 200
    assert post_webhook(client, ev.body(event, event)).status_code == 200
    drain(db_app)
    assert len(stored(db_app)) == 1
    assert len(fake_line.messages_for(USER)) == 1


def test_standby_events_stored_but_never_answered(db_app, fake_line):
    event = ev.text_event(USER, "สวัสดี", None, mode="standby")
    assert post_webhook(db_app.test_client(), ev.body(event)).status_code == 200
    drain(db_app)
    rows = stored(db_app)
    assert [(r.mode, r.status) for r in rows] == [("standby", "skipped")]
    with db_app.app_context():
        assert db.session.scalar(select(func.count(OutboundMessage.id))) == 0
    assert fake_line.requests == []


def test_strange_unicode_is_stored_and_answered(db_app, fake_line):
    text = "\u200bสวัสดี\u0000 🙏🏽 \ufeff" + "\U0001F600" * 3 + "ก\u0e49\u0e49"
    event = ev.text_event(USER, text, fake_line.issue_reply_token(USER))
    assert post_webhook(db_app.test_client(), ev.body(event)).status_code == 200
    assert stored(db_app)[0].payload["message"]["text"] == text
    drain(db_app)
    assert len(fake_line.messages_for(USER)) == 1
    # Once answered, the typed text is not kept (it may hold a phone number or a verification answer).
    assert stored(db_app)[0].payload["message"]["text"] == ""


def test_group_messages_are_stored_but_not_answered(db_app, fake_line):
    event = ev.text_event(USER, "สวัสดี", fake_line.issue_reply_token(USER))
    event["source"] = {"type": "group", "groupId": "C" + "1" * 32, "userId": USER}
    post_webhook(db_app.test_client(), ev.body(event))
    drain(db_app)
    assert [r.status for r in stored(db_app)] == ["skipped"]
    assert fake_line.deliveries == []
