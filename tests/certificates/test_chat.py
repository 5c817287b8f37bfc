"""Checking a certificate in LINE, end to end through the webhook and the fake LINE API."""
from __future__ import annotations

import json

from bot.certificates.records import find_certificate
from bot.db import db
from tests.certificates.data import load_good
from tests.helpers import flex_texts, quick_actions, say, tap

USER = "U" + "c" * 32


def _text(messages) -> str:
    return json.dumps(messages, ensure_ascii=False)


def test_a_number_with_thai_digits_gets_the_card(db_app, fake_line):
    load_good(db_app)
    messages = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง มผช. ชม ๐๐๑๒/๒๕๖๗ ค่ะ")
    assert len(messages) == 1 and messages[0]["type"] == "flex"
    texts = flex_texts(messages[0]["contents"])
    assert "ใช้ได้" in texts and "น้ำพริกแกง" in texts and "ชม 0012/2567" in texts
    assert "วิสาหกิจชุมชนกลุ่มแม่บ้านบ้านดอน" in texts and "เชียงใหม่" in texts
    assert any(t.startswith("มผช. 129/2565") for t in texts)
    assert any("25" in t and t[-4:].isdigit() and int(t[-4:]) > 2500 for t in texts)  # Buddhist-era expiry
    with db_app.app_context():
        assert find_certificate(db.session(), "ชม 0012/2567").lookups == 1


def test_an_expired_and_a_suspended_certificate_say_so(db_app, fake_line):
    load_good(db_app)
    expired = flex_texts(say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง ชม 0014/2567")[0]["contents"])
    assert "หมดอายุ" in expired
    suspended = say(db_app, fake_line, USER, "check certificate ลพ 0001/2566")[0]
    assert "Suspended" in flex_texts(suspended["contents"])


def test_a_name_with_a_province_lists_several_and_one_is_picked(db_app, fake_line):
    load_good(db_app)
    listed = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง บ้านดอน เชียงใหม่")[0]
    assert listed["type"] == "text" and "2 ใบ" in listed["text"]
    picks = [a["data"] for a in quick_actions(listed)]
    assert len(picks) == 2 and all(p.startswith("action=certificate&n=") for p in picks)
    card = tap(db_app, fake_line, USER, picks[0])[0]
    assert card["type"] == "flex" and "ใช้ได้" in flex_texts(card["contents"])


def test_a_name_without_province_and_nothing_found(db_app, fake_line):
    load_good(db_app)
    asked = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง น้ำพริกแกง")[0]
    assert "จังหวัด" in asked["text"]
    none = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง ชม 0999/2567")[0]
    assert "ไม่พบใบรับรอง" in none["text"] and any(a["data"].startswith("action=office")
                                                   for a in quick_actions(none))
    wrong_province = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง บ้านดอน ลำพูน")[0]
    assert "ไม่พบใบรับรอง" in wrong_province["text"]


def test_asking_without_anything_then_typing_the_number(db_app, fake_line):
    load_good(db_app)
    asked = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง")[0]
    assert "เลขที่ใบรับรอง" in asked["text"]
    card = say(db_app, fake_line, USER, "ชม 0013/2567")[0]
    assert card["type"] == "flex" and "น้ำพริกตาแดง" in flex_texts(card["contents"])


def test_the_chat_lookup_is_rate_limited_per_user_and_guesses_count(db_app, fake_line):
    load_good(db_app)
    db_app.config["CERTIFICATE_LOOKUPS_PER_MINUTE"] = 3
    for guess in ("ชม 0001/2567", "ชม 0002/2567", "ชม 0003/2567"):
        assert "ไม่พบ" in say(db_app, fake_line, USER, f"ตรวจสอบใบรับรอง {guess}")[0]["text"]
    limited = say(db_app, fake_line, USER, "ตรวจสอบใบรับรอง ชม 0012/2567")[0]
    assert limited["type"] == "text" and "ถี่เกินไป" in limited["text"]
    other = say(db_app, fake_line, "U" + "d" * 32, "ตรวจสอบใบรับรอง ชม 0012/2567")[0]
    assert other["type"] == "flex"
