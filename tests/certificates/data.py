"""Certificate sheets for the tests."""
from __future__ import annotations

from datetime import timedelta

from bot.cases.applications import today_in_thailand
from bot.certificates.importer import import_certificates
from bot.db import db

HEADER = "number,standard_code,product,holder_name,province,issued_on,expires_on,state\n"


def good_csv() -> bytes:
    today = today_in_thailand()
    soon, old = today + timedelta(days=400), today - timedelta(days=3)
    rows = [
        f"ชม ๐๐๑๒/๒๕๖๗,มผช. 129/2565,น้ำพริกแกง,วิสาหกิจชุมชนกลุ่มแม่บ้านบ้านดอน,เชียงใหม่,2024-06-01,{soon},",
        f"ชม 0013/2567,129,น้ำพริกตาแดง,วิสาหกิจชุมชนกลุ่มแม่บ้านบ้านดอน,จ.เชียงใหม่,2024-06-01,{soon},ใช้ได้",
        f"ชม 0014/2567,มผช. 129/2565,น้ำพริกหนุ่ม,กลุ่มแม่บ้านสันทราย,เชียงใหม่,2021-01-10,{old},valid",
        f"ลพ 0001/2566,มผช. 129/2565,น้ำพริกแกง,กลุ่มลำไยอบแห้งบ้านธิ,ลำพูน,2023-02-01,{soon},suspended",
    ]
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def load_good(app) -> None:
    with app.app_context():
        import_certificates(db.session(), good_csv(), "good.csv")
        db.session.commit()
