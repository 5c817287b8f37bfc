"""The demand map: producers ask the bot (real webhook, real database) for products no standard covers;
officers see them grouped by product (spellings merged), province and month, counted in people, with SVG
charts and a CSV for Excel; an officer sees their own province only; no personal data anywhere."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select, update

from bot.db import db
from bot.models import LineUser, OfficerQuestion
from bot.office.demand.chart import bar_chart
from bot.office.demand.model import UnmatchedAsk
from bot.office.demand.report import Ask, build_demand, month_label
from bot.office.unmatched import NOT_IN_KNOWLEDGE, record_unmatched
from tests.helpers import say
from tests.office.fixtures import login

STRANGER = "U" + "9" * 32  # linked to no application: no province
SECRETS = ("U" + "1" * 32, "U" + "2" * 32, STRANGER, "สมหญิง ใจดี", "0812345678", "081-234-5678", "กลุ่มแม่บ้านบ้านดอน")


def _asks(app, fake, office) -> None:
    chiang_mai, lamphun = office["followers"]["เชียงใหม่"], office["followers"]["ลำพูน"]
    say(app, fake, chiang_mai, "ขายกระเป๋าผักตบชวาค่ะ")
    say(app, fake, chiang_mai, "กระเป๋าผักตบชวา ต้องขอ มผช อะไร")  # the same person again: still one person
    say(app, fake, lamphun, "กระเป๋า ผักตบชวา ต้องขอมาตรฐานอะไรคะ")  # another spelling, another province
    say(app, fake, STRANGER, "ทำสบู่สมุนไพรขาย โทร 081-234-5678 ค่ะ")
    with app.app_context():
        db.session.execute(update(LineUser).where(LineUser.line_user_id == STRANGER)
                           .values(display_name="สมหญิง ใจดี"))
        db.session.commit()


def test_asks_are_kept_with_the_askers_province(db_app, office, fake_line):
    _asks(db_app, fake_line, office)
    with db_app.app_context():
        provinces = sorted(p or "-" for p in db.session.scalars(select(UnmatchedAsk.province)))
    assert provinces == ["-", "ลำพูน", "เชียงใหม่", "เชียงใหม่"]


def test_admin_sees_every_province_and_no_personal_data(db_app, office, fake_line):
    _asks(db_app, fake_line, office)
    client = db_app.test_client()
    login(client, "admin")
    html = client.get("/console/demand").get_data(as_text=True)
    products = html.split('id="demand-products"')[1].split("</table>")[0]
    first = products.split("<tr>")[2]
    assert "กระเป๋าผักตบชวา" in first and '<td data-label="ผู้ถาม (คน)">2</td>' in first  # merged, 2 people
    assert "สบู่สมุนไพร" in products
    provinces = html.split('id="demand-provinces"')[1].split("</table>")[0]
    assert all(p in provinces for p in ("เชียงใหม่", "ลำพูน", "ไม่ทราบจังหวัด"))
    assert html.count("<svg") == 2 and "chart-bar" in html and "<script" not in html
    exported = client.get("/console/demand.csv?months=all")
    data = exported.get_data()
    assert exported.mimetype == "text/csv" and data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["ผลิตภัณฑ์", "จังหวัด", "เดือน", "จำนวนผู้ถาม (คน)"]
    assert {(r[0], r[1], r[3]) for r in rows[1:]} >= {("กระเป๋าผักตบชวา", "เชียงใหม่", "1"),
                                                     ("กระเป๋าผักตบชวา", "ลำพูน", "1")}
    text = html + data.decode("utf-8-sig")
    assert [s for s in SECRETS if s in text] == []


def test_an_officer_sees_their_own_province_only(db_app, office, fake_line):
    _asks(db_app, fake_line, office)
    client = db_app.test_client()
    login(client, "somchai")  # เชียงใหม่
    html = client.get("/console/demand").get_data(as_text=True)
    assert "กระเป๋าผักตบชวา" in html and "ลำพูน" not in html and "สบู่สมุนไพร" not in html
    assert "ไม่ทราบจังหวัด" not in html and "ผู้ถามทั้งหมด <b>1</b> คน" in html
    rows = list(csv.reader(io.StringIO(client.get("/console/demand.csv").get_data().decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == {"เชียงใหม่"}


def test_spellings_of_one_product_are_merged_and_months_in_buddhist_era():
    asks = [Ask("น้ำพริกเผา", "เชียงใหม่", (2026, 11), ("user", 1)),
            Ask("น้ำพริก เผา", "ลำพูน", (2026, 11), ("user", 2)),
            Ask("น้ำพริกเผ่า", "ลำพูน", (2026, 12), ("user", 2)),
            Ask("ผ้าไหม", "ลำพูน", (2026, 12), ("user", 3))]
    report = build_demand(asks)
    top = report.products[0]
    assert (top.label, top.users, top.asks) == ("น้ำพริกเผา", 2, 3)
    assert [m.label for m in report.months] == ["พ.ย. 2569", "ธ.ค. 2569"] == [month_label((2026, 11)),
                                                                            month_label((2026, 12))]
    assert [(p.label, p.users) for p in report.provinces] == [("ลำพูน", 2), ("เชียงใหม่", 1)]


def test_the_chart_is_plain_svg_with_escaped_labels():
    svg = str(bar_chart([("<b>ผ้า</b>", 4), ("ไหม", 2)], "ทดสอบ"))
    assert svg.startswith("<svg") and "&lt;b&gt;ผ้า&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'width="336"' in svg and 'width="168"' in svg  # scaled to the largest
    assert "ยังไม่มีข้อมูล" in str(bar_chart([], "ว่าง"))


def test_month_of_an_ask_is_thai_time():
    from bot.office.demand.report import _month

    assert _month(datetime(2026, 11, 30, 18, 0)) == (2026, 12)  # 01:00 on 1 Dec in Bangkok


def test_an_unlinked_askers_province_is_the_one_of_their_question_to_an_officer(db_app):
    with db_app.app_context():
        user = LineUser(line_user_id=STRANGER, language="th")
        db.session.add(user)
        db.session.flush()
        db.session.add(OfficerQuestion(line_user_id=user.id, text="ขอเบอร์ สอจ.ลำพูน", reason="request",
                                       status="pending", province="ลำพูน"))
        record_unmatched(db.session, NOT_IN_KNOWLEDGE, "ทำสบู่สมุนไพรขาย", normalized="สบู่สมุนไพร", user=user)
        record_unmatched(db.session, NOT_IN_KNOWLEDGE, "สบู่สมุนไพร", normalized="สบู่สมุนไพร")  # no user (CLI, tests)
        db.session.commit()
        asks = db.session.scalars(select(UnmatchedAsk).order_by(UnmatchedAsk.id)).all()
        assert [(a.province, a.line_user_id) for a in asks] == [("ลำพูน", user.id), (None, None)]
