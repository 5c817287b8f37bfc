"""Thai government working days for a provincial industry office (สอจ.).

A working day is Monday–Friday that is not

* a Thai public holiday or government-only holiday from the ``holidays``
  package (``holidays.TH(categories=(PUBLIC, GOVERNMENT))``: official
  holidays, substitution days, cabinet bridge days, Royal Ploughing Day),
  except National Labour Day (1 May and its in-lieu day), which is a
  private/financial-sector holiday only;
* an extra closure day of the office (late cabinet-announced holidays under
  the ``all`` key, office-specific closures under the province name), see
  ``knowledge/office_closures.yaml`` and :func:`load_closures`.

Counting convention: :meth:`WorkCalendar.working_days_between` counts the
working days in the half-open interval ``(start, end]`` and
:meth:`WorkCalendar.add_working_days` returns the n-th working day *after*
``start``, so ``working_days_between(s, add_working_days(s, n)) == n``.

Only years the ``holidays`` package covers for Thailand are accepted; outside
that range it silently returns no holidays, so we raise instead.
"""
from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import holidays
import yaml
from holidays import GOVERNMENT, PUBLIC

__all__ = [
    "ALL_OFFICES",
    "ClosureConfigError",
    "WorkCalendar",
    "load_closures",
    "normalize_province",
]

#: Key of the closure list that applies to every office.
ALL_OFFICES = "all"

# Name used by holidays 0.109 (language en_US) for 1 May and its in-lieu day:
# "National Labor Day" / "National Labor Day (in lieu)".
_LABOUR_DAY_EN = "National Labor Day"
_NAME_DELIMITER = "; "
_FIRST_YEAR = holidays.TH.start_year
_LAST_YEAR = holidays.TH.end_year

_cache_lock = threading.Lock()
# year -> read-only {date: Thai name}; entries are only ever added, under the lock.
_year_cache: dict[int, Mapping[date, str]] = {}


class ClosureConfigError(ValueError):
    """``office_closures.yaml`` is malformed."""


def normalize_province(name: str) -> str:
    """Canonical office key: NFC, trimmed, without a leading ``จังหวัด``/``จ.``."""
    key = unicodedata.normalize("NFC", name).strip()
    for prefix in ("จังหวัด", "จ."):
        if key.startswith(prefix):
            key = key[len(prefix):].strip()
    return key


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected datetime.date, got {type(value).__name__}")
    return value


def _check_year(year: int) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError(
            f"year {year} is outside the Thai holiday data ({_FIRST_YEAR}–{_LAST_YEAR})"
        )


def _build_year(year: int) -> Mapping[date, str]:
    """Public + government holidays of ``year`` without Labour Day, Thai names."""
    kwargs = {"years": year, "categories": (PUBLIC, GOVERNMENT)}
    # Pin the language: by default holidays picks it from the process locale,
    # which would make the name-based Labour Day filter depend on LANG.
    english = holidays.TH(language="en_US", **kwargs)
    thai = holidays.TH(language="th", **kwargs)
    result: dict[date, str] = {}
    for day, names_en in english.items():
        kept = [
            i
            for i, name in enumerate(names_en.split(_NAME_DELIMITER))
            if not name.startswith(_LABOUR_DAY_EN)
        ]
        if not kept:
            continue
        names_th = thai[day].split(_NAME_DELIMITER)
        if len(names_th) == len(names_en.split(_NAME_DELIMITER)):
            result[day] = _NAME_DELIMITER.join(names_th[i] for i in kept)
        else:  # translations merged differently; fall back to English
            result[day] = _NAME_DELIMITER.join(names_en.split(_NAME_DELIMITER)[i] for i in kept)
    return MappingProxyType(dict(sorted(result.items())))


def _official_holidays(year: int) -> Mapping[date, str]:
    """Cached, read-only holiday map for ``year`` (thread-safe)."""
    cached = _year_cache.get(year)
    if cached is not None:
        return cached
    _check_year(year)
    with _cache_lock:
        cached = _year_cache.get(year)
        if cached is None:
            cached = _build_year(year)
            _year_cache[year] = cached
    return cached


class WorkCalendar:
    """Working-day arithmetic for one office (or for all offices when ``province`` is None).

    ``closures`` maps a province name (or :data:`ALL_OFFICES`) to closure
    dates. A value may also be a mapping ``date -> reason`` (as returned by
    :func:`load_closures`); reasons then show up in :meth:`holidays_in`.
    Closures listed under ``all`` apply to every office; those under the
    calendar's ``province`` apply only to it.
    """

    def __init__(
        self,
        closures: Mapping[str, Iterable[date]] | None = None,
        province: str | None = None,
    ) -> None:
        self.province = normalize_province(province) if province else None
        reasons: dict[date, str] = {}
        for office, days in (closures or {}).items():
            office_key = normalize_province(office)
            if office_key not in (ALL_OFFICES, self.province):
                continue
            for raw in days:
                day = _as_date(raw)
                _check_year(day.year)
                reason = str(days[raw]) if isinstance(days, Mapping) else ""
                old = reasons.get(day)
                reasons[day] = _NAME_DELIMITER.join(r for r in (old, reason) if r) if old else reason
        self._closures: Mapping[date, str] = dict(sorted(reasons.items()))
        self._closure_days = frozenset(self._closures)

    def __repr__(self) -> str:
        return f"WorkCalendar(province={self.province!r}, closures={len(self._closures)})"

    @property
    def closures(self) -> Mapping[date, str]:
        """Extra closure days of this office (``date -> reason``)."""
        return dict(self._closures)

    def is_working_day(self, d: date) -> bool:
        """True when the office is open on ``d``."""
        d = _as_date(d)
        if d.weekday() >= 5:
            _check_year(d.year)
            return False
        return d not in _official_holidays(d.year) and d not in self._closure_days

    def holidays_in(self, year: int) -> dict[date, str]:
        """All days off of ``year`` except plain weekends: official holidays
        (Thai names, Labour Day removed) and this office's closures, sorted by date.
        Holidays falling on a weekend are included (with their substitution days)."""
        merged = dict(_official_holidays(year))
        for day, reason in self._closures.items():
            if day.year == year:
                label = reason or "ปิดทำการ"
                merged[day] = f"{merged[day]}{_NAME_DELIMITER}{label}" if day in merged else label
        return dict(sorted(merged.items()))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``n == 0`` returns ``start``)."""
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next working day."""
        d = _as_date(d)
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in ``(start, end]``; 0 when ``end <= start``."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        _check_year(start.year)
        _check_year(end.year)
        count = _weekdays_between(start, end)
        off = set(self._closure_days)
        for year in range(start.year, end.year + 1):
            off.update(_official_holidays(year))
        count -= sum(1 for d in off if start < d <= end and d.weekday() < 5)
        return count


def _weekdays_between(start: date, end: date) -> int:
    """Monday–Friday count in ``(start, end]`` for ``start < end``."""
    days = (end - start).days
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    first = start.weekday()
    for i in range(1, extra + 1):
        if (first + i) % 7 < 5:
            count += 1
    return count


def load_closures(path: str | Path) -> dict[str, dict[date, str]]:
    """Read ``office_closures.yaml`` → ``{office: {date: reason}}``.

    Entries marked ``example: true`` document the format and are skipped.
    Office names are normalised with :func:`normalize_province`.
    """
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh) or {}
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: impossible dates
            raise ClosureConfigError(f"{path}: bad date or YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise ClosureConfigError(f"{path}: top level must be a mapping")
    offices = data.get("closures") or {}
    if not isinstance(offices, Mapping):
        raise ClosureConfigError(f"{path}: 'closures' must map office names to lists")
    result: dict[str, dict[date, str]] = {}
    for office, entries in offices.items():
        if not isinstance(office, str) or not office.strip():
            raise ClosureConfigError(f"{path}: office name must be a non-empty string: {office!r}")
        days: dict[date, str] = {}
        for i, entry in enumerate(entries or []):
            where = f"{path}: closures[{office!r}][{i}]"
            if not isinstance(entry, Mapping) or "date" not in entry:
                raise ClosureConfigError(f"{where}: expected a mapping with 'date' and 'reason'")
            if entry.get("example"):
                continue
            day = entry["date"]
            if isinstance(day, str):
                try:
                    day = date.fromisoformat(day)
                except ValueError as exc:
                    raise ClosureConfigError(f"{where}: bad date {day!r}") from exc
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ClosureConfigError(f"{where}: 'date' must be YYYY-MM-DD")
            reason = entry.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                raise ClosureConfigError(f"{where}: 'reason' is required")
            if day in days:
                raise ClosureConfigError(f"{where}: duplicate date {day.isoformat()}")
            days[day] = reason.strip()
        key = normalize_province(office)
        if key in result:
            raise ClosureConfigError(f"{path}: office {key!r} listed twice")
        result[key] = days
    return result
