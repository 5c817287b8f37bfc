"""The next-steps card for every standard we know, in Thai and English: no internal notes, one footnote,
LINE's limits, and the knowledge file's checks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.handlers.next_steps import load_next_steps
from bot.handlers.standard_card import standard_bubble
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line.gateway import validate_messages
from bot.line.messages import MAX_LABEL, utf16_len
from bot.nlp.faq import load_faq_document
from tests.helpers import flex_texts, say, tap

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
# How reasoning about the sources reads in the knowledge files (the [S]/[I]/[U] legend, "probably …",
# "not found in the sources"): none of it may reach a producer.
NOTE_PATTERNS = re.compile(r"\[[SIU]\]|น่าจะเป็น|ในแหล่งข้อมูล|ไม่พบแบบ|probably|was found|no form called"
                           r"|inference|\bTODO\b|\bFIXME\b", re.IGNORECASE)
FLAGS = {"th": re.compile("ยังไม่ได้รับการยืนยัน"), "en": re.compile(r"not (?:been )?confirmed")}


def _bubbles(message: dict) -> list[dict]:
    contents = message["contents"]
    return contents["contents"] if contents["type"] == "carousel" else [contents]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_standards_next_steps_and_card_are_short_clean_and_flag_once(app, fake_line, lang):
    user = "U" + ("7" if lang == "th" else "8") * 32
    say(app, fake_line, user, "สวัสดีค่ะ" if lang == "th" else "hello, I need help")
    records = sorted(get_brain().matcher.current.values(), key=lambda r: r.number)
    assert len(records) >= 50
    for record in records:
        messages = tap(app, fake_line, user, f"action=pick_standard&n={record.number}")
        validate_messages(messages)
        assert len(messages) == 1 and messages[0]["type"] == "flex", record.code
        card = messages[0]
        bubble = card["contents"]
        assert bubble["type"] == "bubble"
        assert len(json.dumps(bubble, ensure_ascii=False).encode()) < 30_000
        assert len(json.dumps(bubble).encode()) < 30_000  # even with Thai escaped
        texts = flex_texts(bubble)
        shown = " ".join(texts) + " " + card["altText"]
        assert not NOTE_PATTERNS.search(shown), (record.code, NOTE_PATTERNS.search(shown))
        assert len(FLAGS[lang].findall(shown)) == 1, record.code  # the footnote, once
        assert phrase("next_steps_header", lang) == texts[0]
        if lang == "en" and record.name_en:
            assert record.name_en.lower() in shown.lower() and record.name not in shown
        for action in [c["action"] for c in bubble["footer"]["contents"]]:
            assert utf16_len(action["label"]) <= MAX_LABEL
        # The standard's own card (look-up and product answers) carries no notes either.
        standard = json.dumps(standard_bubble(record, lang, pick=True), ensure_ascii=False)
        assert not NOTE_PATTERNS.search(standard), record.code


def test_the_faq_answers_the_card_links_are_clean_and_flagged_once(app):
    with app.app_context():
        faq = load_faq_document()
        linked = [entry for entry, _label in load_next_steps().details] + ["forms", "where_to_apply"]
        for entry_id in linked:
            entry = faq.entry(entry_id)
            assert entry is not None, entry_id
            for lang in ("th", "en"):
                text = faq.answer_text(entry, lang)
                assert not NOTE_PATTERNS.search(text), (entry_id, lang)
                assert len(FLAGS[lang].findall(text)) == (1 if entry.unverified else 0), (entry_id, lang)


def test_what_to_bring_comes_from_the_knowledge_file_and_by_category(app, tmp_path):
    with app.app_context():
        steps = load_next_steps()
        food, craft = steps.bring("food"), steps.bring("craft")
        assert [i for i in food if "อย." in i.th] and not [i for i in craft if "อย." in i.th]
        assert all(item.th and item.en for item in steps.items)
        broken = tmp_path / "next_steps.yaml"
        broken.write_text((KNOWLEDGE / "next_steps.yaml").read_text(encoding="utf-8")
                          .replace("label: next_steps_button_fee", "label: no_such_reply"), encoding="utf-8")
        with pytest.raises(ValueError, match="no_such_reply"):
            load_next_steps(broken)
