"""What a stage change pushes to the linked LINE users: a line saying what changed (with the officer's public
note), then the status card; for several stages recorded at once, ONE summary of them all. Installed by
`create_app` with ``bot.cases.applications.init_app``."""
from __future__ import annotations

from collections.abc import Sequence

from bot.cases.applications import calendar_for, stage_book
from bot.cases.stages import Stage
from bot.cases.status_card import NOTE_CHARS, card_message, format_date
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.models import Application, ApplicationEvent


def _label_of(stage: Stage, lang: str) -> str:
    return stage.label_en if lang == "en" else stage.label_th


def stage_change_messages(application: Application, event: ApplicationEvent, lang: str) -> list[m.Message]:
    """The push for a stage change: a line saying what changed (with its public note), then the card.

    Only the note written for this change is shown, in the line and on the card: an older note (of an
    earlier change) would read as news, so the pushed card shows none when this change has no public note.
    Installed by `create_app` with ``bot.cases.applications.init_app``.
    """
    book = stage_book()
    values = {"number": application.number, "product": m.clip(application.product, 60),
              "after": _label_of(book[event.to_stage], lang)}
    if event.from_stage:
        line = phrase("status_push_changed", lang, before=_label_of(book[event.from_stage], lang), **values)
    else:
        line = phrase("status_push_new", lang, **values)
    own = event if event.note_public and event.note.strip() else None
    if own is not None:
        line += "\n" + phrase("status_push_note", lang, note=m.clip(own.note.strip(), NOTE_CHARS))
    return [m.text(line), card_message([application], lang, note=own)]


def stages_change_messages(application: Application, events: Sequence[ApplicationEvent],
                           lang: str) -> list[m.Message]:
    """The ONE push for several stages recorded at once: each stage with its date
    (``ตรวจสอบเอกสาร (3 ธ.ค. 2569) → นัดหมายตรวจสถานที่ผลิต (5 ธ.ค. 2569)``), the current stage's due date,
    the public notes of these changes, then the card (with the last of those notes)."""
    book = stage_book()
    steps = " → ".join(f"{_label_of(book[e.to_stage], lang)} ({format_date(e.entered_on, lang)})" for e in events)
    lines = [phrase("status_push_steps", lang, number=application.number, product=m.clip(application.product, 60),
                    count=len(events)), steps]
    current = book[application.stage]
    if current.budget_days and not current.pauses_clock and not current.terminal:
        due = calendar_for(application.province).add_working_days(application.stage_entered_on, current.budget_days)
        lines.append(phrase("status_push_stage_due", lang, date=format_date(due, lang)))
    notes = [e for e in events if e.note_public and e.note.strip()]
    lines += [phrase("status_push_note", lang, note=m.clip(e.note.strip(), NOTE_CHARS)) for e in notes]
    return [m.text("\n".join(lines)), card_message([application], lang, note=notes[-1] if notes else None)]
