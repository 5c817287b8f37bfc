"""Helpers for tests that talk to the bot the way LINE does."""
from __future__ import annotations

import time
from typing import Any

from flask import Flask

from bot.pipeline.worker import dispatch_available, make_sender, send_available
from bot.simulator import events as ev
from bot.simulator.fake_line import FakeLine
from tests.conftest import CHANNEL_SECRET


def wait_for(condition, timeout: float = 20.0, interval: float = 0.05) -> bool:
    """Poll ``condition`` until it is true (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def add_officer_alias(session: Any, alias: str, number: int) -> None:
    """An alias added by an officer of เชียงใหม่ (as the console does), committed."""
    from bot.models import Officer, StandardAlias

    officer = Officer(username="somchai", password_hash="x", province="เชียงใหม่")
    session.add(officer)
    session.flush()
    session.add(StandardAlias(alias=alias, standard_number=number, source="officer", created_by=officer.id))
    session.commit()


def flex_texts(node: Any) -> list[str]:
    """Every text of a Flex container or component, in order (header first)."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return own + [t for value in node.values() for t in flex_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in flex_texts(value)]
    return []


def post_webhook(client, body: bytes, secret: str = CHANNEL_SECRET, signature: str | None = None):
    """POST ``body`` to /callback signed like LINE signs it."""
    headers = {"Content-Type": "application/json",
               "X-Line-Signature": signature if signature is not None else ev.signature(secret, body)}
    return client.post("/callback", data=body, headers=headers)


def drain(app: Flask) -> tuple[int, int]:
    """Run the dispatcher, then the sender, until nothing is due."""
    handled = dispatch_available(app)
    sent = send_available(app, make_sender(app))
    return handled, sent


def say(app: Flask, fake: FakeLine, user_id: str, text: str) -> list[dict[str, Any]]:
    """Send ``text`` as ``user_id`` through /callback; return the messages the bot delivered."""
    return deliver(app, fake, user_id, ev.text_event(user_id, text, fake.issue_reply_token(user_id)))


def tap(app: Flask, fake: FakeLine, user_id: str, data: str) -> list[dict[str, Any]]:
    """Tap a postback button with ``data``; return the messages the bot delivered."""
    return deliver(app, fake, user_id, ev.postback_event(user_id, data, fake.issue_reply_token(user_id)))


def deliver(app: Flask, fake: FakeLine, user_id: str, event: dict[str, Any]) -> list[dict[str, Any]]:
    before = len(fake.messages_for(user_id))
    response = post_webhook(app.test_client(), ev.body(event))
    assert response.status_code == 200, response.data
    drain(app)
    return [msg for d in fake.messages_for(user_id)[before:] for msg in d.messages]


def quick_actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions of a message's quick replies."""
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def send_to_officer(app: Flask, fake: FakeLine, user_id: str, shown: dict[str, Any],
                    province: str = "ไม่ระบุ") -> list[dict[str, Any]]:
    """Finish a hand-off from the message that showed the question: answer the province question with
    ``province`` when it was asked, then tap "send this question" on the confirmation."""
    if "action=officer&do=skip" in [a["data"] for a in quick_actions(shown)]:
        shown = say(app, fake, user_id, province)[0]
    send = [a["data"] for a in quick_actions(shown) if a["data"].startswith("action=officer&do=send&d=")]
    assert len(send) == 1, f"no confirmation: {shown.get('text')!r}"
    return tap(app, fake, user_id, send[0])
