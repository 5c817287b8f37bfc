"""Office contacts through the webhook: the phrasings producers use (Thai and English), the province asked for
when none is named, Bangkok → TISI, the honest "not known yet", and the location message."""
from __future__ import annotations

from typing import Any

import pytest

from bot.db import db
from bot.directory.data import directory
from bot.directory.store import correct_office, office_row
from bot.knowledge.replies import phrase
from bot.models import Officer
from tests.handlers.test_answers_flow import chat, flex_actions, press, quick
from tests.helpers import flex_texts
from tests.status_helpers import link_user, new_application, new_user

MINISTRY = "https://www.industry.go.th/"
CHAI_NAT_ADDRESS = "เลขที่ 444 หมู่ที่ 7 ตำบลเขาท่าพระ อำเภอเมืองชัยนาท จังหวัดชัยนาท"


def card_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    cards = [msg for msg in messages if msg["type"] == "flex"]
    assert len(cards) == 1, messages
    return cards[0]


def card_text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(flex_texts(card_of(messages)["contents"]))


def uris(messages: list[dict[str, Any]]) -> list[str]:
    return [a["uri"] for a in flex_actions(card_of(messages)["contents"]) if a["type"] == "uri"]


def set_contact(app, province: str, **values: Any) -> None:
    """An officer of ``province`` corrects the office's entry (as the console does)."""
    with app.app_context():
        officer = Officer(username=f"o{len(values)}{abs(hash(province)) % 1000}", password_hash="x", province=province)
        db.session.add(officer)
        db.session.flush()
        correct_office(office_row(db.session, province), officer, values)
        db.session.commit()


@pytest.mark.parametrize(("text", "office"), [
    ("เบอร์ สอจ. ขอนแก่น", "สำนักงานอุตสาหกรรมจังหวัดขอนแก่น"),
    ("เบอร์โทร สอจ. ขอนแก่นเบอร์อะไรคะ", "สำนักงานอุตสาหกรรมจังหวัดขอนแก่น"),
    ("สอจ. เชียงใหม่อยู่ที่ไหน", "สำนักงานอุตสาหกรรมจังหวัดเชียงใหม่"),
    ("ติดต่อสำนักงานอุตสาหกรรมจังหวัดตาก", "สำนักงานอุตสาหกรรมจังหวัดตาก"),
    ("ขอเบอร์ สอจ ขอนแกน หน่อยค่ะ", "สำนักงานอุตสาหกรรมจังหวัดขอนแก่น"),  # typo
    ("ที่อยู่ สอจ. จ.ชัยนาท", "สำนักงานอุตสาหกรรมจังหวัดชัยนาท"),
])
def test_thai_phrasings_get_the_card_of_the_named_province(app, fake_line, text, office):
    messages = chat(app, fake_line, text)
    card = card_of(messages)
    texts = card_text(messages)
    assert texts.startswith(office) and office in card["altText"]
    assert [m["type"] for m in messages] == ["flex"]  # no map position is sourced for any office


@pytest.mark.parametrize(("text", "office"), [
    ("Where is the office in Chiang Mai?", "Chiang Mai Provincial Industry Office"),
    ("Where do I apply in Chiang Mai?", "Chiang Mai Provincial Industry Office"),
    ("phone number of the industry office in Trat", "Trat Provincial Industry Office"),
])
def test_english_phrasings_get_the_english_card(app, fake_line, text, office):
    messages = chat(app, fake_line, text)
    texts = card_text(messages)
    assert texts.startswith(office) and "province" in texts and "สำนักงาน" not in texts
    assert phrase("office_unknown_note", "en", url=MINISTRY) in texts


def test_sourced_address_website_and_source_are_shown(app, fake_line):
    messages = chat(app, fake_line, "ติดต่อสำนักงานอุตสาหกรรมจังหวัดชัยนาท")
    texts = card_text(messages)
    assert CHAI_NAT_ADDRESS in texts and "https://chainat.industry.go.th/th/cms-of-446" in texts
    assert uris(messages) == ["https://chainat.industry.go.th/"]  # reachable: no "ask the ministry" button
    assert phrase("office_not_known", "th") in texts  # the phone is not sourced: said so, never invented
    assert phrase("office_hours_general_note", "th") in texts  # general government hours, flagged


def test_unknown_contact_says_so_and_links_the_ministrys_list(app, fake_line):
    assert directory().ministry_offices_url == MINISTRY
    messages = chat(app, fake_line, "เบอร์ สอจ. ขอนแก่น")
    texts = card_text(messages)
    assert phrase("office_unknown_note", "th", url=MINISTRY) in texts
    assert MINISTRY in uris(messages) and not any(u.startswith("tel:") for u in uris(messages))
    assert not any(ch.isdigit() for ch in texts.replace(MINISTRY, "").replace("08:30–16:30", ""))


def test_an_officers_phone_and_location_reach_the_card_and_a_location_message(app, fake_line):
    set_contact(app, "ขอนแก่น", phone="043-123456", address_th="ศาลากลางจังหวัดขอนแก่น", latitude=16.43,
                longitude=102.83)
    messages = chat(app, fake_line, "เบอร์ สอจ. ขอนแก่น")
    assert [m["type"] for m in messages] == ["flex", "location"]
    assert "043-123456" in card_text(messages) and "tel:043123456" in uris(messages)
    assert phrase("office_unknown_note", "th", url=MINISTRY) not in card_text(messages)
    place = messages[1]
    assert (place["latitude"], place["longitude"], place["address"]) == (16.43, 102.83, "ศาลากลางจังหวัดขอนแก่น")
    assert quick(place) and not quick(messages[0])  # the buttons ride on the last message


def test_without_a_province_the_bot_asks_then_answers(app, fake_line):
    asked = chat(app, fake_line, "ขอเบอร์โทร สอจ. หน่อยค่ะ")
    assert asked[0]["text"] == phrase("office_ask_province", "th")
    again = chat(app, fake_line, "ไม่แน่ใจค่ะ")
    assert again[0]["text"] == phrase("office_province_not_found", "th")
    answered = chat(app, fake_line, "จ.ตาก")
    assert card_text(answered).startswith("สำนักงานอุตสาหกรรมจังหวัดตาก")
    assert "https://tak.industry.go.th/" in uris(answered)
    assert chat(app, fake_line, "สวัสดีค่ะ")[0]["type"] == "text"  # the flow is over


def test_english_user_is_asked_in_english_and_may_misspell(app, fake_line):
    asked = chat(app, fake_line, "Where is the office?")
    assert asked[0]["text"] == phrase("office_ask_province", "en")
    assert card_text(chat(app, fake_line, "chaing mai")).startswith("Chiang Mai Provincial Industry Office")


def test_the_province_of_the_linked_application_is_used(db_app, fake_line):
    new_application(db_app, province="ตราด")
    user = new_user()
    link_user(db_app, user, "67/0012")
    assert card_text(chat(db_app, fake_line, "เบอร์ สอจ. ค่ะ", user)).startswith("สำนักงานอุตสาหกรรมจังหวัดตราด")
    assert card_text(press(db_app, fake_line, "action=office", user)).startswith("สำนักงานอุตสาหกรรมจังหวัดตราด")


@pytest.mark.parametrize("text", ["เบอร์ สอจ. กรุงเทพ", "ติดต่อ สอจ. กทม.", "Where do I apply in Bangkok?"])
def test_bangkok_is_pointed_to_tisi(app, fake_line, text):
    messages = chat(app, fake_line, text)
    texts = card_text(messages)
    lang = "en" if text.startswith("Where") else "th"
    assert phrase("office_bangkok_note", lang) in texts
    assert "https://www.tisi.go.th/" in uris(messages)
    if lang == "th":
        assert texts.startswith("สำนักงานมาตรฐานผลิตภัณฑ์อุตสาหกรรม (สมอ.)") and "75/42 ถนนพระรามที่ 6" in texts


def test_postback_opens_the_card_of_its_province_and_another_province_is_asked(app, fake_line):
    card = press(app, fake_line, "action=office&p=%E0%B8%95%E0%B8%B2%E0%B8%81")  # p=ตาก
    assert card_text(card).startswith("สำนักงานอุตสาหกรรมจังหวัดตาก")
    other = [a for a in quick(card[-1]) if a.get("data") == "action=office_other"]
    assert other
    assert press(app, fake_line, "action=office_other")[0]["text"] == phrase("office_ask_province", "th")
    assert press(app, fake_line, "action=office&p=forged")[0]["text"] == phrase("office_ask_province", "th")


def test_where_to_apply_without_a_province_is_the_faq_answer_with_the_office_button(app, fake_line):
    reply = chat(app, fake_line, "ยื่นขอ มผช. ได้ที่ไหนคะ")
    assert reply[0]["type"] == "text" and "สอจ." in reply[0]["text"]
    assert quick(reply[-1])[0]["data"] == "action=office"  # asks the province when tapped
    english = chat(app, fake_line, "Where do I apply for TCPS?")
    assert quick(english[-1])[0]["data"] == "action=office" and "Apply at" in english[0]["text"]
    assert press(app, fake_line, "action=office")[0]["text"] == phrase("office_ask_province", "en")


def test_a_faq_answer_not_about_offices_has_no_office_button(app, fake_line):
    reply = chat(app, fake_line, "มผช. คืออะไรคะ")
    assert "สอจ." not in [a.get("label") for a in quick(reply[-1])]
    assert all(a.get("data") != "action=office" for a in quick(reply[-1]))


def test_an_office_question_in_the_middle_of_another_flow_is_answered(app, fake_line):
    user = new_user()
    press(app, fake_line, "action=find_standard", user)  # waiting for a product name
    assert card_text(chat(app, fake_line, "เบอร์ สอจ. ตาก", user)).startswith("สำนักงานอุตสาหกรรมจังหวัดตาก")
    chat(app, fake_line, "เช็คสถานะ", user)  # waiting for an application number
    assert card_text(chat(app, fake_line, "สอจ. ตราดอยู่ที่ไหนคะ", user)).startswith("สำนักงานอุตสาหกรรมจังหวัดตราด")
