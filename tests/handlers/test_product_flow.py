""""Which มผช. fits my product" through the webhook: cards, picking, next steps, not covered, counting."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy import select

from bot.config import DEFAULT_TISI_STANDARD_LIST_URL
from bot.db import db
from bot.knowledge.brain import get_brain, refresh_brain
from bot.knowledge.replies import phrase
from bot.line.gateway import validate_messages
from bot.line.messages import MAX_LABEL, MAX_QUICK_REPLIES, utf16_len
from bot.models import ConversationState, LineUser, UnmatchedQuery
from tests.helpers import flex_texts as bubble_texts
from tests.helpers import say, tap

USER = "U" + "c" * 32
TISI_LIST = DEFAULT_TISI_STANDARD_LIST_URL
NO_STANDARD_CLAIMS = ("ไม่มีมาตรฐาน", "no standard exists", "there is no standard")


# ---------------------------------------------------------------- helpers
def checked(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate with LINE's models and our limits; return the messages."""
    assert 1 <= len(messages) <= 5
    validate_messages(messages)
    for message in messages:
        items = message.get("quickReply", {}).get("items", [])
        assert len(items) <= MAX_QUICK_REPLIES
        for item in items:
            assert utf16_len(item["action"]["label"]) <= MAX_LABEL
            assert len(item["action"].get("data", "")) <= 300
        if message["type"] == "flex":
            assert message["altText"].strip()
            contents = message["contents"]
            bubbles = contents["contents"] if contents["type"] == "carousel" else [contents]
            assert 1 <= len(bubbles) <= 12
            assert len(json.dumps(message["contents"], ensure_ascii=False).encode()) < 50_000
            for bubble in bubbles:
                assert len(json.dumps(bubble, ensure_ascii=False).encode()) < 30_000
    return messages


def carousel(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    flexes = [m for m in messages if m["type"] == "flex" and m["contents"]["type"] == "carousel"]
    assert len(flexes) == 1, messages
    return flexes[0]["contents"]["contents"]


def next_steps_card(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The one next-steps bubble among ``messages``."""
    found = [m for m in messages if m["type"] == "flex" and m["contents"]["type"] == "bubble"
             and bubble_texts(m["contents"])[0] == phrase("next_steps_header", "en" if m["altText"].startswith(
                 "Next") else "th")]
    assert len(found) == 1, messages
    return found[0]


def bubble_codes(messages: list[dict[str, Any]]) -> list[str]:
    """The code in each card's header ("มผช. 129/2546", "TCPS 129/2546" in English)."""
    return [b["header"]["contents"][1]["text"] for b in carousel(messages)]


def quick_data(message: dict[str, Any]) -> list[str]:
    return [i["action"].get("data") or i["action"].get("uri") for i in message["quickReply"]["items"]]


def all_text(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False)


def unmatched_rows(app) -> list[UnmatchedQuery]:
    with app.app_context():
        rows = db.session.scalars(select(UnmatchedQuery).order_by(UnmatchedQuery.id)).all()
        db.session.expunge_all()
        return rows


def flow_of(app, user_id: str) -> ConversationState | None:
    with app.app_context():
        user = db.session.scalars(select(LineUser).where(LineUser.line_user_id == user_id)).one()
        state = user.state
        if state is not None:
            db.session.expunge(state)
        return state


# ---------------------------------------------------------------- cards
def test_chili_paste_question_from_the_issue_offers_both_chili_paste_standards(db_app, fake_line):
    messages = checked(say(db_app, fake_line, USER, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ"))
    assert messages[0]["type"] == "text" and "น้ำพริก" in messages[0]["text"]
    assert sorted(bubble_codes(messages)) == ["มผช. 129/2546", "มผช. 321/2556"]
    bubble = carousel(messages)[0]
    texts = bubble_texts(bubble)
    assert texts[texts.index(phrase("lookup_label_category")) + 1] == "อาหาร"  # in Thai, not the key "food"
    assert phrase("lookup_label_covers") in texts
    buttons = [c["action"] for c in bubble["footer"]["contents"]]
    assert buttons[0]["type"] == "postback" and buttons[0]["data"].startswith("action=pick_standard&n=")
    assert {"type": "uri", "label": phrase("lookup_button_tisi_list"), "uri": TISI_LIST} in buttons
    assert any(b["type"] == "uri" and b["uri"].startswith("http") and b["uri"] != TISI_LIST for b in buttons)
    data = quick_data(messages[-1])
    assert set(data) == {"action=pick_standard&n=129", "action=pick_standard&n=321", "action=none_fits"}
    # A short list, not one confident answer: counted for officers as low confidence.
    rows = unmatched_rows(db_app)
    assert [(r.kind, r.count) for r in rows] == [("low_confidence", 1)]
    assert rows[0].example == "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ"
    assert "ค่ะ" not in rows[0].normalized and "มผช" not in rows[0].normalized


def test_confident_match_shows_one_card_and_its_next_steps_and_is_not_counted(app, fake_line):
    messages = checked(say(app, fake_line, USER, "ทำหมูยอขาย ต้องขอ มผช ไหนครับ"))
    assert bubble_codes(messages) == ["มผช. 102/2546"]
    assert messages[0]["text"] == phrase("product_intro_match")
    steps = next_steps_card(messages)
    assert messages[-1] is steps and "มผช. 102/2546 หมูยอ" in bubble_texts(steps["contents"])
    assert quick_data(messages[-1]) == ["action=none_fits", "action=track_status", "action=ask_question",
                                        "action=office"]
    assert unmatched_rows(app) == []


def test_a_card_says_what_the_standard_covers_apart_from_what_its_scope_mentions(app, fake_line):
    """หมูยอ's scope names หนังหมู, เห็ดหอม…: ingredients, never shown as what the standard covers."""
    texts = bubble_texts(carousel(checked(say(app, fake_line, USER, "ทำหมูยอขายค่ะ")))[0])
    covers = texts[texts.index(phrase("lookup_label_covers")) + 1]
    mentions = texts[texts.index(phrase("lookup_label_mentions")) + 1]
    assert "หนังหมู" not in covers and "หนังหมู" in mentions and "เห็ดหอม" in mentions
    chili = bubble_texts(carousel(checked(say(app, fake_line, USER, "ทำน้ำพริกผัดขายค่ะ")))[0])
    covers = chili[chili.index(phrase("lookup_label_covers")) + 1]
    mentions = chili[chili.index(phrase("lookup_label_mentions")) + 1]
    assert "น้ำพริกมะขาม" in covers and "กุ้งแห้ง" not in covers  # a kind of น้ำพริกผัด vs an ingredient
    assert "กุ้งแห้ง" in mentions and "น้ำพริกมะขาม" not in mentions


def test_thai_digits_typos_and_repeated_letters(app, fake_line):
    assert bubble_codes(checked(say(app, fake_line, USER, "ทำหมูยอ ๒ ขนาดขายค่ะ"))) == ["มผช. 102/2546"]
    assert bubble_codes(checked(say(app, fake_line, USER, "น้ำพริกแกงงง ๕ กระปุก"))) == ["มผช. 129/2546"]
    assert bubble_codes(checked(say(app, fake_line, USER, "ขายไข่เคมค่ะ"))) == ["มผช. 27/2546"]
    assert bubble_codes(checked(say(app, fake_line, USER, "หมูยออ ค่ะ"))) == ["มผช. 102/2546"]


def test_superseded_standard_shows_the_current_edition(app, fake_line):
    messages = checked(say(app, fake_line, USER, "ทำครีมนวดผมขายค่ะ"))
    assert bubble_codes(messages) == ["มผช. 93/2553"]
    assert any("93/2547" in t for t in bubble_texts(carousel(messages)[0]))  # "replaces the older edition"


def test_several_products_in_one_message_get_a_card_each(db_app, fake_line):
    messages = checked(say(db_app, fake_line, USER, "ทำน้ำพริกแกงกับหมูยอขาย"))
    assert bubble_codes(messages) == ["มผช. 129/2546", "มผช. 102/2546"]
    labels = [b["body"]["contents"][0]["text"] for b in carousel(messages)]
    assert labels == ['สำหรับ "น้ำพริกแกง"', 'สำหรับ "หมูยอ"']
    assert "น้ำพริกแกง" in messages[0]["text"] and "หมูยอ" in messages[0]["text"]
    assert quick_data(messages[-1]) == ["action=pick_standard&n=129", "action=pick_standard&n=102",
                                        "action=none_fits"]


def test_many_products_are_capped_and_every_product_keeps_its_best_card(app, fake_line):
    messages = checked(say(app, fake_line, USER, "ขายหมูยอ หมูหยอง กุนเชียง น้ำพริก ไข่เค็ม ปลาส้ม ไวน์ผลไม้"))
    codes = bubble_codes(messages)
    assert len(codes) == 6 and len(set(codes)) == 6
    assert codes[:2] == ["มผช. 102/2546", "มผช. 99/2546"]
    assert len(quick_data(messages[-1])) == 7  # six picks + none fits


def test_english_mix_is_answered_in_english(app, fake_line):
    messages = checked(say(app, fake_line, USER, "I make chili paste, which มผช?"))
    assert "321/2556" in bubble_codes(messages)[0]
    assert messages[0]["text"].startswith("This standard may fit")
    texts = bubble_texts(carousel(messages)[0])
    assert texts[texts.index(phrase("lookup_label_category", "en")) + 1] == "Food"
    thai_mix = checked(say(app, fake_line, USER, "ทำ chili paste ขายค่ะ"))
    assert "321/2556" in bubble_codes(thai_mix)[0] and "มาตรฐาน" in thai_mix[0]["text"]


def test_product_and_uncovered_product_in_one_message(db_app, fake_line):
    messages = checked(say(db_app, fake_line, USER, "ทำน้ำพริกแกงกับสบู่สมุนไพรขายค่ะ"))
    assert bubble_codes(messages) == ["มผช. 129/2546"]
    note = messages[-1]
    assert note["type"] == "text" and "สบู่สมุนไพร" in note["text"] and TISI_LIST in note["text"]
    assert "quickReply" in note  # the picks ride on the last message
    assert [(r.kind, r.normalized) for r in unmatched_rows(db_app)] == [("not_in_knowledge", "สบู่สมุนไพร")]


# ---------------------------------------------------------------- picking and none fits
def test_pick_shows_a_short_next_steps_card_with_one_footnote(db_app, fake_line):
    checked(say(db_app, fake_line, USER, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ"))
    messages = checked(tap(db_app, fake_line, USER, "action=pick_standard&n=129"))
    assert len(messages) == 1
    card = next_steps_card(messages)
    texts = bubble_texts(card["contents"])
    assert "มผช. 129/2546 น้ำพริกแกง" in texts
    assert phrase("next_steps_where_unknown") in texts  # no linked application: the province is not known
    assert "• สำเนาบัตรประชาชน" in texts and any("อย." in t for t in texts)  # food: the FDA number too
    assert len(texts) <= 16  # fits a phone screen (the old text reply had about 25 lines)
    shown = " ".join(texts)
    assert shown.count("ยังไม่ได้รับการยืนยัน") == 1 and "(ยังไม่ได้รับการยืนยัน)" not in shown  # one footnote
    footer = [c["action"] for c in card["contents"]["footer"]["contents"]]
    assert footer[0]["data"] == "action=office"
    assert [a["data"] for a in footer if a.get("data", "").startswith("action=faq")] == [
        "action=faq&id=documents", "action=faq&id=fee", "action=faq&id=duration"]
    assert quick_data(messages[0])[:2] == ["action=track_status", "action=ask_question"]
    assert flow_of(db_app, USER) is None
    # The detail buttons open the FAQ answers, each flagged once too.
    detail = checked(tap(db_app, fake_line, USER, "action=faq&id=documents"))[0]["text"]
    assert "สำเนาบัตรประชาชน" in detail and detail.count("ยังไม่ได้รับการยืนยัน") == 1


def test_next_steps_name_the_office_of_a_linked_producer_and_link_the_pdf(db_app, fake_line, monkeypatch):
    from tests.status_helpers import link_user, new_application, new_user

    new_application(db_app, province="ขอนแก่น")
    user = new_user()
    link_user(db_app, user, "67/0012")
    with db_app.app_context():  # the brain this app answers with (not the files' one: another may be cached)
        current = refresh_brain().matcher.current
    with_pdf = replace(current[2], pdf_url="https://tcps.tisi.go.th/pub/tcps2_67.pdf")  # as TISI's list gives it
    monkeypatch.setitem(current, 2, with_pdf)
    card = next_steps_card(checked(tap(db_app, fake_line, user, f"action=pick_standard&n={with_pdf.number}")))
    texts = bubble_texts(card["contents"])
    assert "สำนักงานอุตสาหกรรมจังหวัดขอนแก่น" in texts and phrase("next_steps_where_unknown") not in texts
    footer = [c["action"] for c in card["contents"]["footer"]["contents"]]
    assert footer[0]["data"] == "action=office&p=" + quote_plus("ขอนแก่น")
    assert {"type": "uri", "label": phrase("next_steps_button_pdf"), "uri": with_pdf.pdf_url} in footer
    without = next(r for r in get_brain().matcher.current.values() if not r.pdf_url)
    plain = next_steps_card(checked(tap(db_app, fake_line, user, f"action=pick_standard&n={without.number}")))
    assert not any(a["type"] == "uri" for a in (c["action"] for c in plain["contents"]["footer"]["contents"]))


def test_pick_with_a_bad_or_unknown_number_is_polite(app, fake_line):
    for data in ("action=pick_standard&n=abc", "action=pick_standard&n=99999", "action=pick_standard"):
        messages = checked(tap(app, fake_line, USER, data))
        assert messages[0]["text"] == phrase("product_unknown_standard")


def test_none_fits_counts_the_query_and_points_to_the_full_list(db_app, fake_line):
    checked(say(db_app, fake_line, USER, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ"))
    messages = checked(tap(db_app, fake_line, USER, "action=none_fits"))
    assert TISI_LIST in messages[0]["text"] and "สอจ." in messages[0]["text"]
    assert not any(claim in messages[0]["text"] for claim in NO_STANDARD_CLAIMS)
    rows = {r.kind: r for r in unmatched_rows(db_app)}
    assert rows["none_fits"].example == "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ"
    assert rows["none_fits"].count == 1
    assert flow_of(db_app, USER).flow == "product"  # the next text is a product name again
    assert bubble_codes(checked(say(db_app, fake_line, USER, "หมูยอ"))) == ["มผช. 102/2546"]


# ---------------------------------------------------------------- not covered
def test_not_a_community_product_points_elsewhere_without_a_standard(db_app, fake_line):
    car = checked(say(db_app, fake_line, USER, "รถยนต์ไฟฟ้า ต้องขอมผช อะไร"))
    assert len(car) == 1 and car[0]["type"] == "text"
    assert "มอก." in car[0]["text"] and "รถยนต์" in car[0]["text"]
    assert not re.search(r"มผช\.\s*\d", car[0]["text"])  # no standard is named, let alone invented
    medicine = checked(say(db_app, fake_line, USER, "ขายยาแก้ปวด ต้องขอ มผช ไหมคะ"))
    assert "อย." in medicine[0]["text"]
    service = checked(say(db_app, fake_line, USER, "รับทำบัญชีค่ะ ขอ มผช ได้ไหม"))
    assert phrase("product_where_service") in service[0]["text"]
    assert not [m for m in car + medicine + service if m["type"] == "flex"]
    rows = unmatched_rows(db_app)
    assert {r.kind for r in rows} == {"not_community"}
    assert "รถยนต์" in [r.normalized for r in rows]


def test_community_product_not_in_our_list_is_never_told_no_standard_exists(db_app, fake_line):
    first = checked(say(db_app, fake_line, USER, "ขายผ้าไหมค่ะ ต้องขออะไร"))
    text = first[0]["text"]
    assert "ผ้าไหม" in text and TISI_LIST in text and "สอจ." in text and "ไม่ได้แปลว่าไม่มี" in text
    assert not any(claim in text for claim in NO_STANDARD_CLAIMS)
    assert TISI_LIST in quick_data(first[0])
    checked(say(db_app, fake_line, "U" + "d" * 32, "ผ้าไหม ต้องขอ มผช ไหนคะ"))
    rows = unmatched_rows(db_app)
    assert [(r.kind, r.normalized, r.count) for r in rows] == [("not_in_knowledge", "ผ้าไหม", 2)]
    assert rows[0].example == "ผ้าไหม ต้องขอ มผช ไหนคะ" and rows[0].last_seen_at >= rows[0].first_seen_at
    food = checked(say(db_app, fake_line, USER, "ทำข้าวเกรียบขาย ขอมาตรฐานอะไรคะ"))
    assert "อย." in food[0]["text"]  # food still needs FDA permission


def test_unknown_product_is_recorded_as_not_in_knowledge(app, fake_line):
    messages = checked(say(app, fake_line, USER, "ทำแจ่วบองขายค่ะ ขอมาตรฐานไหน"))
    assert "แจ่วบอง" in messages[0]["text"] and TISI_LIST in messages[0]["text"]
    assert [(r.kind, r.normalized) for r in unmatched_rows(app)] == [("not_in_knowledge", "แจ่วบอง")]


# ---------------------------------------------------------------- the product flow
def test_menu_button_then_product_name_then_other_business(db_app, fake_line):
    asked = checked(tap(db_app, fake_line, USER, "action=find_standard"))
    assert asked[0]["text"] == phrase("ask_product")
    assert flow_of(db_app, USER).flow == "product"
    # In the flow even a bare, unknown word is taken as a product name (not ข้าวต้มมัด: a well-known
    # kind of ขนมไทย, knowledge/title_words.yaml, so it is offered ขนมไทย to choose).
    messages = checked(say(db_app, fake_line, USER, "ตุ้บตั้บ"))
    assert "ตุ้บตั้บ" in messages[0]["text"] and TISI_LIST in messages[0]["text"]
    assert bubble_codes(checked(say(db_app, fake_line, USER, "กะละแม"))) == ["มผช. 1/2552"]  # the current edition
    # Something that is not a product leaves the flow for its own handler.
    hello = checked(say(db_app, fake_line, USER, "สวัสดีค่ะ"))
    assert hello[0]["text"] == phrase("greeting")
    assert flow_of(db_app, USER) is None


def test_product_question_without_a_product_asks_for_it(app, fake_line):
    messages = checked(say(app, fake_line, USER, "สินค้าของหนูต้องใช้มาตรฐานอะไร"))
    assert messages[0]["text"] == phrase("ask_product")
    assert bubble_codes(checked(say(app, fake_line, USER, "หมูหยอง"))) == ["มผช. 99/2546"]
    assert unmatched_rows(app) == []


def test_cancel_leaves_the_product_flow(app, fake_line):
    checked(tap(app, fake_line, USER, "action=find_standard"))
    checked(say(app, fake_line, USER, "ยกเลิก"))
    assert flow_of(app, USER) is None


def test_strange_and_huge_input_gets_a_valid_answer(app, fake_line):
    checked(tap(app, fake_line, USER, "action=find_standard"))
    for text in ("\u200b\u200bหมูยอ\u200b", "🐷🐷🐷 หมูยอ 🐷", "ก" * 4900, "น้ำพริก " * 600):
        messages = checked(say(app, fake_line, USER, text))
        assert messages


def test_card_without_scope_keywords_shows_example_kinds(app, fake_line):
    messages = checked(say(app, fake_line, USER, "ทำน้ำพริกแกงขายค่ะ"))
    texts = bubble_texts(carousel(messages)[0])
    assert "เช่น น้ำพริกแกงเผ็ด, พริกแกงเผ็ด, น้ำพริกแกงเขียวหวาน" in " ".join(texts)
    mask = checked(say(app, fake_line, USER, "ขายหน้ากากผ้าค่ะ"))  # neither keywords nor examples
    assert phrase("lookup_covers_unknown") in bubble_texts(carousel(mask)[0])


def test_a_standard_code_inside_the_product_flow_gets_the_lookup_card(db_app, fake_line):
    user = "U" + "9" * 32
    first = say(db_app, fake_line, user, "ทำน้ำพริกตาแดงขาย ต้องขอ มผช. อะไรคะ")
    assert first[-1]["type"] == "flex"
    card = say(db_app, fake_line, user, "มผช. ๑๒๙/๒๕๔๖ คืออะไร")
    flat = json.dumps(card, ensure_ascii=False)
    assert "129/2546" in flat and "น้ำพริกแกง" in flat
    assert phrase("lookup_label_editions") in flat
    assert "action=pick_standard" not in flat  # the look-up card, not a product answer's card to choose


def test_a_product_nobody_listed_is_still_a_product_question(app, fake_line):
    """"ผมทำไส้อั่วขาย" names a product by how producers speak, though no list holds it."""
    thai = checked(say(app, fake_line, USER, "ผมทำไส้อั่วขาย"))
    assert "ไส้อั่ว" in thai[0]["text"] and TISI_LIST in thai[0]["text"]
    assert "ผมทำ" not in thai[0]["text"]
    english = checked(say(app, fake_line, "U" + "e" * 32, "I make dried mango, which standard?"))
    assert "dried mango" in english[0]["text"] and "which standard" not in english[0]["text"]
    assert sorted((r.kind, r.normalized) for r in unmatched_rows(app)) == [
        ("not_in_knowledge", "dried mango"), ("not_in_knowledge", "ไส้อั่ว")]


def test_english_readers_see_english_titles_in_lists_and_alt_texts(app, fake_line):
    """Where TISI's English title is known, English answers use it everywhere, not the Thai name."""
    answer = checked(say(app, fake_line, "U" + "9" * 32, "fruit wine please, which standard?"))
    card = next(msg for msg in answer if msg["type"] == "flex")
    assert "TCPS 2/2567 Fruit Wine" in card["altText"] and "ไวน์" not in card["altText"]
    picked = checked(tap(app, fake_line, "U" + "9" * 32, "action=pick_standard&n=2"))
    steps = json.dumps(next_steps_card(picked), ensure_ascii=False)
    assert "TCPS 2/2567 Fruit Wine" in steps and "ไวน์ผลไม้" not in steps
    assert phrase("next_steps_where_unknown", "en") in steps and phrase("next_steps_footnote", "en",
                                                                       topics=phrase("next_steps_topic_bring", "en")) in steps
    drinks = checked(tap(app, fake_line, "U" + "9" * 32, "action=category&key=drink"))
    assert "Grass Jelly Drink" in drinks[0]["altText"]
