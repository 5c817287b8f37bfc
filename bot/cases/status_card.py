"""The application status card (LINE Flex): shown in the status chat and pushed on every stage change.

One bubble per application: stage, a progress bar of the main-path stages, dates in the Buddhist era,
working days used and remaining, overdue and paused notices, what the producer must do now and the
latest public officer note. Several applications make a carousel of short bubbles (each opens the full
card), kept below LINE's 50 KB carousel limit. No personal data appears on the card.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import object_session

from bot.cases.applications import in_thailand, stage_book, timeline_of, today_in_thailand
from bot.cases.thaidate import format_thai_date, format_thai_date_en
from bot.cases.timeline import ProgressStatus, ProgressStep, Timeline
from bot.knowledge.catalogue import standard_label as standard_label_of
from bot.knowledge.replies import phrase
from bot.line import flex
from bot.line import messages as m
from bot.models import Application, ApplicationEvent

MAX_BUBBLES = 12
MAX_CAROUSEL_BYTES = 48_000  # LINE allows 50 KB; measured with Thai escaped as \uXXXX (the worst case)
PRODUCT_CHARS = 120
SUMMARY_PRODUCT_CHARS = 60
NOTE_CHARS = 400

COLOR = {"running": "#0B6E4F", "paused": "#B26A00", "overdue": "#C62828", "done": "#2E7D32",
         "closed": "#616161"}
GREY, LIGHT, TEXT = "#8C8C8C", "#DDDDDD", "#333333"
MARK = {ProgressStatus.DONE: "✓", ProgressStatus.CURRENT: "●", ProgressStatus.TODO: "○"}


def format_date(day: date, lang: str) -> str:
    """``24 พ.ย. 2569`` in Thai (Buddhist era), ``24 Nov 2026`` in English."""
    return format_thai_date_en(day) if lang == "en" else format_thai_date(day)


def format_unlock_time(moment: datetime, lang: str, today: date | None = None) -> str:
    """A naive-UTC moment as Thailand time (``14:35 น.``), with the date when it is not today."""
    local = in_thailand(moment)
    time = local.strftime("%H:%M")
    if local.date() == (today or today_in_thailand()):
        return phrase("status_unlock_time", lang, time=time)
    return phrase("status_unlock_time_other_day", lang, date=format_date(local.date(), lang), time=time)


# ---- what the card says ---------------------------------------------------------------------------------
def standard_label(application: Application) -> str | None:
    """Code and name of the application's standard, from the catalogue."""
    number = application.standard_number
    session = object_session(application)
    if number is None:
        return None
    return standard_label_of(session, number) if session is not None else f"มผช. {number}"


def latest_public_note(application: Application) -> ApplicationEvent | None:
    """The newest history entry whose note the officer made public."""
    return next((e for e in reversed(application.events) if e.note_public and e.note.strip()), None)


def _timeline(application: Application, today: date | None) -> Timeline:
    """The timeline on ``today`` (default: today in Thailand), never before the last recorded stage change
    (an officer may record a change dated tomorrow)."""
    last_change = max((e.entered_on for e in application.events), default=application.submitted_on)
    return timeline_of(application, max(today or today_in_thailand(), last_change))


def _mood(timeline: Timeline) -> str:
    if timeline.finished:
        return "done" if timeline.current.key == "cert_issued" else "closed"
    if timeline.overdue:
        return "overdue"
    return "paused" if timeline.paused else "running"


def _label(stage: Any, lang: str) -> str:
    return stage.label_en if lang == "en" else stage.label_th


# ---- Flex pieces ---------------------------------------------------------------------------------------
def _text(body: str, **style: Any) -> flex.Component:
    return flex.text(body, **{"size": "sm", "color": TEXT, **style})


def _row(label: str, value: str) -> flex.Component:
    return flex.row(label, value, label_flex=3, value_flex=7, label_color=GREY, color=TEXT)


def _notice(body: str, color: str) -> dict[str, Any]:
    return {"type": "box", "layout": "vertical", "paddingAll": "10px", "cornerRadius": "8px",
            "backgroundColor": color + "1A", "contents": [_text(body, color=color)]}


def _bar(timeline: Timeline, color: str) -> dict[str, Any]:
    fill = {ProgressStatus.DONE: COLOR["done"], ProgressStatus.CURRENT: color, ProgressStatus.TODO: LIGHT}
    return {"type": "box", "layout": "horizontal", "spacing": "xs", "contents": [
        {"type": "box", "layout": "vertical", "flex": 1, "height": "6px", "cornerRadius": "3px",
         "backgroundColor": fill[step.status], "contents": []} for step in timeline.steps]}


def _anchor(timeline: Timeline) -> ProgressStep | None:
    """The progress step the application is at (the current one, else the last one done)."""
    done = [s for s in timeline.steps if s.status is ProgressStatus.DONE]
    current = [s for s in timeline.steps if s.status is ProgressStatus.CURRENT]
    reached = current or done
    return reached[-1] if reached else None


def _gauge(timeline: Timeline, color: str) -> dict[str, Any]:
    """A one-piece progress bar (for the carousel, where every byte counts)."""
    anchor = _anchor(timeline)
    reached = 100 if timeline.finished else round(100 * (anchor.step if anchor else 0) / len(timeline.steps))
    return {"type": "box", "layout": "vertical", "height": "6px", "cornerRadius": "3px", "backgroundColor": LIGHT,
            "contents": [{"type": "box", "layout": "vertical", "width": f"{reached}%", "height": "6px",
                          "cornerRadius": "3px", "backgroundColor": color, "contents": []}]}


def _step_list(timeline: Timeline, lang: str, color: str) -> dict[str, Any]:
    shade = {ProgressStatus.DONE: COLOR["done"], ProgressStatus.CURRENT: color, ProgressStatus.TODO: GREY}
    anchor = _anchor(timeline)
    rows: list[dict[str, Any]] = []
    for step in timeline.steps:
        current = step.status is ProgressStatus.CURRENT
        label = step.label_en if lang == "en" else step.label_th
        mark = {"type": "text", "text": MARK[step.status], "flex": 0, "size": "sm", "color": shade[step.status]}
        name = _text(label, color=TEXT if current else shade[step.status])
        if current:
            name["weight"] = "bold"
        rows.append({"type": "box", "layout": "baseline", "spacing": "sm", "contents": [mark, name]})
        if step is anchor and not timeline.current.on_main_path:  # e.g. waiting for documents, rejected
            rows.append(_text(f"↳ {_label(timeline.current, lang)}", color=color, offsetStart="18px"))
    return {"type": "box", "layout": "vertical", "spacing": "xs", "contents": rows}


def _days(timeline: Timeline, lang: str) -> str:
    if timeline.finished:
        return phrase("status_card_days_finished", lang, used=timeline.used_days, total=timeline.total_days)
    return phrase("status_card_days_value", lang, used=timeline.used_days, remaining=timeline.remaining_days,
                  total=timeline.total_days)


def _date_row(timeline: Timeline, lang: str) -> list[dict[str, Any]]:
    if timeline.finished_on is not None:
        return [_row(phrase("status_card_finished", lang), format_date(timeline.finished_on, lang))]
    if timeline.due_on is not None:
        return [_row(phrase("status_card_expected", lang), format_date(timeline.due_on, lang))]
    return []


def _frame(application: Application, timeline: Timeline, lang: str, body: list[dict[str, Any]],
           footer: list[dict[str, Any]], short: bool = False) -> dict[str, Any]:
    """Header (number and stage in the state's colour), the progress bar, then ``body``."""
    color = COLOR[_mood(timeline)]
    anchor = _anchor(timeline)
    progress: list[dict[str, Any]] = [_gauge(timeline, color) if short else _bar(timeline, color)]
    if anchor is not None:
        progress.append(_text(phrase("status_card_step", lang, step=anchor.step, steps=len(timeline.steps)),
                              size="xs", color=GREY))
    return {
        "type": "bubble", "size": "mega",
        "header": {"type": "box", "layout": "vertical", "spacing": "xs", "paddingAll": "16px",
                   "backgroundColor": color, "contents": [
                       _text(phrase("status_card_title", lang, number=application.number), color="#FFFFFF"),
                       _text(_label(timeline.current, lang), color="#FFFFFF", weight="bold", size="lg")]},
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": progress + body},
        "footer": {"type": "box", "layout": "vertical", "contents": footer},
    }


LATEST = "latest"  # `bubble`'s default note: the newest public note of the application's history


def bubble(application: Application, lang: str = "th", today: date | None = None,
           note: ApplicationEvent | None | str = LATEST) -> dict[str, Any]:
    """The full status bubble of one application; ``note``: the history entry whose public note the card
    shows (a stage-change push passes its own event, or None), by default the latest public one."""
    timeline = _timeline(application, today)
    color = COLOR[_mood(timeline)]
    office = phrase("status_card_office_name", lang, province=application.province)
    days = _days(timeline, lang)
    if timeline.paused_days:
        days += "\n" + phrase("status_card_days_paused", lang, paused=timeline.paused_days)
    rows = [
        _row(phrase("status_card_product", lang), m.clip(application.product, PRODUCT_CHARS)),
        _row(phrase("status_card_standard", lang),
             standard_label(application) or phrase("status_card_no_standard", lang)),
        _row(phrase("status_card_office", lang), office),
        _row(phrase("status_card_submitted", lang), format_date(application.submitted_on, lang)),
        *_date_row(timeline, lang),
        _row(phrase("status_card_days", lang), days),
    ]
    body = [_step_list(timeline, lang, color), {"type": "separator"},
            {"type": "box", "layout": "vertical", "spacing": "sm", "contents": rows}]
    if timeline.overdue:
        body.append(_notice(phrase("status_card_overdue", lang, days=timeline.overdue_days, office=office),
                            COLOR["overdue"]))
    if timeline.paused:
        body.append(_notice(phrase("status_card_paused", lang), COLOR["paused"]))
    action = timeline.applicant_action
    todo = (action.en if lang == "en" else action.th) if action else ""
    if todo or not timeline.finished:
        body.append({"type": "box", "layout": "vertical", "spacing": "xs", "contents": [
            _text(phrase("status_card_todo_title", lang), weight="bold", color=color),
            _text(todo or phrase("status_card_nothing_to_do", lang))]})
    if not isinstance(note, ApplicationEvent):
        note = latest_public_note(application) if note == LATEST else None
    if note is not None and note.note_public and note.note.strip():
        body.append({"type": "box", "layout": "vertical", "spacing": "xs", "contents": [
            _text(phrase("status_card_note", lang, date=format_date(note.entered_on, lang)), weight="bold",
                  color=GREY),
            _text(m.clip(note.note.strip(), NOTE_CHARS))]})
    footer = _text(phrase("status_card_footer_finished" if timeline.finished else "status_card_footer", lang,
                          date=format_date(timeline.today, lang)), size="xxs", color=GREY)
    return _frame(application, timeline, lang, body, [footer])


def summary_bubble(application: Application, lang: str = "th", today: date | None = None) -> dict[str, Any]:
    """A short bubble for the carousel, with a button that opens the full card."""
    timeline = _timeline(application, today)
    rows = [_row(phrase("status_card_product", lang), m.clip(application.product, SUMMARY_PRODUCT_CHARS)),
            _row(phrase("status_card_office", lang),
                 phrase("status_card_office_name", lang, province=application.province)),
            *_date_row(timeline, lang),
            _row(phrase("status_card_days", lang), _days(timeline, lang))]
    body: list[dict[str, Any]] = [{"type": "box", "layout": "vertical", "spacing": "sm", "contents": rows}]
    if timeline.overdue:
        body.append(_notice(phrase("status_card_short_overdue", lang, days=timeline.overdue_days), COLOR["overdue"]))
    elif timeline.paused or (timeline.applicant_action and not timeline.finished):
        body.append(_notice(phrase("status_card_short_todo", lang), COLOR["paused"]))
    label = phrase("status_button_details", lang)
    button = {"type": "button", "style": "link", "height": "sm",
              "action": m.postback(label, show_data(application.number), application.number)}
    return _frame(application, timeline, lang, body, [button], short=True)


def show_data(number: str) -> str:
    """Postback data of the button that shows one application's full card."""
    return urlencode({"action": "status_show", "n": number})


def alt_text(application: Application, lang: str = "th") -> str:
    """``สถานะคำขอ 67/0012: ตรวจสอบเอกสาร`` (what notifications and the chat list show)."""
    stage = stage_book()[application.stage]
    return phrase("status_card_alt", lang, number=application.number, stage=_label(stage, lang))


def _size(container: dict[str, Any]) -> int:
    """Bytes of ``container`` as JSON with non-ASCII escaped (the largest way it can be sent)."""
    return len(json.dumps(container, separators=(",", ":")))


def card_message(applications: list[Application], lang: str = "th", today: date | None = None,
                 quick_replies: list[m.Action] | None = None,
                 note: ApplicationEvent | None | str = LATEST) -> m.Message:
    """One Flex message: the full bubble for one application (``note`` as in `bubble`), a carousel of
    summaries for several (at most 12, and never over LINE's 50 KB carousel limit)."""
    if len(applications) == 1:
        return m.flex(alt_text(applications[0], lang), bubble(applications[0], lang, today, note), quick_replies)
    bubbles: list[dict[str, Any]] = []
    for application in applications[:MAX_BUBBLES]:
        candidate = summary_bubble(application, lang, today)
        if _size(m.carousel(bubbles + [candidate])) > MAX_CAROUSEL_BYTES:
            break
        bubbles.append(candidate)
    shown = applications[:len(bubbles)]
    items = " · ".join(f"{a.number} {_label(stage_book()[a.stage], lang)}" for a in shown)
    return m.flex(phrase("status_card_alt_many", lang, count=len(shown), items=items), m.carousel(bubbles),
                  quick_replies)
