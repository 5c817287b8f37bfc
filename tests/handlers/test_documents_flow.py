"""Documents by LINE: a linked producer whose application waits on them sends photos and files; the worker
fetches them from the fake data API over real HTTP through line-bot-sdk, checks, stores and confirms."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import db, utcnow
from bot.documents import jobs
from bot.documents.model import ApplicationDocument
from bot.documents.storage import DirectoryStorage
from bot.knowledge.replies import phrase
from bot.line.content import ContentError, fetch_content
from bot.models import LineUser
from bot.simulator import events as ev
from tests.helpers import deliver, post_webhook
from tests.status_helpers import link_user, new_application

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 200  # an archive (or an .exe: MZ…) sent as a photo
USER = "U" + "a" * 32


@pytest.fixture
def docs(db_app, tmp_path):
    db_app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    return DirectoryStorage(tmp_path / "documents")


def _waiting(app, number="67/0012", days=2):
    return new_application(app, number, stages=(("doc_check", 1), ("docs_incomplete", days)))


def _rows(app) -> list[ApplicationDocument]:
    with app.app_context():
        rows = list(db.session.scalars(select(ApplicationDocument).order_by(ApplicationDocument.id)))
        db.session.expunge_all()
        return rows


def send_image(app, fake, data: bytes, message_id: str = "9001", content_type: str = "image/jpeg"):
    fake.add_content(message_id, data, content_type)
    return deliver(app, fake, USER, ev.image_event(USER, fake.issue_reply_token(USER), message_id=message_id))


def send_file(app, fake, data: bytes, name: str, message_id: str = "9002", size: int | None = None):
    fake.add_content(message_id, data, "application/pdf")
    event = ev.file_event(USER, message_id, name, len(data) if size is None else size, fake.issue_reply_token(USER))
    return deliver(app, fake, USER, event)


def test_photo_is_fetched_over_http_stored_and_confirmed(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    reply = send_image(db_app, fake_line, JPEG)
    assert [m["text"] for m in reply] == [phrase(
        "documents_received", "th", what=phrase("documents_what_image", "th", size="2 KB"), number="67/0012",
        province="เชียงใหม่")]
    content_calls = [r for r in fake_line.requests if r["path"] == "/v2/bot/message/9001/content"]
    assert len(content_calls) == 1 and content_calls[0]["method"] == "GET"
    assert content_calls[0]["headers"]["Authorization"] == "Bearer test-access-token"
    assert content_calls[0]["headers"]["User-Agent"].startswith("line-bot-sdk-python")
    [row] = _rows(db_app)
    assert (row.status, row.kind, row.line_message_id, row.content_type, row.size) == (
        "stored", "image", "9001", "image/jpeg", len(JPEG))
    assert row.sha256 == hashlib.sha256(JPEG).hexdigest() and row.file_name is None and row.reply_token is None
    assert row.storage_key.endswith(".jpg") and row.received_at is not None and row.stored_at is not None
    with docs.open(row.storage_key) as stored:
        assert stored.read() == JPEG
    assert fake_line.messages_for(USER)[-1].via == "reply"  # the event's reply token, not a paid push


def test_pdf_file_keeps_its_name_and_is_confirmed_in_english(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    with db_app.app_context():
        db.session.execute(select(LineUser).where(LineUser.line_user_id == USER)).scalar_one().language = "en"
        db.session.commit()
    reply = send_file(db_app, fake_line, PDF, "หนังสือรับรอง.pdf")
    assert reply[0]["text"].startswith('Received your file "หนังสือรับรอง.pdf" (1 KB) for application 67/0012')
    [row] = _rows(db_app)
    assert (row.kind, row.file_name, row.content_type, row.status) == ("file", "หนังสือรับรอง.pdf",
                                                                        "application/pdf", "stored")


def test_too_big_is_refused_with_a_clear_answer(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    db_app.config["DOCUMENT_MAX_BYTES"] = 1000
    reply = send_image(db_app, fake_line, JPEG)  # images carry no size: checked after the download
    assert reply[0]["text"] == phrase("documents_too_big", "th", size="2 KB", limit="1 KB")
    [row] = _rows(db_app)
    assert (row.status, row.reason, row.storage_key, row.sha256) == ("rejected", "too_big", None, None)
    # A file that says it is too big is refused without being downloaded at all.
    before = len(fake_line.requests)
    reply = send_file(db_app, fake_line, PDF, "big.pdf", message_id="9003", size=50_000_000)
    assert reply[0]["text"] == phrase("documents_too_big", "th", size="47.7 MB", limit="1 KB")
    assert not [r for r in fake_line.requests[before:] if "/content" in r["path"]]
    assert len(_rows(db_app)) == 1
    assert not docs.root.exists() or not any(p.is_file() for p in docs.root.rglob("*"))


def test_a_zip_disguised_as_a_photo_is_refused(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    reply = send_image(db_app, fake_line, ZIP, content_type="image/jpeg")  # the header lies; the bytes do not
    assert reply[0]["text"] == phrase("documents_wrong_type", "th")
    reply = send_file(db_app, fake_line, b"MZ\x90\x00" + b"\x00" * 64, "form.pdf", message_id="9004")
    assert reply[0]["text"] == phrase("documents_wrong_type", "th")
    assert [(r.status, r.reason, r.storage_key) for r in _rows(db_app)] == [("rejected", "wrong_type", None)] * 2
    assert not docs.root.exists() or not any(p.is_file() for p in docs.root.rglob("*"))


def test_unlinked_user_is_told_how_documents_are_submitted(db_app, fake_line, docs):
    _waiting(db_app)  # waiting, but this LINE account never proved it is the applicant's
    reply = send_image(db_app, fake_line, JPEG)
    assert reply[0]["text"] == phrase("documents_not_linked", "th")
    assert "action=office" in [q["action"]["data"] for q in reply[0]["quickReply"]["items"]]
    assert _rows(db_app) == [] and not [r for r in fake_line.requests if "/content" in r["path"]]


def test_application_not_waiting_on_the_producer_stores_nothing(db_app, fake_line, docs):
    new_application(db_app, stages=(("doc_check", 1),))
    link_user(db_app, USER, "67/0012")
    reply = send_file(db_app, fake_line, PDF, "a.pdf")
    assert reply[0]["text"] == phrase("documents_not_waiting", "th", number="67/0012", stage="ตรวจสอบเอกสาร")
    assert _rows(db_app) == [] and not [r for r in fake_line.requests if "/content" in r["path"]]


def test_redelivered_event_is_stored_once(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    fake_line.add_content("9001", JPEG, "image/jpeg")
    event = ev.image_event(USER, fake_line.issue_reply_token(USER), message_id="9001")
    deliver(db_app, fake_line, USER, event)
    event["deliveryContext"]["isRedelivery"] = True
    assert post_webhook(db_app.test_client(), ev.body(event)).status_code == 200
    # The same message under another event id (LINE resent it differently) is not stored twice either.
    again = ev.image_event(USER, fake_line.issue_reply_token(USER), message_id="9001")
    assert deliver(db_app, fake_line, USER, again) == []
    assert [r.status for r in _rows(db_app)] == ["stored"]
    assert len([r for r in fake_line.requests if "/content" in r["path"]]) == 1


def test_several_waiting_applications_attach_to_the_latest_and_say_so(db_app, fake_line, docs):
    _waiting(db_app, "67/0012", days=1)
    _waiting(db_app, "67/0013", days=3)
    link_user(db_app, USER, "67/0012")
    link_user(db_app, USER, "67/0013")
    reply = send_image(db_app, fake_line, JPEG)
    assert "67/0013" in reply[0]["text"].split("\n")[0]
    assert phrase("documents_attached_latest", "th", count=2, number="67/0013") in reply[0]["text"]


def test_content_gone_from_line_is_answered_and_nothing_kept(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    reply = deliver(db_app, fake_line, USER, ev.image_event(USER, fake_line.issue_reply_token(USER), "unknown-id"))
    assert reply[0]["text"] == phrase("documents_failed", "th")
    assert [(r.status, r.reason) for r in _rows(db_app)] == [("failed", "gone")]


def test_fake_data_api_checks_the_token_and_knows_only_added_content(fake_line, line_api_url):
    fake_line.add_content("42", PDF, "application/pdf")
    content = fetch_content(line_api_url, "test-access-token", "42", 2.0)
    assert (content.data, content.declared_type) == (PDF, "application/pdf")
    with pytest.raises(ContentError) as refused:
        fetch_content(line_api_url, "wrong-token", "42", 2.0)
    assert refused.value.kind == "retry" and refused.value.detail == "HTTP 401"
    with pytest.raises(ContentError) as unknown:
        fetch_content(line_api_url, "test-access-token", "43", 2.0)
    assert unknown.value.kind == "gone"


def test_a_failing_download_is_retried_outside_the_event_then_stored(db_app, fake_line, docs):
    _waiting(db_app)
    link_user(db_app, USER, "67/0012")
    fake_line.fail(500, path="/v2/bot/message/9001/content")
    assert send_image(db_app, fake_line, JPEG) == []  # nothing to say yet: LINE failed, the job tries again
    [row] = _rows(db_app)
    assert (row.status, row.attempts, row.storage_key) == ("pending", 1, None) and row.next_attempt_at > utcnow()
    with db_app.app_context():
        db.session.get(ApplicationDocument, row.id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        jobs.wake()
        assert jobs.run_due() == 1
    [row] = _rows(db_app)
    assert (row.status, row.attempts) == ("stored", 2)
