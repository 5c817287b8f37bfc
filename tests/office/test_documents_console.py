"""Documents sent in LINE, seen by officers: the application page lists them, the download is for the
province's officers and admins only, the API lists them; the storage can be swapped (here: in memory)."""
from __future__ import annotations

import io
from typing import BinaryIO

import pytest

from bot.cases.applications import change_stage, find_application
from bot.db import db
from bot.documents import storage
from bot.simulator import events as ev
from tests.helpers import deliver
from tests.office.fixtures import login
from tests.office.test_api import call

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 300


class MemoryStorage:
    """A second implementation of the storage interface (what an object store would be)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def save(self, key: str, data: bytes) -> None:
        self.blobs[storage.check_key(key)] = data

    def open(self, key: str) -> BinaryIO:
        if key not in self.blobs:
            raise FileNotFoundError(key)
        return io.BytesIO(self.blobs[key])

    def delete(self, key: str) -> None:
        self.blobs.pop(key, None)


@pytest.fixture
def memory(db_app) -> MemoryStorage:
    store = MemoryStorage()
    storage.init_app(db_app, store)
    return store


def _photo_from_follower(app, fake, office, message_id: str = "7001") -> int:
    """The เชียงใหม่ application waits for documents; its LINE follower sends a photo. Returns its id."""
    with app.app_context():
        application = find_application(db.session, "67/0012")
        change_stage(db.session, application, "doc_check")
        change_stage(db.session, application, "docs_incomplete")
        db.session.commit()
    user = office["followers"]["เชียงใหม่"]
    fake.add_content(message_id, PNG, "image/png")
    reply = deliver(app, fake, user, ev.image_event(user, fake.issue_reply_token(user), message_id=message_id))
    assert "67/0012" in reply[-1]["text"]
    documents = call(app.test_client(), "GET", "/api/v1/applications/67/0012", office["tokens"]["somchai"]).json
    return documents["documents"][0]["id"]


def test_storage_is_swappable_and_api_lists_documents(db_app, office, fake_line, memory):
    document_id = _photo_from_follower(db_app, fake_line, office)
    [key] = memory.blobs
    assert memory.blobs[key] == PNG and key.split("/")[1].startswith(f"{document_id}-") and key.endswith(".png")
    shown = call(db_app.test_client(), "GET", "/api/v1/applications/67/0012", office["tokens"]["somchai"])
    [doc] = shown.json["documents"]
    assert set(doc) == {"id", "kind", "content_type", "size", "received_at"}
    assert (doc["kind"], doc["content_type"], doc["size"]) == ("image", "image/png", len(PNG))
    assert doc["received_at"].endswith("Z")
    other = call(db_app.test_client(), "GET", "/api/v1/applications/67/0099", office["tokens"]["somsri"])
    assert other.json["documents"] == []
    assert call(db_app.test_client(), "GET", "/api/v1/applications/67/0012",
                office["tokens"]["somsri"]).status_code == 403


def test_console_lists_and_downloads_for_the_province_only(db_app, office, fake_line, memory):
    document_id = _photo_from_follower(db_app, fake_line, office)
    url = f"/console/documents/{document_id}"

    anonymous = db_app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]

    own = db_app.test_client()
    login(own, "somchai")
    page = own.get("/console/applications/67/0012").get_data(as_text=True)
    assert 'id="documents"' in page and url in page and "image/png" in page
    download = own.get(url)
    assert download.status_code == 200 and download.data == PNG
    assert download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert f"photo-67-0012-{document_id}.png" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    admin = db_app.test_client()
    login(admin, "admin")
    assert admin.get(url).status_code == 200

    stranger = db_app.test_client()
    login(stranger, "somsri")  # ลำพูน
    assert stranger.get(url).status_code == 403
    assert stranger.get("/console/applications/67/0012").status_code == 403
    assert own.get("/console/documents/999999").status_code == 404
    empty = own.get("/console/applications/67/0099")
    assert empty.status_code == 403  # another province's page stays closed too
