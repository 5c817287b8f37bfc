"""Application service: creation with hashed personal data, stage changes with history and pushes."""
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases.applications import (
    ApplicationError,
    NewApplication,
    change_stage,
    create_application,
    find_application,
    init_app,
    last4_matches,
    timeline_of,
)
from bot.db import db
from bot.models import ApplicationLink, LineUser, OutboundMessage

NEW = NewApplication(number="๖๗/๐๐๑๒", applicant_name="กลุ่มแม่บ้านบ้านดอน", phone="081-234-5678",
                     province="เชียงใหม่", product="น้ำพริกแกง", standard_number=129,
                     submitted_on=date(2026, 11, 2), national_id="1-2345-67890-12-3")


def test_create_stores_no_clear_personal_data(db_app):
    with db_app.app_context():
        application = create_application(db.session, NEW)
        db.session.commit()
        found = find_application(db.session, "67-12")
        assert found is application and found.number == "67/0012"
        applicant = found.applicant
        stored = " ".join(str(v) for v in (applicant.phone_hash, applicant.phone_last4_hash, applicant.phone_masked,
                                           applicant.national_id_hash))
        assert "5678" not in stored and "0812345678" not in stored and "1234567890123" not in stored
        assert applicant.phone_masked == "081-xxx-xxxx"
        assert last4_matches(found, "5678") and not last4_matches(found, "5679")
        assert found.stage == "submitted" and found.due_on is not None


def test_duplicate_and_invalid_input_are_refused(db_app):
    with db_app.app_context():
        create_application(db.session, NEW)
        with pytest.raises(ApplicationError) as info:
            create_application(db.session, NEW)
        assert info.value.code == "duplicate"
        bad_phone = NewApplication(**{**NEW.__dict__, "number": "67/0013", "phone": "12345"})
        with pytest.raises(ApplicationError, match="phone"):
            create_application(db.session, bad_phone)


def test_change_stage_writes_history_and_one_push_per_linked_follower(db_app):
    with db_app.app_context():
        application = create_application(db.session, NEW)
        users = [LineUser(line_user_id=f"U{i:032x}", following=i != 2) for i in range(3)]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            db.session.add(ApplicationLink(application_id=application.id, line_user_id=user.id))
        change_stage(db.session, application, "doc_check", note="รับเอกสารครบ", note_public=True,
                     on=date(2026, 11, 3))
        db.session.commit()
        pushes = db.session.execute(select(OutboundMessage)).scalars().all()
        assert sorted(p.recipients[0] for p in pushes) == [users[0].line_user_id, users[1].line_user_id]
        assert all(p.kind == "push" and p.purpose == "stage_change" for p in pushes)
        assert "รับเอกสารครบ" in pushes[0].messages[0]["text"]
        assert [(e.from_stage, e.to_stage) for e in application.events] == [(None, "submitted"),
                                                                             ("submitted", "doc_check")]


def test_impossible_moves_are_refused_and_nothing_is_saved(db_app):
    with db_app.app_context():
        application = create_application(db.session, NEW)
        db.session.commit()
        for stage, code in (("cert_issued", "not_allowed"), ("flying", "unknown_stage")):
            with pytest.raises(ApplicationError) as info:
                change_stage(db.session, application, stage)
            assert info.value.code == code
        db.session.rollback()
        assert len(find_application(db.session, "67/0012").events) == 1


def test_timeline_counts_working_days(db_app):
    with db_app.app_context():
        application = create_application(db.session, NEW)
        timeline = timeline_of(application, date(2026, 11, 9))
        assert timeline.used_days == 5 and timeline.remaining_days == 44


STAGE_CHANGE_SCRIPT = """
import json, sys
from datetime import date
from app import create_app
from bot.cases.applications import NewApplication, change_stage, create_application
from bot.db import db
from bot.models import ApplicationLink, LineUser, OutboundMessage

app = create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": sys.argv[1]})
with app.app_context():
    application = create_application(db.session, NewApplication(
        number="67/0012", applicant_name="กลุ่ม", phone="0812345678", province="เชียงใหม่",
        product="น้ำพริกแกง", standard_number=129, submitted_on=date(2026, 11, 2)))
    user = LineUser(line_user_id="U" + "1" * 32)
    db.session.add(user)
    db.session.flush()
    db.session.add(ApplicationLink(application_id=application.id, line_user_id=user.id))
    change_stage(db.session, application, "doc_check", on=date(2026, 11, 3))
    db.session.commit()
    print(json.dumps([m.messages for m in db.session.query(OutboundMessage)]))
"""


def test_a_script_that_only_uses_the_applications_module_pushes_the_status_card(sqlite_template, tmp_path):
    """The stage-change card is wired by create_app, not by importing the status handler first."""
    database = tmp_path / "script.sqlite3"
    shutil.copy(sqlite_template, database)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", STAGE_CHANGE_SCRIPT, f"sqlite:///{database}"], cwd=root,
                          capture_output=True, text=True, timeout=120, check=True)
    [messages] = json.loads(done.stdout.strip().splitlines()[-1])
    assert [m["type"] for m in messages] == ["text", "flex"]
    assert "67/0012" in messages[1]["altText"]


def test_the_stage_change_message_is_what_create_app_installed(db_app):
    """`applications.init_app` decides what a stage change says (here: a stand-in builder)."""
    installed = db_app.extensions["tcps_stage_messages"]
    init_app(db_app, lambda application, event, lang: [{"type": "text", "text": f"{lang}:{event.to_stage}"}])
    try:
        with db_app.app_context():
            application = create_application(db.session, NEW)
            user = LineUser(line_user_id="U" + "2" * 32, language="en")
            db.session.add(user)
            db.session.flush()
            db.session.add(ApplicationLink(application_id=application.id, line_user_id=user.id))
            change_stage(db.session, application, "doc_check")
            db.session.commit()
            [push] = db.session.execute(select(OutboundMessage)).scalars().all()
            assert push.messages == [{"type": "text", "text": "en:doc_check"}]
    finally:
        init_app(db_app, installed)
