"""Unmatched queries become knowledge in two taps: the product proposed from the user's words, standards
that may fit offered as buttons, the whole catalogue searchable by Thai or English title or code, Thai
kinds and Thai times; after an alias is added, the stored queries it answers are listed and can be closed."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from bot.db import db
from bot.models import Standard, StandardAlias, UnmatchedQuery
from bot.office.unmatched import kind_label
from tests.office.fixtures import csrf_from, login

SEEN = datetime(2026, 11, 24, 7, 35)  # UTC: 14:35 in Bangkok


def _queries(app) -> dict[str, int]:
    rows = [UnmatchedQuery(kind="not_in_knowledge", normalized="น้ำพริก, แกงใต้", example="ทำน้ำพริกแกงใต้ขายค่ะ",
                           count=4, first_seen_at=SEEN, last_seen_at=SEEN),
            UnmatchedQuery(kind="none_fits", normalized="น้ำพริกแกงใต้", example="น้ำพริกแกงใต้ 2 กิโล",
                           count=2, first_seen_at=SEEN, last_seen_at=SEEN),
            UnmatchedQuery(kind="low_confidence", normalized="i sell chili paste", example="i sell chili paste",
                           count=1, first_seen_at=SEEN, last_seen_at=SEEN)]
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()
        return {r.example: r.id for r in rows}


def _values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def test_the_page_proposes_products_and_standards_in_thai(db_app, office):
    _queries(db_app)
    client = db_app.test_client()
    login(client, "somchai")
    html = client.get("/console/unmatched").get_data(as_text=True)
    listing = html.split('id="unmatched"')[1]
    assert _values(listing, "alias") == ["น้ำพริกแกงใต้", "น้ำพริกแกงใต้", "chili paste"]  # not the sentences
    assert 'name="standard_number" value="129"' in listing  # น้ำพริกแกง offered under น้ำพริกแกงใต้
    assert kind_label("none_fits") in listing and "none_fits" not in listing.replace('value="none_fits"', "")
    assert "24 พ.ย. 2569 14:35 น." in listing and "UTC" not in html and "2026-11-24" not in html


def test_the_whole_catalogue_is_searched_by_thai_or_english_title_or_code(db_app, office):
    with db_app.app_context():
        db.session.add_all([
            Standard(number=129, year=2546, code="มผช. 129/2546", name="น้ำพริกแกง", name_en="CURRY PASTE"),
            Standard(number=2001, year=2566, code="มผช. 2001/2566", name="น้ำพริกเผา", name_en="CHILI PASTE"),
            Standard(number=2002, year=2566, code="มผช. 2002/2566", name="ผ้าไหมมัดหมี่", name_en="MUDMEE SILK")])
        db.session.commit()
    client = db_app.test_client()
    login(client, "somchai")

    def found(text: str, **extra: str) -> list[str]:
        html = client.get("/console/unmatched", query_string={"find": text, **extra}).get_data(as_text=True)
        block = html.split('class="picks', 1)[1].split("</div>")[0] if 'class="picks' in html else ""
        return _values(block, "standard_number")

    assert found("chili paste") == ["2001"]
    assert found("น้ำพริก") == ["129", "2001"]
    assert found("มผช. 2002/2566") == found("2002") == found("๒๐๐๒") == ["2002"]
    assert found("silk") == ["2002"] and found("รถยนต์ไฟฟ้า") == []


def test_two_taps_add_the_alias_and_show_what_it_now_answers(db_app, office):
    ids = _queries(db_app)
    client = db_app.test_client()
    login(client, "somchai")
    html = client.get("/console/unmatched").get_data(as_text=True)
    added = client.post("/console/unmatched/alias", data={  # the proposed product, then its standard button
        "csrf_token": csrf_from(html), "query_id": ids["ทำน้ำพริกแกงใต้ขายค่ะ"], "alias": "น้ำพริกแกงใต้",
        "standard_number": "129"})
    assert added.status_code == 302 and "added=" in added.headers["Location"]
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    answered = page.split('id="now-answered"')[1].split("</section>")[0]
    assert "ตอบคำถามที่เคยค้างได้ 1 รายการ" in answered and "น้ำพริกแกงใต้ 2 กิโล" in answered
    assert "chili paste" not in answered
    closed = client.post("/console/unmatched/resolve", data={"csrf_token": csrf_from(page),
                                                             "query_id": _values(answered, "query_id")})
    assert closed.status_code == 302
    with db_app.app_context():
        assert db.session.scalars(select(StandardAlias.alias)).all() == ["น้ำพริกแกงใต้"]
        open_ = db.session.scalars(select(UnmatchedQuery.example).where(UnmatchedQuery.resolved_at.is_(None))).all()
    assert open_ == ["i sell chili paste"]
    after = client.get("/console/unmatched").get_data(as_text=True)
    assert "ปิดคำถามที่บอทตอบได้แล้ว 1 รายการ" in after


def test_a_standard_number_typed_in_thai_digits_is_accepted(db_app, office):
    ids = _queries(db_app)
    client = db_app.test_client()
    login(client, "somchai")
    html = client.get("/console/unmatched").get_data(as_text=True)
    response = client.post("/console/unmatched/alias", data={
        "csrf_token": csrf_from(html), "query_id": ids["i sell chili paste"], "alias": "chili paste",
        "standard_number": "๑๒๙"})
    assert response.status_code == 302
    bad = client.post("/console/unmatched/alias", data={"csrf_token": csrf_from(html), "alias": "x",
                                                        "standard_number": "น้ำพริก"})
    assert bad.status_code == 422 and "เลข มผช. ต้องเป็นตัวเลข" in bad.get_data(as_text=True)
