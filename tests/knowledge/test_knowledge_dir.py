"""Every loader reads the one knowledge directory: the app's KNOWLEDGE_DIR (or the environment's)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cases.applications import stage_book
from bot.cases.certificates import certificate_rule
from bot.cases.provinces import provinces
from bot.config import knowledge_dir
from bot.knowledge.replies import phrase
from bot.line.richmenu_image import load_richmenu_spec
from bot.nlp.categories import categories_by_key
from bot.nlp.cues import load_intent_rules
from bot.nlp.faq import load_faq_document
from bot.nlp.knowledge import current_standards
from bot.nlp.textproc import default_lexicon
from bot.privacy.notice import full_notice
from tests.helpers import say

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "knowledge"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def other_knowledge(tmp_path) -> Path:
    """A copy of knowledge/ with one visible change in each file a loader reads."""
    folder = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, folder)
    _replace(folder / "replies" / "common.yaml", "ยินดีต้อนรับสู่ผู้ช่วย", "ยินดีต้อนรับสู่ผู้ช่วยทดลอง")
    _replace(folder / "stages.yaml", "label_th: ยื่นคำขอแล้ว", "label_th: ยื่นคำขอแล้ว (ทดลอง)")
    _replace(folder / "provinces.yaml", "  - กระบี่\n", "  - กระบี่\n  - จังหวัดทดลอง\n")
    _replace(folder / "certificates.yaml", "validity_years: 3", "validity_years: 5")
    _replace(folder / "richmenu.yaml", "chat_bar_text: เมนู มผช.", "chat_bar_text: เมนูทดลอง")
    _replace(folder / "standards.csv", "มผช. 2/2567,ไวน์ผลไม้", "มผช. 2/2567,ไวน์ผลไม้ทดลอง")
    _replace(folder / "faq.yaml", "popular: [what_is_tcps, ", "popular: [")
    _replace(folder / "lexicon.yaml", "synonyms:\n", "synonyms:\n  คำทดลอง: มผช\n")
    _replace(folder / "intents.yaml", "product_term_ignore: [", "product_term_ignore: [คำทดลอง, ")
    _replace(folder / "categories.yaml", "label_th: อาหาร\n", "label_th: อาหารทดลอง\n")
    _replace(folder / "privacy.yaml", "นโยบายความเป็นส่วนตัวของผู้ช่วย", "นโยบายทดลองของผู้ช่วย")
    return folder


def test_every_loader_reads_the_apps_knowledge_dir(app, other_knowledge):
    app.config["KNOWLEDGE_DIR"] = str(other_knowledge)
    with app.app_context():
        assert knowledge_dir() == other_knowledge
        assert "ผู้ช่วยทดลอง" in phrase("greeting")
        assert stage_book()["submitted"].label_th == "ยื่นคำขอแล้ว (ทดลอง)"
        assert "จังหวัดทดลอง" in provinces()
        assert certificate_rule().validity_years == 5
        assert load_richmenu_spec()["chat_bar_text"] == "เมนูทดลอง"
        assert current_standards()[2].name == "ไวน์ผลไม้ทดลอง"
        assert "what_is_tcps" not in load_faq_document().popular
        assert default_lexicon().synonyms["คำทดลอง"] == "มผช"
        assert "คำทดลอง" in load_intent_rules().product_term_ignore
        assert categories_by_key()["food"].label_th == "อาหารทดลอง"
        assert "นโยบายทดลอง" in full_notice("th")
    with app.app_context():  # the shipped folder again for an app without the setting
        app.config["KNOWLEDGE_DIR"] = str(SHIPPED)
        assert "ผู้ช่วยทดลอง" not in phrase("greeting")
        assert certificate_rule().validity_years == 3


def test_the_chat_answers_from_the_apps_knowledge_dir(app, fake_line, other_knowledge):
    app.config["KNOWLEDGE_DIR"] = str(other_knowledge)
    [reply] = say(app, fake_line, "U" + "9" * 32, "สวัสดีค่ะ")
    assert "ผู้ช่วยทดลอง" in reply["text"]


def test_scripts_read_the_environments_knowledge_dir(other_knowledge):
    """`python -m bot.nlp.match` (no app) follows $KNOWLEDGE_DIR."""
    env = {**os.environ, "KNOWLEDGE_DIR": str(other_knowledge)}
    done = subprocess.run([sys.executable, "-m", "bot.nlp.match", "--json"], input="ไวน์ผลไม้ทดลอง\n", cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=True)
    assert "ไวน์ผลไม้ทดลอง" in done.stdout
