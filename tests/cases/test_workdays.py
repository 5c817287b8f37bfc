"""Thai government working-day calendar: known dates and invariants."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.cases import workdays
from bot.cases.workdays import ClosureConfigError, WorkCalendar, load_closures, normalize_province

ROOT = Path(__file__).resolve().parents[2]
CAL = WorkCalendar()

dates = st.dates(min_value=date(2001, 1, 1), max_value=date(2095, 12, 31))
counts = st.integers(min_value=0, max_value=300)


# --- known dates (checked against holidays 0.109) -------------------------------------------

@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 1, 2), "cabinet bridge holiday"),
        (date(2026, 3, 3), "Makha Bucha"),
        (date(2026, 4, 13), "Songkran"),
        (date(2026, 4, 15), "Songkran"),
        (date(2026, 5, 13), "Royal Ploughing Ceremony (GOVERNMENT category)"),
        (date(2026, 6, 1), "Visakha Bucha in lieu"),
        (date(2026, 12, 7), "Father's Day in lieu"),
        (date(2025, 4, 16), "Songkran in lieu"),
        (date(2025, 5, 9), "Royal Ploughing Ceremony 2025"),
        (date(2025, 6, 2), "bridge holiday 2025"),
        (date(2025, 8, 11), "bridge holiday 2025"),
        (date(2026, 1, 3), "Saturday"),
        (date(2026, 1, 4), "Sunday"),
    ],
)
def test_known_days_off(day: date, why: str) -> None:
    assert not CAL.is_working_day(day), why


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 5, 1), "National Labour Day (Friday) is private-sector only"),
        (date(2025, 5, 1), "National Labour Day (Thursday)"),
        (date(2027, 5, 3), "Labour Day in lieu (1 May 2027 is a Saturday)"),
        (date(2026, 1, 5), "ordinary Monday"),
        (date(2026, 5, 12), "day before Royal Ploughing"),
    ],
)
def test_known_working_days(day: date, why: str) -> None:
    assert CAL.is_working_day(day), why


def test_plain_public_calendar_would_count_labour_day() -> None:
    """Guard: the package itself lists 1 May as a public holiday; we remove it."""
    import holidays

    th = holidays.TH(years=2026, categories=(holidays.PUBLIC,), language="en_US")
    assert th.get(date(2026, 5, 1)) == "National Labor Day"
    assert date(2026, 5, 1) not in CAL.holidays_in(2026)


def test_holidays_in_2026_has_thai_names_and_no_labour_day() -> None:
    days = CAL.holidays_in(2026)
    assert days[date(2026, 1, 2)] == "วันหยุดพิเศษ (เพิ่มเติม)"
    assert days[date(2026, 5, 13)] == "วันพืชมงคล"
    assert date(2026, 5, 1) not in days
    assert not any("แรงงาน" in name for name in days.values())
    assert list(days) == sorted(days)
    assert all(d.year == 2026 for d in days)


def test_new_year_run_2025_2026() -> None:
    # 31 Dec (Wed), 1 Jan (Thu), 2 Jan (bridge, Fri), then the weekend.
    assert CAL.add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 5)
    assert CAL.working_days_between(date(2025, 12, 30), date(2026, 1, 5)) == 1


def test_whole_year_2026() -> None:
    # 260 weekdays in (1 Jan, 31 Dec]; 19 of them are holidays (2026 list above, hand-checked).
    assert CAL.working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 241


def test_add_zero_returns_start_even_on_a_holiday() -> None:
    assert CAL.add_working_days(date(2026, 1, 2), 0) == date(2026, 1, 2)


def test_next_working_day() -> None:
    assert CAL.next_working_day(date(2026, 1, 1)) == date(2026, 1, 5)
    assert CAL.next_working_day(date(2026, 1, 5)) == date(2026, 1, 5)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValueError, match="outside"):
        CAL.is_working_day(date(2101, 1, 3))
    with pytest.raises(ValueError, match="outside"):
        CAL.is_working_day(date(1900, 1, 1))
    with pytest.raises(ValueError, match="outside"):
        CAL.working_days_between(date(2100, 12, 1), date(2101, 1, 31))
    with pytest.raises(TypeError):
        CAL.is_working_day("2026-01-05")


def test_datetime_is_treated_as_its_date() -> None:
    assert not CAL.is_working_day(datetime(2026, 1, 2, 9, 30))
    assert CAL.working_days_between(datetime(2026, 1, 5, 23, 0), date(2026, 1, 6)) == 1


def test_between_is_zero_for_empty_or_reversed_ranges() -> None:
    assert CAL.working_days_between(date(2026, 1, 6), date(2026, 1, 6)) == 0
    assert CAL.working_days_between(date(2026, 1, 9), date(2026, 1, 5)) == 0


# --- office closures --------------------------------------------------------------------------

def test_closures_apply_to_their_office_and_all() -> None:
    closures = {
        "all": [date(2027, 1, 4)],
        "จังหวัดเชียงใหม่": {date(2026, 11, 23): "ย้ายที่ทำการ"},
        "ลำปาง": [date(2026, 11, 24)],
    }
    cm = WorkCalendar(closures, province="เชียงใหม่")
    other = WorkCalendar(closures, province="ตาก")
    nowhere = WorkCalendar(closures)
    assert not cm.is_working_day(date(2026, 11, 23))
    assert cm.is_working_day(date(2026, 11, 24))
    assert other.is_working_day(date(2026, 11, 23))
    assert not other.is_working_day(date(2027, 1, 4))
    assert not nowhere.is_working_day(date(2027, 1, 4))
    assert nowhere.is_working_day(date(2026, 11, 23))
    assert cm.holidays_in(2026)[date(2026, 11, 23)] == "ย้ายที่ทำการ"
    assert cm.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 4


def test_closure_on_a_holiday_keeps_both_names() -> None:
    cal = WorkCalendar({"all": {date(2026, 5, 13): "ปิดซ่อมระบบ"}})
    assert cal.holidays_in(2026)[date(2026, 5, 13)] == "วันพืชมงคล; ปิดซ่อมระบบ"


def test_normalize_province() -> None:
    assert normalize_province(" จังหวัดเชียงใหม่ ") == "เชียงใหม่"
    assert normalize_province("จ.ตาก") == "ตาก"
    assert normalize_province("all") == "all"


def test_shipped_closures_file_has_only_examples() -> None:
    loaded = load_closures(ROOT / "knowledge" / "office_closures.yaml")
    assert "all" in loaded
    assert all(not days for days in loaded.values()), "example entries must not be loaded"


def test_load_closures(tmp_path: Path) -> None:
    path = tmp_path / "closures.yaml"
    path.write_text(
        "closures:\n"
        "  all:\n"
        "    - {date: 2027-01-04, reason: วันหยุดพิเศษ}\n"
        "  จังหวัดตาก:\n"
        "    - {date: '2026-11-23', reason: ย้ายสำนักงาน}\n"
        "    - {date: 2026-11-24, reason: ตัวอย่าง, example: true}\n",
        encoding="utf-8",
    )
    loaded = load_closures(path)
    assert loaded == {
        "all": {date(2027, 1, 4): "วันหยุดพิเศษ"},
        "ตาก": {date(2026, 11, 23): "ย้ายสำนักงาน"},
    }
    cal = WorkCalendar(loaded, province="ตาก")
    assert not cal.is_working_day(date(2026, 11, 23))
    assert cal.is_working_day(date(2026, 11, 24))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("closures:\n  all:\n    - {date: 2027-01-04}\n", "reason"),
        ("closures:\n  all:\n    - {date: 2027-13-04, reason: x}\n", "bad date"),
        ("closures:\n  all:\n    - {date: 2027-01-04, reason: x}\n    - {date: 2027-01-04, reason: y}\n",
         "duplicate"),
        ("closures:\n  ตาก: []\n  จังหวัดตาก: []\n", "twice"),
        ("closures: [1, 2]\n", "map office"),
        ("- 1\n", "mapping"),
    ],
)
def test_load_closures_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "closures.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ClosureConfigError, match=message):
        load_closures(path)


# --- thread-safe cache ------------------------------------------------------------------------

def test_cache_is_built_once_per_year_under_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workdays, "_year_cache", {})
    builds: list[int] = []
    real_build = workdays._build_year

    def counting_build(year: int):
        builds.append(year)
        return real_build(year)

    monkeypatch.setattr(workdays, "_build_year", counting_build)
    barrier = threading.Barrier(8)
    results: list[int] = []

    def work() -> None:
        barrier.wait()
        results.append(CAL.working_days_between(date(2020, 1, 1), date(2029, 12, 31)))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 8
    assert sorted(builds) == list(range(2020, 2030))


# --- invariants -------------------------------------------------------------------------------

@settings(deadline=None)
@given(dates, counts)
def test_add_lands_on_a_working_day_and_round_trips(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert end > start
        assert CAL.is_working_day(end)
        # the day before the result is still short of n working days
        assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


@settings(deadline=None)
@given(dates, counts, counts)
def test_add_is_monotonic_in_n(start: date, a: int, b: int) -> None:
    assume(a != b)
    lo, hi = sorted((a, b))
    assert CAL.add_working_days(start, lo) < CAL.add_working_days(start, hi)


@settings(deadline=None)
@given(dates, st.integers(min_value=0, max_value=60), counts)
def test_add_is_monotonic_in_start(start: date, shift: int, n: int) -> None:
    later = start + timedelta(days=shift)
    assert CAL.add_working_days(start, n) <= CAL.add_working_days(later, n)


@settings(deadline=None)
@given(dates, st.integers(min_value=0, max_value=400))
def test_between_matches_day_by_day_count(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    expected = sum(
        1 for i in range(1, span + 1) if CAL.is_working_day(start + timedelta(days=i))
    )
    assert CAL.working_days_between(start, end) == expected


@settings(deadline=None)
@given(dates, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_between_is_additive(a: date, x: int, y: int) -> None:
    b = a + timedelta(days=x)
    c = b + timedelta(days=y)
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == (
        CAL.working_days_between(a, c)
    )


@settings(deadline=None)
@given(dates)
def test_weekends_and_holidays_never_count(day: date) -> None:
    off = day.weekday() >= 5 or day in CAL.holidays_in(day.year)
    assert CAL.is_working_day(day) is not off
    assert CAL.working_days_between(day - timedelta(days=1), day) == (0 if off else 1)


@settings(deadline=None)
@given(st.integers(min_value=2001, max_value=2095))
def test_holidays_in_never_contains_labour_day(year: int) -> None:
    names = CAL.holidays_in(year).values()
    assert not any("แรงงาน" in name for name in names)


@settings(deadline=None)
@given(dates, st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=40))
def test_a_closure_removes_exactly_one_working_day(day: date, before: int, after: int) -> None:
    assume(CAL.is_working_day(day))
    closed = WorkCalendar({"ตาก": [day]}, province="ตาก")
    start, end = day - timedelta(days=before), day + timedelta(days=after)
    assert not closed.is_working_day(day)
    assert closed.working_days_between(start, end) == CAL.working_days_between(start, end) - 1
