import copy
import re
from pathlib import Path

import pytest
import yaml

from bot.nlp.faq import (
    ANSWER_THRESHOLD,
    SUGGEST_THRESHOLD,
    FaqIndex,
    FaqValidationError,
    load_faq,
    load_faq_document,
    parse_faq,
)

SOURCE_NOTES = Path("/work/shared/knowledge-sources/certification_process.md")

VALID = {
    "unverified_note_th": "ยังไม่ยืนยันค่ะ",
    "unverified_note_en": "Not confirmed.",
    "entries": [
        {
            "id": "fee",
            "topic": "fees",
            "questions_th": ["ค่าธรรมเนียมเท่าไหร่", "เสียเงินไหม", "ฟรีไหม"],
            "questions_en": ["How much is it?"],
            "answer_th": "เชื่อว่าไม่มีค่าธรรมเนียมค่ะ",
            "answer_en": "Believed to be free.",
            "sources": ["https://www.tisi.go.th/cps-condition"],
            "unverified": True,
        },
        {
            "id": "where_to_apply",
            "topic": "where",
            "questions_th": ["ยื่นที่ไหน", "สมัครที่ไหน", "ไปยื่นที่ไหน"],
            "questions_en": ["Where do I apply?"],
            "answer_th": "ยื่นที่ สอจ. ค่ะ",
            "answer_en": "At the provincial industry office.",
            "sources": ["https://tcps.tisi.go.th/news.asp?NewsId=75"],
            "unverified": False,
        },
    ],
}


def _write(tmp_path, data) -> Path:
    path = tmp_path / "faq.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _broken(mutate):
    data = copy.deepcopy(VALID)
    mutate(data)
    return data


# --- the shipped file ---------------------------------------------------------------------


def test_shipped_faq_has_enough_complete_entries(faq_doc):
    entries = faq_doc.entries
    assert len(entries) >= 40
    assert len({e.id for e in entries}) == len(entries)
    for e in entries:
        assert len(e.questions_th) >= 3 and len(e.questions_en) >= 1
        assert e.sources and all(s.startswith(("http://", "https://")) for s in e.sources)


def test_shipped_thai_answers_use_ka_consistently(faq_doc):
    for e in faq_doc.entries:
        assert "ค่ะ" in e.answer_th, e.id
        assert "ครับ" not in e.answer_th, e.id


@pytest.mark.parametrize("entry_id", ["fee", "duration", "validity", "renewal", "bangkok", "documents"])
def test_facts_marked_unverified_in_sources_are_flagged(faq_doc, entry_id):
    entry = next(e for e in faq_doc.entries if e.id == entry_id)
    assert entry.unverified is True


@pytest.mark.parametrize("entry_id", ["what_is_tcps", "is_compulsory", "new_criteria_2021", "statistics"])
def test_stated_facts_are_not_flagged(faq_doc, entry_id):
    entry = next(e for e in faq_doc.entries if e.id == entry_id)
    assert entry.unverified is False


def test_key_facts_from_the_sources_are_in_the_answers(faq_doc):
    by_id = {e.id: e for e in faq_doc.entries}
    assert "49" in by_id["duration"].answer_th
    assert "3 ปี" in by_id["validity"].answer_th
    assert "มผช.ป" in by_id["forms"].answer_th and "มช.1" in by_id["forms"].answer_th
    assert "StandardList.aspx" in by_id["find_standard"].answer_th
    assert "1 เม.ย. 2564" in by_id["new_criteria_2021"].answer_th
    assert "ไม่บังคับ" in by_id["is_compulsory"].answer_th


@pytest.mark.skipif(not SOURCE_NOTES.exists(), reason="shared source notes not available")
def test_every_source_url_comes_from_the_research_notes(faq_doc):
    notes = SOURCE_NOTES.read_text(encoding="utf-8")
    urls = {u.rstrip(".,;)") for u in re.findall(r"https?://[^\s|)]+", notes)}
    for e in faq_doc.entries:
        for url in e.sources:
            assert url in urls, (e.id, url)


def test_answer_text_appends_note_only_when_unverified(faq_doc):
    fee = next(e for e in faq_doc.entries if e.id == "fee")
    mark = next(e for e in faq_doc.entries if e.id == "mark_meaning")
    assert faq_doc.answer_text(fee, "th").endswith(faq_doc.unverified_note_th)
    assert faq_doc.answer_text(fee, "en").endswith(faq_doc.unverified_note_en)
    assert faq_doc.answer_text(mark, "th") == mark.answer_th
    assert faq_doc.answer_text(mark, "en") == mark.answer_en


# --- validation -------------------------------------------------------------------------------


def test_valid_file_loads(tmp_path):
    entries = load_faq(_write(tmp_path, VALID))
    assert [e.id for e in entries] == ["fee", "where_to_apply"]
    assert entries[0].questions_th[0] == "ค่าธรรมเนียมเท่าไหร่"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["entries"][0].pop("answer_en"), "missing field(s): answer_en"),
        (lambda d: d["entries"][1].update(id="fee"), "duplicate id"),
        (lambda d: d["entries"][0].update(sources=["www.tisi.go.th"]), "not an http(s) URL"),
        (lambda d: d["entries"][0].update(sources=[]), "'sources' needs at least 1"),
        (lambda d: d["entries"][0].update(questions_th=["a", "b"]), "'questions_th' needs at least 3"),
        (lambda d: d["entries"][0].update(questions_en=[]), "'questions_en' needs at least 1"),
        (lambda d: d["entries"][0].update(unverified="yes please"), "'unverified' must be true or false"),
        (lambda d: d["entries"][0].update(id="Fee Entry"), "'id' must be a slug"),
        (lambda d: d["entries"][0].update(answer_th="  "), "'answer_th' must be a non-empty string"),
        (lambda d: d.pop("unverified_note_th"), "'unverified_note_th'"),
        (lambda d: d.update(entries=[]), "'entries' must be a non-empty list"),
    ],
)
def test_invalid_files_raise_clear_errors(tmp_path, mutate, message):
    with pytest.raises(FaqValidationError) as err:
        load_faq(_write(tmp_path, _broken(mutate)))
    assert message in str(err.value)


def test_error_names_the_entry(tmp_path):
    with pytest.raises(FaqValidationError, match="entry 'where_to_apply'"):
        parse_faq(_broken(lambda d: d["entries"][1].pop("topic")))


def test_broken_yaml_is_reported(tmp_path):
    path = tmp_path / "faq.yaml"
    path.write_text("entries: [\n  - id: x", encoding="utf-8")
    with pytest.raises(FaqValidationError, match="not valid YAML"):
        load_faq_document(path)


# --- retrieval ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("มผช คือไรคะ", "what_is_tcps"),
        ("ค่าธรรมเนียมกี่บาทคะ", "fee"),
        ("ใบรับรองอายุกี่ปี", "validity"),
        ("ต่ออายุใบรับรองยังไงครับ", "renewal"),
        ("อยู่กรุงเทพฯ ยื่นที่ไหน", "bangkok"),
        ("ส่งทางไปรษณีย์ได้ไหม", "apply_by_post"),
        ("มผช กับ มอก ต่างกันยังไง", "tcps_vs_tis"),
        ("ใช้เอกสารอะไรบ้างคะ", "documents"),
        ("How much does it cost?", "fee"),
        ("What does the TCPS mark mean?", "mark_meaning"),
    ],
)
def test_search_ranks_the_right_entry_first(faq_index, text, expected):
    hits = faq_index.search(text, k=3)
    assert hits[0].entry_id == expected
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_search_tolerates_typos_and_thai_digits(faq_index):
    assert faq_index.search("ใบรับลองมีอายุกี่ปี")[0].entry_id == "validity"
    assert faq_index.search("ใช้เวลา ๔๙ วันจริงไหม")[0].entry_id == "duration"


def test_search_respects_k(faq_index):
    assert len(faq_index.search("มผช", k=2)) <= 2
    assert len(faq_index.search("มผช", k=5)) == 5


def test_clear_question_gets_an_answer(faq_index):
    decision = faq_index.answer("ขอ มผช. ต้องเสียค่าธรรมเนียมไหมคะ")
    assert decision.kind == "answer"
    assert decision.hits[0].entry_id == "fee"
    assert decision.hits[0].score >= ANSWER_THRESHOLD


def test_vague_question_gets_suggestions(faq_index):
    decision = faq_index.answer("เกณฑ์")
    assert decision.kind == "suggest"
    assert 1 <= len(decision.hits) <= 3
    assert all(h.score >= SUGGEST_THRESHOLD for h in decision.hits)


@pytest.mark.parametrize("text", ["อากาศวันนี้ร้อนไหม", "asdfgh", ""])
def test_unrelated_message_gets_none(faq_index, text):
    decision = faq_index.answer(text)
    assert decision.kind == "none"
    assert decision.hits == ()


def test_index_works_on_any_entry_list(faq_doc):
    only_two = [e for e in faq_doc.entries if e.id in {"fee", "validity"}]
    index = FaqIndex.build(only_two)
    assert {h.entry_id for h in index.search("ใบรับรองกี่ปี", k=5)} <= {"fee", "validity"}
    assert index.search("ใบรับรองกี่ปี")[0].entry_id == "validity"
