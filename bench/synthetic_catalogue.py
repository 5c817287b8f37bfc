"""A SYNTHETIC catalogue of about 1,500 standards, for timing the matcher at TISI's scale.

The shipped standards are kept; the rest are made up from real title words (heads such as
"ผลิตภัณฑ์…", "…จาก…", "A และ B") so that title derivation, tokenisation and the indexes do the
same work as on the real list. Numbers start at 5001 and every made-up title is marked
``SYNTHETIC`` in its source and English title: never load these into a database.
"""
from __future__ import annotations

import itertools

from bot.nlp.records import StandardRecord

HEADS = (
    "ขนม", "ข้าวเกรียบ", "กล้วย", "น้ำพริก", "ไส้กรอก", "แหนม", "ปลา", "กุ้ง", "หมู", "ไก่", "เนื้อ", "ไข่",
    "มะม่วง", "มะขาม", "ทุเรียน", "สับปะรด", "ลำไย", "ลิ้นจี่", "เห็ด", "ถั่ว", "งา", "ข้าวกล้อง", "ข้าวหอม",
    "น้ำผึ้ง", "กาแฟ", "ชา", "โกโก้", "น้ำสมุนไพร", "สบู่", "แชมพู", "ครีม", "โลชั่น", "ยาหม่อง", "ลูกประคบ",
    "เทียน", "ผ้าฝ้าย", "ผ้าไหม", "ผ้ามัดหมี่", "ผ้าขาวม้า", "กระเป๋า", "ตะกร้า", "เสื่อ", "หมวก", "รองเท้า",
    "พวงกุญแจ", "แจกัน", "โคมไฟ", "ตุ๊กตา", "ดอกไม้ประดิษฐ์", "เครื่องประดับ", "กรอบรูป", "ไม้กวาด",
)
MODIFIERS = (
    "ผง", "แห้ง", "กรอบ", "ดอง", "อบ", "ทอด", "กวน", "แช่อิ่ม", "ปรุงรส", "สมุนไพร", "ผสม", "เคลือบ",
    "รมควัน", "แผ่น", "เส้น", "ก้อน", "ชนิดเหลว", "ชนิดเม็ด", "สำเร็จรูป", "พร้อมดื่ม", "ทอมือ", "ย้อมคราม",
    "บด", "คั่ว", "นึ่ง", "หมัก", "แช่แข็ง",
)
MATERIALS = ("ผักตบชวา", "กระจูด", "ใบลาน", "ไม้ไผ่", "หวาย", "ใยกัญชง", "กะลามะพร้าว", "เปลือกหอย", "ผ้าขาวม้า")


def synthetic_titles() -> list[str]:
    """Distinct made-up titles in a fixed order."""
    titles = [f"{head}{modifier}" for head, modifier in itertools.product(HEADS, MODIFIERS)]
    titles += [f"ผลิตภัณฑ์{head}จาก{material}" for head, material in itertools.product(HEADS[-17:], MATERIALS)]
    titles += [f"{a}และ{b}" for a, b in itertools.pairwise(HEADS)]
    return list(dict.fromkeys(titles))


def catalogue(shipped: list[StandardRecord], size: int = 1500) -> list[StandardRecord]:
    """``shipped`` plus synthetic current standards until ``size`` numbers are known."""
    known = {s.number for s in shipped}
    extra = []
    for offset, title in enumerate(synthetic_titles()):
        if len(known) + len(extra) >= size:
            break
        number = 5001 + offset
        extra.append(StandardRecord(number, 2568, f"มผช. {number}/2568", title, "synthetic", (),
                                    "SYNTHETIC (bench only)", None, name_en=f"SYNTHETIC PRODUCT {number}"))
    if len(known) + len(extra) < size:
        raise ValueError(f"only {len(known) + len(extra)} titles can be made; ask for fewer")
    return [*shipped, *extra]
