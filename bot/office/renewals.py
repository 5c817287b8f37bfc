"""Certificate-expiry reminders: one push per linked follower, once per certificate per window.

Read from the certificate records (bot.certificates): a valid certificate expiring within the window whose
application has LINE followers. A suspended or revoked certificate gets no reminder; an expiry date an
officer corrected (import) is the one reminded; a renewed certificate (new expiry date) is reminded anew."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cases.applications import linked_users, today_in_thailand
from bot.cases.thaidate import format_thai_date, format_thai_date_en
from bot.certificates.model import Certificate
from bot.knowledge.catalogue import standard_label
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.models import Application, RenewalReminder
from bot.pipeline.outbox import enqueue_push

MAX_WINDOW_DAYS = 730


@dataclass
class RenewalRun:
    certificates: int = 0  # certificates reminded in this run
    pushes: int = 0


def renewal_message(session: Session, certificate: Certificate, today: date, lang: str) -> m.Message:
    """A Flex card (Thai alt text) saying the certificate expires soon and what to do."""
    expires = certificate.expires_on
    days = (expires - today).days
    when = format_thai_date_en(expires) if lang == "en" else format_thai_date(expires)
    values = {"product": certificate.product, "date": when, "days": days, "province": certificate.province}
    standard = standard_label(session, certificate.standard_number)

    def row(label_key: str, value: str) -> dict[str, Any]:
        return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
            {"type": "text", "text": phrase(label_key, lang), "size": "sm", "color": "#616e7c", "flex": 2},
            {"type": "text", "text": m.clip(value or "–", 200), "size": "sm", "wrap": True, "flex": 5}]}

    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
        {"type": "text", "text": phrase("renewal_title", lang), "weight": "bold", "size": "lg", "wrap": True,
         "color": "#b44d12"},
        row("renewal_product", certificate.product),
        row("renewal_standard", standard.strip()),
        row("renewal_number", certificate.number),
        row("renewal_expires", f"{when} ({phrase('renewal_days_left', lang, days=days)})"),
        {"type": "text", "text": phrase("renewal_action", lang, **values), "size": "sm", "wrap": True},
    ]}}
    alt = phrase("renewal_alt", "th", **{**values, "date": format_thai_date(expires)})  # Thai alt text always
    return m.flex(alt, bubble)


def send_renewal_reminders(session: Session, days: int, today: date | None = None) -> RenewalRun:
    """Queue reminders for certificates expiring within ``days`` days, each at most once per window
    (a `RenewalReminder` row, written with its pushes in one savepoint). Commits."""
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_WINDOW_DAYS}")
    today = today or today_in_thailand()
    already = exists().where(RenewalReminder.application_id == Certificate.application_id,
                             RenewalReminder.expires_on == Certificate.expires_on,
                             RenewalReminder.window_days == days)
    due = session.execute(select(Certificate).where(
        Certificate.state == "valid", Certificate.application_id.is_not(None), Certificate.expires_on >= today,
        Certificate.expires_on <= today + timedelta(days=days), ~already)
        .order_by(Certificate.expires_on, Certificate.id)).scalars().all()
    run = RenewalRun()
    for certificate in due:
        application = session.get(Application, certificate.application_id)
        followers = [user for user in linked_users(session, application) if user.following] if application else []
        if not followers:
            continue  # nobody to tell yet; a later run reminds whoever links meanwhile
        try:
            with session.begin_nested():
                session.add(RenewalReminder(application_id=certificate.application_id, window_days=days,
                                            recipients=len(followers), expires_on=certificate.expires_on))
                session.flush()
                for user in followers:
                    enqueue_push(session, user.line_user_id, [renewal_message(session, certificate, today, user.language)],
                                 purpose="renewal")
        except IntegrityError:  # another run reminded this certificate a moment ago
            continue
        run.certificates += 1
        run.pushes += len(followers)
    session.commit()
    return run
