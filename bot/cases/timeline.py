"""Where an application stands: stage, progress bar, working-day clock, due date.

Pure computation over the stage table of :mod:`bot.cases.stages`.

Clock rules (all counts are Thai government working days, see :mod:`bot.cases.workdays`):

* The clock starts on the submission date: the first counted day is the first
  working day *after* ``submitted_on``.
* The history is a list of ``(stage_key, entered_on)`` in the order the
  stages were entered. Each working day ``d`` in ``(entered_on, next
  entered_on]`` belongs to the stage entered on ``entered_on``; the day a stage
  is left still belongs to it. Days between the submission and the first
  history entry belong to the start stage (``submitted``).
* Days belonging to a stage with ``pauses_clock`` (waiting for the applicant)
  are *paused days*; all other days up to ``today`` are *used days*.
* ``remaining_days = max(0, total - used_days)``.
* Due date rule: ``due_on = add_working_days(submitted_on, total + paused_days)``,
  i.e. the submission date plus the budget plus every paused working day so
  far. Until it is overdue, exactly ``remaining_days`` working days lie in
  ``(today, due_on]`` (so ``due_on`` is "today plus the remaining working
  days"); while the clock is paused, ``due_on`` moves one working day later for
  every paused working day; once overdue it stays in the past.
* ``overdue`` when ``used_days > total``; ``overdue_days = used_days - total``.
  Being on the due date itself is not overdue.
* Terminal stage (certificate issued, rejected, returned, withdrawn): the clock
  stops on the day it was entered (``finished_on``); ``remaining_days`` is 0,
  ``due_on`` is None and the application is neither paused nor overdue.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from bot.cases.stages import Stage, StageBook
from bot.cases.workdays import WorkCalendar

__all__ = ["ApplicantAction", "ProgressStatus", "ProgressStep", "Timeline", "compute_timeline"]

class ProgressStatus(StrEnum):
    """State of one step of the progress bar."""

    DONE = "done"
    CURRENT = "current"
    TODO = "todo"


@dataclass(frozen=True, slots=True)
class ProgressStep:
    """One main-path stage on the progress bar."""

    step: int
    key: str
    label_th: str
    label_en: str
    status: ProgressStatus


class ApplicantAction(NamedTuple):
    """What the producer has to do now, in Thai and English."""

    th: str
    en: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """Computed state of one application on ``today``; see the module docstring for the rules."""

    current: Stage
    stage_entered_on: date
    submitted_on: date
    today: date
    steps: tuple[ProgressStep, ...]
    total_days: int
    used_days: int
    paused_days: int
    remaining_days: int
    due_on: date | None
    overdue: bool
    overdue_days: int
    paused: bool
    finished_on: date | None
    applicant_action: ApplicantAction | None

    @property
    def finished(self) -> bool:
        """True once a terminal stage has been reached."""
        return self.finished_on is not None


def _plain_date(value: Any, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date, got {type(value).__name__}")
    return value


def _checked_history(
    book: StageBook, submitted_on: date, history: Sequence[tuple[str, date]], today: date
) -> list[tuple[Stage, date]]:
    entries: list[tuple[Stage, date]] = [(book.start, submitted_on)]
    previous = submitted_on
    for i, item in enumerate(history):
        try:
            key, entered_on = item
        except (TypeError, ValueError):
            raise ValueError(f"history[{i}] must be a (stage_key, date) pair") from None
        if key not in book:
            raise ValueError(f"history[{i}]: unknown stage {key!r}")
        entered_on = _plain_date(entered_on, f"history[{i}] date")
        if entered_on < previous:
            raise ValueError(
                f"history[{i}] ({key} on {entered_on}) is earlier than the previous entry or the "
                f"submission date ({previous})"
            )
        if entered_on > today:
            raise ValueError(f"history[{i}] ({key} on {entered_on}) is after today ({today})")
        previous = entered_on
        entries.append((book[key], entered_on))
    return entries


def _progress(book: StageBook, entries: list[tuple[Stage, date]]) -> tuple[ProgressStep, ...]:
    current = entries[-1][0]
    anchor = next(stage for stage, _ in reversed(entries) if stage.on_main_path)
    result = []
    for stage in book.main_path:
        step = stage.progress_step or 0
        anchor_step = anchor.progress_step or 0
        if step < anchor_step or (step == anchor_step and current.terminal):
            status = ProgressStatus.DONE
        elif step == anchor_step:
            status = ProgressStatus.CURRENT
        else:
            status = ProgressStatus.TODO
        result.append(ProgressStep(step, stage.key, stage.label_th, stage.label_en, status))
    return tuple(result)


def compute_timeline(
    book: StageBook,
    submitted_on: date,
    history: Sequence[tuple[str, date]],
    calendar: WorkCalendar,
    today: date,
) -> Timeline:
    """Compute the :class:`Timeline` of an application on ``today``.

    ``history`` lists ``(stage_key, entered_on)`` oldest first; it may be empty
    (the application is then in the start stage) and may or may not begin with
    the start stage. Raises ``ValueError`` for unknown stages, entries out of
    order, before the submission date or after ``today``.
    """
    submitted_on = _plain_date(submitted_on, "submitted_on")
    today = _plain_date(today, "today")
    if today < submitted_on:
        raise ValueError(f"today ({today}) is before the submission date ({submitted_on})")
    entries = _checked_history(book, submitted_on, history, today)
    current, entered_on = entries[-1]
    end = entered_on if current.terminal else today

    used = paused = 0
    for i, (stage, start) in enumerate(entries):
        stop = entries[i + 1][1] if i + 1 < len(entries) else end
        days = calendar.working_days_between(start, stop)
        if stage.pauses_clock:
            paused += days
        else:
            used += days

    total = book.total_working_days
    action = None
    if current.applicant_action_th or current.applicant_action_en:
        action = ApplicantAction(current.applicant_action_th, current.applicant_action_en)
    if current.terminal:
        remaining, due_on, overdue_days, finished_on = 0, None, 0, entered_on
    else:
        remaining = max(0, total - used)
        due_on = calendar.add_working_days(submitted_on, total + paused)
        overdue_days = max(0, used - total)
        finished_on = None
    return Timeline(
        current=current,
        stage_entered_on=entered_on,
        submitted_on=submitted_on,
        today=today,
        steps=_progress(book, entries),
        total_days=total,
        used_days=used,
        paused_days=paused,
        remaining_days=remaining,
        due_on=due_on,
        overdue=overdue_days > 0,
        overdue_days=overdue_days,
        paused=current.pauses_clock and not current.terminal,
        finished_on=finished_on,
        applicant_action=action,
    )
