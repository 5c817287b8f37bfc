"""knowledge/stages.yaml content and StageBook validation."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cases.stages import StageBook, StageConfigError, load_stages

ROOT = Path(__file__).resolve().parents[2]
STAGES_PATH = ROOT / "knowledge" / "stages.yaml"
RAW: dict[str, Any] = yaml.safe_load(STAGES_PATH.read_text(encoding="utf-8"))
BOOK = load_stages(STAGES_PATH)

EXPECTED_KEYS = {
    "submitted", "doc_check", "docs_incomplete", "site_visit_scheduled", "site_inspection",
    "lab_testing", "corrective_action", "result_review", "committee_review", "approved",
    "cert_issued", "rejected", "returned", "withdrawn",
}


def raw() -> dict[str, Any]:
    return copy.deepcopy(RAW)


def stage(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in data["stages"] if s["key"] == key)


def test_shipped_file_has_the_agreed_stages() -> None:
    assert {s.key for s in BOOK} == EXPECTED_KEYS
    assert BOOK.total_working_days == 49
    assert [s.key for s in BOOK.main_path] == [
        "submitted", "doc_check", "site_visit_scheduled", "site_inspection", "lab_testing",
        "result_review", "committee_review", "approved", "cert_issued",
    ]
    assert sum(s.budget_days for s in BOOK.main_path) == 49
    assert BOOK.start.key == "submitted"


def test_shipped_file_says_the_split_is_an_assumption_with_sources() -> None:
    assert "ASSUMPTION" in BOOK.note_en
    assert "สมมติฐาน" in BOOK.note_th
    assert BOOK.sources and all(u.startswith(("http://", "https://")) for u in BOOK.sources)


def test_waiting_and_terminal_stages() -> None:
    assert {s.key for s in BOOK if s.pauses_clock} == {"docs_incomplete", "corrective_action"}
    assert {s.key for s in BOOK if s.terminal} == {"cert_issued", "rejected", "returned", "withdrawn"}
    for s in BOOK:
        if s.pauses_clock:
            assert s.applicant_action_th and s.applicant_action_en, s.key
            assert s.progress_step is None


def test_every_open_stage_can_be_withdrawn_and_transitions_follow_the_proposal() -> None:
    for s in BOOK:
        if not s.terminal:
            assert BOOK.can_move(s.key, "withdrawn"), s.key
    assert BOOK.can_move("doc_check", "docs_incomplete")
    assert BOOK.can_move("docs_incomplete", "returned")
    assert BOOK.can_move("result_review", "corrective_action")
    assert not BOOK.can_move("submitted", "approved")
    with pytest.raises(KeyError, match="nope"):
        BOOK.can_move("nope", "doc_check")


def test_raw_copy_is_valid() -> None:
    assert StageBook.from_mapping(raw()) == BOOK


def _error(data: Any) -> str:
    with pytest.raises(StageConfigError) as info:
        StageBook.from_mapping(data, source="test")
    return str(info.value)


def test_unknown_next_key() -> None:
    data = raw()
    stage(data, "lab_testing")["next"].append("lab_retest")
    assert "unknown stage 'lab_retest'" in _error(data)


def test_budgets_must_add_up() -> None:
    data = raw()
    stage(data, "lab_testing")["budget_days"] = 25
    message = _error(data)
    assert "add up to 54" in message and "49" in message and "lab_testing 25" in message


def test_total_must_match_budgets() -> None:
    data = raw()
    data["total_working_days"] = 73
    assert "but total_working_days is 73" in _error(data)


def test_duplicate_key() -> None:
    data = raw()
    data["stages"].append(copy.deepcopy(stage(data, "returned")))
    assert "duplicate stage key 'returned'" in _error(data)


def test_key_must_be_snake_case() -> None:
    data = raw()
    stage(data, "withdrawn")["key"] = "Withdrawn"
    assert "snake_case" in _error(data)


def test_missing_and_unknown_fields() -> None:
    data = raw()
    del stage(data, "rejected")["terminal"]
    stage(data, "approved")["budget_day"] = 5
    message = _error(data)
    assert "stage 'rejected': missing field(s) terminal" in message
    assert "stage 'approved': unknown field(s) budget_day" in message


def test_terminal_stage_cannot_have_next() -> None:
    data = raw()
    stage(data, "rejected")["next"] = ["submitted"]
    assert "terminal stage must have an empty next list" in _error(data)


def test_paused_stage_cannot_have_budget() -> None:
    data = raw()
    stage(data, "docs_incomplete")["budget_days"] = 3
    assert "only running main-path stages may have budget_days" in _error(data)


def test_progress_steps_must_be_contiguous() -> None:
    data = raw()
    stage(data, "approved")["progress_step"] = 12
    assert "without gaps" in _error(data)


def test_main_path_must_be_connected() -> None:
    data = raw()
    stage(data, "lab_testing")["next"] = ["withdrawn"]
    data_message = _error(data)
    assert "must include the following main-path stage 'result_review'" in data_message


def test_unreachable_stage() -> None:
    data = raw()
    for s in data["stages"]:
        if "returned" in s["next"]:
            s["next"].remove("returned")
    assert "not reachable" in _error(data) and "returned" in _error(data)


def test_bool_is_not_a_budget() -> None:
    data = raw()
    stage(data, "doc_check")["budget_days"] = True
    assert "budget_days must be an integer" in _error(data)


def test_top_level_must_be_a_mapping() -> None:
    assert "top level" in _error([1, 2])


def test_load_stages_reports_the_file(tmp_path: Path) -> None:
    data = raw()
    data["stages"].append(copy.deepcopy(stage(data, "withdrawn")))
    path = tmp_path / "stages.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(StageConfigError, match=r"stages\.yaml: .*duplicate stage key 'withdrawn'"):
        load_stages(path)
    path.write_text("stages: [unclosed\n", encoding="utf-8")
    with pytest.raises(StageConfigError, match="invalid YAML"):
        load_stages(path)


def test_terminal_stage_cannot_pause() -> None:
    data = raw()
    stage(data, "returned")["pauses_clock"] = True
    assert "terminal stage cannot pause the clock" in _error(data)


def test_paused_stage_cannot_be_on_the_main_path() -> None:
    data = raw()
    stage(data, "doc_check")["pauses_clock"] = True
    stage(data, "doc_check")["budget_days"] = 0
    stage(data, "lab_testing")["budget_days"] = 21
    assert "cannot be on the main path" in _error(data)
