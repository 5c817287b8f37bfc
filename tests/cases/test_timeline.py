"""Application timeline: working-day clock, pauses, overdue, terminal stages, progress bar."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cases.stages import load_stages
from bot.cases.timeline import ProgressStatus, Timeline, compute_timeline
from bot.cases.workdays import WorkCalendar

ROOT = Path(__file__).resolve().parents[2]
BOOK = load_stages(ROOT / "knowledge" / "stages.yaml")
CAL = WorkCalendar()
MON = date(2026, 1, 5)  # a Monday; no holidays until Makha Bucha on 3 Mar 2026

DONE, CURRENT, TODO = ProgressStatus.DONE, ProgressStatus.CURRENT, ProgressStatus.TODO


def tl(history: list[tuple[str, date]], today: date, submitted: date = MON,
       calendar: WorkCalendar = CAL) -> Timeline:
    return compute_timeline(BOOK, submitted, history, calendar, today)


def statuses(t: Timeline) -> dict[str, ProgressStatus]:
    return {s.key: s.status for s in t.steps}


def test_new_application() -> None:
    t = tl([("submitted", MON)], MON)
    assert t.current.key == "submitted"
    assert (t.used_days, t.paused_days, t.remaining_days) == (0, 0, 49)
    assert t.due_on == CAL.add_working_days(MON, 49) == date(2026, 3, 16)  # skips 3 Mar
    assert not t.overdue and not t.paused and not t.finished
    assert t.applicant_action is None
    assert [s.status for s in t.steps] == [CURRENT] + [TODO] * 8


def test_empty_history_means_start_stage() -> None:
    assert tl([], MON + timedelta(days=2)).current.key == "submitted"
    assert tl([], MON + timedelta(days=2)).used_days == 2


def test_running_clock_counts_working_days_only() -> None:
    t = tl([("submitted", MON), ("doc_check", MON + timedelta(days=1)),
            ("site_visit_scheduled", date(2026, 1, 8))], date(2026, 2, 2))
    assert t.used_days == 20  # four full weeks
    assert t.remaining_days == 29
    assert t.due_on == CAL.add_working_days(date(2026, 2, 2), 29)
    assert statuses(t)["doc_check"] is DONE
    assert statuses(t)["site_visit_scheduled"] is CURRENT
    assert statuses(t)["site_inspection"] is TODO
    assert t.stage_entered_on == date(2026, 1, 8)
    assert t.applicant_action is not None and "นัด" in t.applicant_action.th


def test_pause_for_missing_documents_moves_the_due_date() -> None:
    history = [
        ("submitted", MON),
        ("doc_check", date(2026, 1, 6)),
        ("docs_incomplete", date(2026, 1, 7)),  # paused from Thu 8 Jan ...
        ("doc_check", date(2026, 1, 14)),  # ... to Wed 14 Jan: 5 working days
        ("site_visit_scheduled", date(2026, 1, 15)),
    ]
    t = tl(history, date(2026, 2, 2))
    assert (t.used_days, t.paused_days, t.remaining_days) == (15, 5, 34)
    # 2 Feb + 34 working days, skipping Makha Bucha (3 Mar)
    assert t.due_on == date(2026, 3, 23)
    assert not t.paused


def test_while_paused_the_clock_stands_still() -> None:
    history = [("submitted", MON), ("doc_check", MON), ("docs_incomplete", date(2026, 1, 7))]
    a = tl(history, date(2026, 1, 9))
    b = tl(history, date(2026, 1, 30))
    assert a.paused and b.paused
    assert a.used_days == b.used_days == 2
    assert b.paused_days - a.paused_days == CAL.working_days_between(date(2026, 1, 9), date(2026, 1, 30))
    assert b.due_on == CAL.add_working_days(a.due_on, b.paused_days - a.paused_days)
    assert b.applicant_action is not None and b.applicant_action.en.startswith("Send the missing")
    # progress bar: the stage where the problem was found stays current
    assert statuses(b)["doc_check"] is CURRENT


def test_overdue() -> None:
    history = [("submitted", MON), ("doc_check", MON), ("site_visit_scheduled", MON),
               ("site_inspection", MON), ("lab_testing", date(2026, 1, 12))]
    due = CAL.add_working_days(MON, 49)
    on_due = tl(history, due)
    assert on_due.used_days == 49 and not on_due.overdue and on_due.remaining_days == 0
    late = tl(history, CAL.add_working_days(due, 3))
    assert late.overdue and late.overdue_days == 3
    assert late.remaining_days == 0
    assert late.due_on == due < late.today
    assert CAL.working_days_between(late.due_on, late.today) == late.overdue_days


def test_overdue_then_paused_freezes_overdue_days() -> None:
    due = CAL.add_working_days(MON, 49)
    late = CAL.add_working_days(due, 2)
    history = [("submitted", MON), ("result_review", MON), ("corrective_action", late)]
    t = tl(history, late + timedelta(days=14))
    assert t.overdue and t.overdue_days == 2 and t.paused


def test_certificate_issued_is_finished() -> None:
    history = [("submitted", MON), ("doc_check", MON), ("committee_review", date(2026, 2, 2)),
               ("approved", date(2026, 2, 9)), ("cert_issued", date(2026, 2, 13))]
    t = tl(history, date(2026, 6, 30))
    assert t.finished and t.finished_on == date(2026, 2, 13)
    assert t.used_days == CAL.working_days_between(MON, date(2026, 2, 13)) == 29
    assert t.remaining_days == 0 and t.due_on is None
    assert not t.overdue and not t.paused
    assert all(s.status is DONE for s in t.steps)
    assert tl(history, date(2027, 6, 30)).used_days == 29  # later "today" changes nothing


def test_finished_late_is_visible_in_used_days_not_overdue() -> None:
    end = CAL.add_working_days(MON, 60)
    t = tl([("submitted", MON), ("rejected", end)], end + timedelta(days=5))
    assert t.used_days == 60 and not t.overdue and t.overdue_days == 0


def test_rejected_after_committee() -> None:
    history = [("submitted", MON), ("committee_review", date(2026, 2, 2)),
               ("rejected", date(2026, 2, 10))]
    t = tl(history, date(2026, 3, 1))
    assert t.current.key == "rejected" and t.finished_on == date(2026, 2, 10)
    s = statuses(t)
    assert s["committee_review"] is DONE and s["approved"] is TODO and s["cert_issued"] is TODO
    assert CURRENT not in s.values()
    assert t.applicant_action is not None and "ยื่นคำขอใหม่" in t.applicant_action.th


def test_withdrawn_while_paused_is_not_paused() -> None:
    history = [("submitted", MON), ("docs_incomplete", MON), ("withdrawn", date(2026, 1, 20))]
    t = tl(history, date(2026, 1, 30))
    assert t.finished and not t.paused
    assert (t.used_days, t.paused_days) == (0, CAL.working_days_between(MON, date(2026, 1, 20)))
    assert t.applicant_action is None


def test_going_back_after_corrective_action() -> None:
    history = [("submitted", MON), ("site_inspection", MON), ("lab_testing", MON),
               ("result_review", date(2026, 2, 2)), ("corrective_action", date(2026, 2, 3)),
               ("site_inspection", date(2026, 2, 17))]
    t = tl(history, date(2026, 2, 18))
    s = statuses(t)
    assert s["site_inspection"] is CURRENT
    assert s["lab_testing"] is TODO and s["result_review"] is TODO
    assert t.paused_days == CAL.working_days_between(date(2026, 2, 3), date(2026, 2, 17)) == 10


def test_office_closure_extends_the_due_date() -> None:
    closed = WorkCalendar({"ตาก": [date(2026, 1, 6)]}, province="ตาก")
    open_ = tl([], date(2026, 1, 9))
    shut = tl([], date(2026, 1, 9), calendar=closed)
    assert shut.used_days == open_.used_days - 1
    assert shut.due_on == CAL.add_working_days(open_.due_on, 1)


def test_holidays_are_not_counted() -> None:
    # Songkran 13–15 Apr 2026 inside the span
    t = tl([], date(2026, 4, 17), submitted=date(2026, 4, 10))
    assert t.used_days == 2  # 16 and 17 April


@pytest.mark.parametrize(
    ("history", "today", "message"),
    [
        ([("lab", MON)], MON, "unknown stage 'lab'"),
        ([("doc_check", MON - timedelta(days=1))], MON, "earlier than"),
        ([("doc_check", date(2026, 1, 9)), ("lab_testing", date(2026, 1, 8))], date(2026, 1, 9),
         "earlier than"),
        ([("doc_check", date(2026, 1, 9))], date(2026, 1, 8), "after today"),
        ([], MON - timedelta(days=1), "before the submission date"),
        ([("doc_check",)], MON, "pair"),
    ],
)
def test_invalid_input(history: list, today: date, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tl(history, today)


# --- invariants over random histories ---------------------------------------------------------

@st.composite
def applications(draw: st.DrawFn) -> tuple[date, list[tuple[str, date]], date]:
    submitted = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2090, 12, 31)))
    history: list[tuple[str, date]] = [("submitted", submitted)]
    day = submitted
    stage = BOOK.start
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        if stage.terminal:
            break
        stage = BOOK[draw(st.sampled_from(stage.next))]
        day += timedelta(days=draw(st.integers(min_value=0, max_value=30)))
        history.append((stage.key, day))
    today = day + timedelta(days=draw(st.integers(min_value=0, max_value=120)))
    return submitted, history, today


@settings(deadline=None, max_examples=200)
@given(applications())
def test_clock_invariants(app: tuple[date, list[tuple[str, date]], date]) -> None:
    submitted, history, today = app
    t = tl(history, today, submitted=submitted)
    end = t.finished_on or today
    assert t.used_days + t.paused_days == CAL.working_days_between(submitted, end)
    assert t.used_days >= 0 and t.paused_days >= 0
    assert t.current.key == history[-1][0]
    if t.finished:
        assert t.remaining_days == 0 and t.due_on is None and not t.overdue and not t.paused
        assert CURRENT not in {s.status for s in t.steps}
    else:
        assert t.remaining_days == max(0, 49 - t.used_days)
        assert t.overdue is (t.used_days > 49)
        assert t.overdue_days == max(0, t.used_days - 49)
        assert t.due_on is not None
        assert CAL.working_days_between(submitted, t.due_on) == 49 + t.paused_days
        if not t.overdue:
            # no working day has passed since the due date (today may be a weekend after it)
            assert CAL.working_days_between(t.due_on, today) == 0
            assert CAL.working_days_between(today, t.due_on) == t.remaining_days
        assert [s.status for s in t.steps].count(CURRENT) == 1
    order = [s.status for s in t.steps]
    # done* current? todo*
    ranks = [{DONE: 0, CURRENT: 1, TODO: 2}[s] for s in order]
    assert ranks == sorted(ranks)


@settings(deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=0, max_value=200))
def test_without_pauses_used_is_plain_working_days(submitted: date, span: int) -> None:
    today = submitted + timedelta(days=span)
    history = [("submitted", submitted), ("lab_testing", submitted)]
    t = tl(history, today, submitted=submitted)
    assert t.paused_days == 0
    assert t.used_days == CAL.working_days_between(submitted, today)
