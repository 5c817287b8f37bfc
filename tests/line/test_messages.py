"""Message builders produce what LINE accepts (checked with line-bot-sdk's own models)."""
import pytest

from bot.line import messages as m
from bot.line.gateway import SendFailure, validate_messages


def test_text_with_quick_replies_is_valid_for_line():
    msg = m.text("สวัสดีค่ะ", [m.postback("หามาตรฐานสินค้า", "action=find_standard", "หามาตรฐาน"),
                              m.message_action("ยกเลิก"), m.link("รายชื่อมาตรฐาน", "https://tcps.tisi.go.th/")])
    validate_messages([msg])
    assert len(msg["quickReply"]["items"]) == 3


def test_limits_are_enforced():
    long_text = "ก" * 6000
    assert m.utf16_len(m.text(long_text)["text"]) == 5000
    emoji = "😀" * 3000  # 2 UTF-16 units each
    assert m.utf16_len(m.clip(emoji, 5000)) <= 5000
    assert len(m.postback("ป้ายที่ยาวมากเกินยี่สิบตัวอักษรแน่นอน", "a=1")["label"]) == 20
    many = [m.message_action(str(i)) for i in range(20)]
    assert len(m.text("x", many)["quickReply"]["items"]) == 13
    with pytest.raises(ValueError):
        m.postback("x", "d" * 301)


def test_flex_carousel_is_valid_for_line():
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical",
                                         "contents": [{"type": "text", "text": "มผช. 129/2546"}]}}
    validate_messages([m.flex("มาตรฐานที่ตรงกับสินค้า", m.carousel([bubble] * 15))])


def test_invalid_message_is_caught_before_sending():
    with pytest.raises(SendFailure) as info:
        validate_messages([{"type": "text"}])
    assert info.value.kind == "rejected"


def test_checked_lists_are_remembered_by_digest_and_bounded():
    from bot.line.gateway import CheckedLists

    checked = CheckedLists(size=2)
    lists = [[m.text(f"ข้อความ {i}")] for i in range(3)]
    for messages in lists + lists[1:]:  # the last two again: remembered
        checked.check(messages)
    assert checked.checks == 3
    checked.check(lists[0])  # pushed out by the newer two: checked again
    assert checked.checks == 4
    assert all(isinstance(key, bytes) and len(key) == 16 for key in checked._seen) and len(checked._seen) == 2
    with pytest.raises(SendFailure):
        checked.check([m.text("x")] * 6)
