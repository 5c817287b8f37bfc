"""Notifications: the stage-change outbox is atomic, renewal reminders go once per window,
announcements reach the followers who chose the category in multicasts of at most 500."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from bot.cases.applications import change_stage, create_application, find_application, today_in_thailand
from bot.cases.certificates import certificate_rule
from bot.certificates.model import Certificate
from bot.certificates.records import CertificateData, upsert
from bot.db import db
from bot.line.gateway import validate_messages
from bot.models import (
    ApplicationEvent,
    ApplicationLink,
    CategorySubscription,
    LineUser,
    OutboundMessage,
    RenewalReminder,
)
from bot.office.announcements import AnnouncementError, announce
from bot.office.renewals import send_renewal_reminders
from tests.helpers import drain, say, tap
from tests.office.fixtures import new_application

PATH_TO_CERTIFICATE = ["doc_check", "site_visit_scheduled", "site_inspection", "lab_testing", "result_review",
                       "committee_review", "approved", "cert_issued"]


def _fail_outbox_inserts(app) -> None:
    """Make the database itself refuse new outbox rows (a trigger), as a full disk or a bug would."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("CREATE TRIGGER outbox_down BEFORE INSERT ON outbound_message "
                                    "BEGIN SELECT RAISE(ABORT, 'outbox is down'); END"))
        else:
            db.session.execute(text("CREATE OR REPLACE FUNCTION outbox_down() RETURNS trigger AS $$ "
                                    "BEGIN RAISE EXCEPTION 'outbox is down'; END $$ LANGUAGE plpgsql"))
            db.session.execute(text("CREATE TRIGGER outbox_down BEFORE INSERT ON outbound_message "
                                    "FOR EACH ROW EXECUTE FUNCTION outbox_down()"))
        db.session.commit()


def _drop_trigger(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER outbox_down"))
        else:
            db.session.execute(text("DROP TRIGGER outbox_down ON outbound_message"))
            db.session.execute(text("DROP FUNCTION outbox_down()"))
        db.session.commit()


def test_stage_change_is_not_saved_when_its_push_cannot_be_stored(db_app, office):
    _fail_outbox_inserts(db_app)
    try:
        with db_app.app_context():
            application = find_application(db.session, "67/0012")
            change_stage(db.session, application, "doc_check", note="ไม่ควรถูกบันทึก")
            with pytest.raises(Exception, match="outbox is down"):
                db.session.commit()
            db.session.rollback()
        db_app.config["PROPAGATE_EXCEPTIONS"] = False
        response = db_app.test_client().patch("/api/v1/applications/67/0012", json={"stage": "doc_check"},
                                              headers={"Authorization": f"Bearer {office['tokens']['somchai']}"})
        assert response.status_code == 500
        with db_app.app_context():
            application = find_application(db.session, "67/0012")
            assert application.stage == "submitted"
            assert [e.to_stage for e in application.events] == ["submitted"]
            assert db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar() == 0
    finally:
        _drop_trigger(db_app)
    # And with the outbox back, the same change stores the history and its push together.
    response = db_app.test_client().patch("/api/v1/applications/67/0012", json={"stage": "doc_check"},
                                          headers={"Authorization": f"Bearer {office['tokens']['somchai']}"})
    assert response.status_code == 200
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(ApplicationEvent)).scalar() == 3
        assert db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar() == 1


def _issue_certificate(number: str, issued_days_ago: int) -> None:
    application = find_application(db.session, number)
    day = today_in_thailand() - timedelta(days=issued_days_ago)
    for stage in PATH_TO_CERTIFICATE:
        change_stage(db.session, application, stage, on=max(day, application.stage_entered_on))


def test_certificate_expiry_is_set_when_issued(db_app, office):
    with db_app.app_context():
        _issue_certificate("67/0012", 0)
        db.session.commit()
        application = find_application(db.session, "67/0012")
        today = today_in_thailand()
        assert certificate_rule().validity_years == 3 and not certificate_rule().verified
        assert application.certificate_expires_on == certificate_rule().expires_on(today)
        assert application.certificate_expires_on.year == today.year + 3
    assert certificate_rule().expires_on(date(2024, 2, 29)) == date(2027, 2, 28)


def _certificate(number: str, expires_on: date, state: str = "valid") -> Certificate:
    """The certificate record of application ``number`` (as the console creates it when issued)."""
    application = find_application(db.session, number)
    certificate, _ = upsert(db.session, CertificateData(
        number=f"C{number}", standard_number=129, standard_year=2565, product=application.product,
        holder_name="วิสาหกิจชุมชนบ้านดอน", province=application.province, issued_on=expires_on - timedelta(days=1000),
        expires_on=expires_on, state=state))
    certificate.application_id = application.id
    db.session.flush()
    return certificate


def test_renewal_reminders_once_per_certificate_per_window(db_app, office, fake_line):
    today = today_in_thailand()
    follower = office["followers"]["เชียงใหม่"]
    with db_app.app_context():
        _certificate("67/0012", today + timedelta(days=40))
        _certificate("67/0099", today + timedelta(days=200))
        create_application(db.session, new_application("66/0500", days_ago=400))
        _certificate("66/0500", today + timedelta(days=10))  # nobody follows it
        suspended = create_application(db.session, new_application("66/0501", days_ago=400))
        db.session.add(ApplicationLink(application_id=suspended.id, line_user_id=find_application(
            db.session, "67/0012").links[0].line_user_id))
        _certificate("66/0501", today + timedelta(days=10), state="suspended")  # no reminder for it
        db.session.commit()
        first = send_renewal_reminders(db.session, 90)
        assert (first.certificates, first.pushes) == (1, 1)
        again = send_renewal_reminders(db.session, 90)
        assert (again.certificates, again.pushes) == (0, 0)
        closer = send_renewal_reminders(db.session, 45)  # another window: one more reminder
        assert (closer.certificates, closer.pushes) == (1, 1)
        assert db.session.execute(select(func.count()).select_from(RenewalReminder)).scalar() == 2
    result = db_app.test_cli_runner().invoke(args=["notify", "renewals", "--days", "90"])
    assert result.exit_code == 0 and "certificates reminded: 0" in result.output
    drain(db_app)
    deliveries = fake_line.messages_for(follower)
    assert len(deliveries) == 2
    card = deliveries[0].messages[0]
    validate_messages([card])
    assert card["type"] == "flex" and "หมดอายุ" in card["altText"] and "อีก 40 วัน" in card["altText"]
    assert "C67/0012" in json.dumps(card["contents"], ensure_ascii=False)  # the certificate's number
    assert fake_line.messages_for(office["followers"]["ลำพูน"]) == []


def test_renewal_reminder_renews_with_a_new_certificate(db_app, office):
    """A renewed certificate (new expiry date) is a new certificate: it gets its own reminder."""
    today = today_in_thailand()
    with db_app.app_context():
        certificate = _certificate("67/0012", today + timedelta(days=20))
        db.session.commit()
        assert send_renewal_reminders(db.session, 30).certificates == 1
        certificate.expires_on = today + timedelta(days=25)
        db.session.commit()
        assert send_renewal_reminders(db.session, 30).certificates == 1
    bad = db_app.test_cli_runner().invoke(args=["notify", "renewals", "--days", "0"])
    assert bad.exit_code != 0


def test_subscriptions_through_the_chat(app, fake_line):
    user = "U" + "a" * 32
    [reply] = say(app, fake_line, user, "รับข่าวหมวดอาหารค่ะ")
    assert "อาหาร" in reply["text"] and "เลิกรับข่าวหมวดอาหาร" in reply["text"]
    [again] = say(app, fake_line, user, "รับข่าวหมวดอาหาร")
    assert "อยู่แล้ว" in again["text"]
    [ask] = say(app, fake_line, user, "อยากรับข่าวค่ะ")
    validate_messages([ask])
    options = [item["action"]["data"] for item in ask["quickReply"]["items"]]
    assert "action=subscribe&category=food" not in options and "action=subscribe&category=drink" in options
    [done] = tap(app, fake_line, user, "action=subscribe&category=drink")
    assert "เครื่องดื่ม" in done["text"]
    [english] = say(app, fake_line, "U" + "b" * 32, "subscribe textiles")
    assert "Textiles" in english["text"]
    [stop] = say(app, fake_line, user, "เลิกรับข่าวหมวดอาหาร")
    assert "หยุดส่งข่าวหมวดอาหาร" in stop["text"]
    with app.app_context():
        rows = db.session.execute(select(LineUser.line_user_id, CategorySubscription.category)
                                  .join(LineUser, LineUser.id == CategorySubscription.line_user_id)).all()
        assert sorted(rows) == [(user, "drink"), ("U" + "b" * 32, "textile")]


def test_announce_multicasts_in_batches_of_500_to_followers_of_the_category(db_app, fake_line, tmp_path):
    with db_app.app_context():
        ids = [f"U{i:032x}" for i in range(1203)]
        db.session.execute(insert(LineUser), [{"line_user_id": uid, "following": i != 7} for i, uid in enumerate(ids)])
        pk = dict(db.session.execute(select(LineUser.line_user_id, LineUser.id)).all())
        rows = [{"line_user_id": pk[uid], "category": "food"} for uid in ids[:1202]]
        rows.append({"line_user_id": pk[ids[1202]], "category": "drink"})
        db.session.execute(insert(CategorySubscription), rows)
        db.session.commit()
        with pytest.raises(AnnouncementError):
            announce(db.session, "cars", "ข่าว")
        with pytest.raises(AnnouncementError):
            announce(db.session, "food", "   ")
        with pytest.raises(AnnouncementError):
            announce(db.session, "food", "ก" * 5000)
    news = tmp_path / "news.txt"
    news.write_text("\ufeffอบรมการขอ มผช. หมวดอาหาร วันที่ 5 ธ.ค. 2569 ที่ศาลากลางจังหวัดค่ะ\n", encoding="utf-8")
    runner = db_app.test_cli_runner()
    dry = runner.invoke(args=["notify", "announce", "--category", "food", "--text-file", str(news), "--dry-run"])
    assert "would reach 1201 followers" in dry.output
    result = runner.invoke(args=["notify", "announce", "--category", "food", "--text-file", str(news)])
    assert result.exit_code == 0 and "1201 followers in 3 multicast" in result.output
    drain(db_app)
    calls = [json.loads(r["body"]) for r in fake_line.requests if r["path"] == "/v2/bot/message/multicast"]
    assert sorted(len(c["to"]) for c in calls) == [201, 500, 500]
    reached = [d.to for d in fake_line.deliveries]
    assert len(reached) == len(set(reached)) == 1201
    assert ids[7] not in reached and ids[1202] not in reached  # unfollowed; chose another category
    text_sent = fake_line.deliveries[0].messages[0]["text"]
    assert text_sent.startswith("อบรมการขอ") and "เลิกรับข่าวหมวดอาหาร" in text_sent
