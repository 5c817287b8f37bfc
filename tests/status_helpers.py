"""Helpers for the status-flow tests: applications in the database, text inside Flex cards."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from bot.cases.applications import NewApplication, change_stage, create_application, find_application, today_in_thailand
from bot.db import db
from bot.models import ApplicationLink, LineUser
from bot.simulator import events as ev

PHONE = "081-234-5678"
ANSWER = "5678"
NATIONAL_ID = "3-1012-34567-89-1"


def days_ago(n: int) -> date:
    return today_in_thailand() - timedelta(days=n)


def new_application(app: Flask, number: str = "67/0012", *, submitted: date | None = None,
                    stages: tuple[tuple[str, int], ...] = (), product: str = "น้ำพริกแกง",
                    standard_number: int | None = 129, phone: str = PHONE, province: str = "เชียงใหม่",
                    note: str = "", note_public: bool = False) -> str:
    """Create an application (moved through ``stages`` = (key, days after submission)); return its number."""
    submitted = submitted or days_ago(7)
    with app.app_context():
        application = create_application(db.session, NewApplication(
            number=number, applicant_name="กลุ่มแม่บ้านบ้านดอน", phone=phone, province=province,
            product=product, standard_number=standard_number, submitted_on=submitted, national_id=NATIONAL_ID))
        for index, (stage, after) in enumerate(stages):
            last = index == len(stages) - 1
            change_stage(db.session, application, stage, on=submitted + timedelta(days=after),
                         note=note if last else "", note_public=note_public and last)
        db.session.commit()
        return application.number


def link_user(app: Flask, user_id: str, number: str) -> None:
    """Link a LINE user to an application directly (as if verified earlier)."""
    with app.app_context():
        user = db.session.execute(select(LineUser).where(LineUser.line_user_id == user_id)).scalar_one_or_none()
        if user is None:
            user = LineUser(line_user_id=user_id)
            db.session.add(user)
            db.session.flush()
        db.session.add(ApplicationLink(application_id=find_application(db.session, number).id, line_user_id=user.id))
        db.session.commit()


def linked_numbers(app: Flask, user_id: str) -> list[str]:
    with app.app_context():
        user = db.session.execute(select(LineUser).where(LineUser.line_user_id == user_id)).scalar_one_or_none()
        if user is None:
            return []
        links = db.session.execute(select(ApplicationLink).where(ApplicationLink.line_user_id == user.id)).scalars()
        return sorted(link.application.number for link in links)


def flex_texts(node: Any) -> Iterator[str]:
    """Every ``text`` inside a Flex message or container, in order."""
    if isinstance(node, dict):
        if node.get("type") == "text" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from flex_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from flex_texts(item)


def card_text(message: dict[str, Any]) -> str:
    assert message["type"] == "flex", message
    return "\n".join(flex_texts(message["contents"]))


def quick_data(message: dict[str, Any]) -> list[str]:
    """Postback data (or message text) of each quick-reply button."""
    items = message.get("quickReply", {}).get("items", [])
    return [i["action"].get("data") or i["action"].get("text") for i in items]


def new_user() -> str:
    return ev.new_user_id()
