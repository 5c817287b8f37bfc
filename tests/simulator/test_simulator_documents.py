"""The simulator can send a photo or a file: the bytes go into its fake data API, a signed image/file event
reaches /callback, and the worker threads fetch the content through line-bot-sdk like from LINE."""
from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
from sqlalchemy import select

from bot.db import db
from bot.documents.model import ApplicationDocument
from tests.helpers import wait_for
from tests.simulator.test_simulator import Browserless, simulator, wait_messages  # noqa: F401  (the fixture)
from tests.status_helpers import link_user, new_application

PDF = b"%PDF-1.4\n% a form\n%%EOF\n"


def upload(client: Browserless, kind: str, name: str, data: bytes, content_type: str) -> int:
    """POST the page's FormData (multipart), with its CSRF header, as simulator.js does."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(client.base + "/simulator/api/upload", data=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": client.csrf})
    with client.opener.open(request) as response:
        return response.status


def test_simulator_sends_a_file_that_is_fetched_and_stored(simulator, tmp_path):  # noqa: F811
    app = simulator.server.app
    app.config["LINE_API_DATA_URL"] = simulator.url + "/fake-line"
    app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    client = Browserless(simulator.url)
    with client.opener.open(simulator.url + "/simulator/api/messages") as response:
        user_id = json.loads(response.read())["user_id"]
    new_application(app, stages=(("doc_check", 1), ("docs_incomplete", 2)))
    link_user(app, user_id, "67/0012")

    assert upload(client, "file", "form.pdf", PDF, "application/pdf") == 200
    [reply] = wait_messages(client, 1)
    assert 'ได้รับไฟล์ "form.pdf"' in reply["text"] and "67/0012" in reply["text"]

    def stored() -> list[tuple[str, str, int | None]]:
        with app.app_context():
            rows = db.session.execute(select(ApplicationDocument.kind, ApplicationDocument.status,
                                             ApplicationDocument.size)).all()
            db.session.remove()
            return [tuple(r) for r in rows]

    assert wait_for(lambda: stored() == [("file", "stored", len(PDF))], timeout=5)
    assert upload(client, "image", "photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg") == 200
    assert "ได้รับรูปภาพ" in wait_messages(client, 2)[1]["text"]


@pytest.mark.browser
def test_person_attaches_a_pdf_on_the_page(simulator, browser, tmp_path):  # noqa: F811
    app = simulator.server.app
    app.config["LINE_API_DATA_URL"] = simulator.url + "/fake-line"
    app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    page = browser.new_page()
    page.goto(simulator.url + "/simulator")
    page.get_by_text("ยินดีต้อนรับสู่ผู้ช่วย").wait_for(timeout=10_000)
    user_id = page.locator("#who").inner_text()
    new_application(app, stages=(("doc_check", 1), ("docs_incomplete", 2)))
    link_user(app, user_id, "67/0012")
    page.set_input_files("#attach-file", files=[{"name": "form.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("[data-role=user-message]", has_text="form.pdf").wait_for()
    page.get_by_text('ได้รับไฟล์ "form.pdf"', exact=False).wait_for(timeout=10_000)
