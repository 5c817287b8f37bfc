"""The public page of a QR code: facts, warnings, unknown (404), replaced (410), rate limit (429); QR images."""
from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib

import segno

from bot.certificates.facts import verify_url
from bot.certificates.qr import qr_png, qr_svg
from bot.certificates.records import find_certificate, replace_link
from bot.db import db
from tests.certificates.data import load_good


def _token(app, number: str) -> str:
    with app.app_context():
        return find_certificate(db.session(), number).current_link.token


def test_a_valid_certificate_shows_its_facts_in_thai_and_english(db_app):
    load_good(db_app)
    client = db_app.test_client()
    token = _token(db_app, "ชม 0012/2567")
    page = client.get(f"/verify/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "ใช้ได้" in html and "น้ำพริกแกง" in html and "มผช. 129/2565" in html
    assert "วิสาหกิจชุมชนกลุ่มแม่บ้านบ้านดอน" in html and "เชียงใหม่" in html and "<script" not in html
    assert "style=" not in html and "/verify/static/verify.css" in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    english = client.get(f"/verify/{token}?lang=en").get_data(as_text=True)
    assert "Valid" in english and 'lang="en"' in english and "?lang=th" in english
    assert "Valid" in client.get(f"/verify/{token}", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True)
    with db_app.app_context():
        assert find_certificate(db.session(), "ชม 0012/2567").lookups == 3


def test_expired_suspended_unknown_and_replaced_links_warn(db_app):
    load_good(db_app)
    client = db_app.test_client()
    expired = client.get(f"/verify/{_token(db_app, 'ชม 0014/2567')}").get_data(as_text=True)
    assert "หมดอายุ" in expired and 'role="alert"' in expired
    suspended = client.get(f"/verify/{_token(db_app, 'ลพ 0001/2566')}?lang=en").get_data(as_text=True)
    assert "Suspended" in suspended and "should not be used" in suspended
    unknown = client.get("/verify/not-a-real-token-at-all")
    assert unknown.status_code == 404 and "ไม่พบใบรับรองนี้" in unknown.get_data(as_text=True)
    old = _token(db_app, "ชม 0012/2567")
    with db_app.app_context():
        certificate = find_certificate(db.session(), "ชม 0012/2567")
        new = replace_link(certificate).token
        db.session.commit()
    replaced = client.get(f"/verify/{old}")
    assert replaced.status_code == 410 and "ลิงก์นี้ถูกแทนที่แล้ว" in replaced.get_data(as_text=True)
    assert client.get(f"/verify/{new}").status_code == 200


def test_more_than_the_limit_per_minute_answers_429(db_app):
    load_good(db_app)
    db_app.config["CERTIFICATE_LOOKUPS_PER_MINUTE"] = 5
    client = db_app.test_client()
    token = _token(db_app, "ชม 0012/2567")
    codes = [client.get(f"/verify/{token if i % 2 else 'guess' + str(i)}").status_code for i in range(5)]
    assert codes == [404, 200, 404, 200, 404]  # guesses count too
    limited = client.get(f"/verify/{token}")
    assert limited.status_code == 429 and "ถี่เกินไป" in limited.get_data(as_text=True)
    other = client.get(f"/verify/{token}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # per client address


def test_qr_codes_encode_the_verify_url(db_app):
    load_good(db_app)
    with db_app.test_request_context("/", base_url="https://tcps.example.go.th"):
        url = verify_url(find_certificate(db.session(), "ชม 0012/2567"))
    assert url.startswith("https://tcps.example.go.th/verify/")
    png, svg = qr_png(url), qr_svg(url)
    width, modules = _png_modules(png)
    assert 250 <= width <= 400  # about 300 px: a 2.5 cm label at 300 dpi
    assert modules == [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]
    assert _png_modules(qr_png(url + "x"))[1] != modules  # the picture depends on the link
    root = ET.fromstring(svg)
    assert root.get("width") == "25.0mm" and root.tag.endswith("svg")


def _png_modules(png: bytes) -> tuple[int, list[list[bool]]]:
    """Decode a 1-bit greyscale PNG (what segno writes) into its QR modules (True = dark)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, at = {}, 8
    while at < len(png):
        size, kind = struct.unpack(">I4s", png[at:at + 8])
        chunks[kind] = chunks.get(kind, b"") + png[at + 8:at + 8 + size]
        at += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour, width) == (1, 0, height)
    raw, stride = zlib.decompress(chunks[b"IDAT"]), (width + 7) // 8 + 1
    rows = _unfilter([raw[i * stride:(i + 1) * stride] for i in range(height)])

    def dark(x: int, y: int) -> bool:
        return not rows[y][x // 8] >> (7 - x % 8) & 1

    first = next(x for x in range(width) if dark(x, x))  # the top-left finder pattern's corner
    scale = next(n for n in range(1, width) if not dark(first + n, first)) // 7  # its dark edge: 7 modules
    count = (width - 2 * first) // scale
    return width, [[dark(first + c * scale + scale // 2, first + r * scale + scale // 2) for c in range(count)]
                   for r in range(count)]



def _unfilter(lines: list[bytes]) -> list[bytes]:
    """Undo PNG's per-row filters (none, sub, up, average, Paeth; one byte per pixel group at 1 bit)."""
    previous, out = bytes(len(lines[0]) - 1), []
    for line in lines:
        kind, row = line[0], bytearray(line[1:])
        for i in range(len(row)):
            left, up, corner = row[i - 1] if i else 0, previous[i], previous[i - 1] if i else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                best = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                row[i] = (row[i] + best[2]) & 0xFF
        previous = bytes(row)
        out.append(previous)
    return out
