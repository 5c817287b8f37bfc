"""Talk to an officer: the user's question goes to the officers' queue (bot/office/questions.py) only after the
user has seen exactly what will be sent, and to which office, and tapped "ส่งคำถามนี้".

Flow ``officer`` (the state table `STEPS`, like python-telegram-bot's ConversationHandler states):

* ``question`` — waiting for the question; greetings, thanks, laughter, off-topic and too-short text are
  asked again, never queued.
* ``province`` — a user without a linked application whose question names no province: which province?
  (typed, Thai or English, typos forgiven; "ไม่ระบุ" / "skip" → the central officers).
* ``confirm`` — the draft (`bot.handlers.officer_draft.Draft`, in the state's data) is shown with
  "ส่งคำถามนี้" / "แก้ไข/พิมพ์ใหม่" / "ยกเลิก"; a newly typed question replaces it and is shown again.

Postbacks ``action=officer`` (menu: ask, or show the recent unanswered question), ``…&q=<id>`` (show this
offered question), ``…&decline=<id>``, ``…&do=send&d=<digest>|edit|cancel|skip|province``.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.cases.applications import calendar_for, today_in_thailand
from bot.cases.thaidate import format_thai_date_en, format_thai_date_long
from bot.directory.recognise import find_province
from bot.handlers import greeting
from bot.handlers import officer_draft as drafts
from bot.handlers.officer_draft import Draft
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.models import OfficerQuestion
from bot.office import questions

FLOW = "officer"
FLOW_MINUTES = 30  # time to type the question and confirm it
# While we wait, these clear requests are answered as usual instead of being taken as the question.
COMMANDS = ("help", "status", "unlink", "standard_lookup", "category", "privacy_delete", "privacy_data")
CLEAR = 0.8  # classifier confidence of such a request


def send_button(question_id: int, lang: str) -> m.Action:
    """"Ask an officer" on a reply that could not help: shows the offered question for confirmation."""
    label = phrase("button_send_to_officer", lang)
    return m.postback(label, f"action=officer&q={question_id}", label)


# ---- entry points -----------------------------------------------------------------------------------------
def request(turn: Turn) -> list[m.Message]:
    """Intent officer (or the menu button): show the question the bot just could not answer, else ask for one."""
    offer = questions.latest_offer(turn.session, turn.user, turn.now)
    if offer is None:
        return _ask_question(turn, "officer_ask_question")
    return _propose(turn, Draft(offer.text, offer=offer.id), "officer_intro_offer")


def on_postback(turn: Turn) -> list[m.Message]:
    """``action=officer`` with ``do=…`` (a button of the flow), ``q=<id>`` (an offer) or ``decline=<id>``."""
    if turn.postback.get("decline"):
        questions.withdraw_offers(turn.session, turn.user)
        return [m.text(phrase("officer_offer_declined", turn.lang))]
    action = turn.postback.get("do")
    if action:
        return BUTTONS.get(action, request)(turn)
    question_id = turn.postback_int("q")
    question = questions.own_question(turn.session, turn.user, question_id) if question_id else None
    if question is None:  # forged, replaced by a newer question, or already answered: ask again
        return _ask_question(turn, "officer_ask_question")
    if question.status == "pending":
        return _already_waiting(turn, question)
    return _propose(turn, Draft(question.text, offer=question.id), "officer_intro_offer")


# ---- steps (typed text) -------------------------------------------------------------------------------------
def on_question(turn: Turn) -> Reply:
    """Step ``question``: the typed question is shown back for confirmation (or asked for again)."""
    return _typed(turn, previous=Draft.load(_data(turn)))


def on_province(turn: Turn) -> Reply:
    """Step ``province``: the province typed after the bot asked, or "ไม่ระบุ"."""
    draft = _draft(turn)
    if draft is None:
        return _expired(turn)
    province = find_province(turn.incoming.text)
    if province:
        return _confirm(turn, Draft(draft.text, draft.offer, province, drafts.ANSWERED), "officer_intro_typed")
    if drafts.skipped(turn.incoming.text):
        return _confirm(turn, Draft(draft.text, draft.offer, None, drafts.SKIPPED), "officer_intro_typed")
    if _clear_command(turn):
        return _hand_over(turn)
    turn.enter(FLOW, "province", draft.dump(), minutes=FLOW_MINUTES)
    return [m.text(phrase("officer_province_not_found", turn.lang), drafts.province_buttons(turn.lang))]


def on_confirm(turn: Turn) -> Reply:
    """Step ``confirm``: a new question replaces the draft; "ok", "ส่งเลย", a greeting… show the draft again."""
    draft = _draft(turn)
    if draft is None:
        return _expired(turn)
    if drafts.refusal(turn) or drafts.one_word(turn.incoming.text) or drafts.skipped(turn.incoming.text):
        return _confirm(turn, draft, "officer_intro_tap")
    return _typed(turn, previous=draft)


# ---- buttons (postbacks) --------------------------------------------------------------------------------
def on_send(turn: Turn) -> list[m.Message]:
    """``do=send&d=<digest>``: queue the draft the user was shown (a stale button shows the current one)."""
    draft = _draft(turn, "confirm")
    if draft is None:
        return _expired(turn)
    if turn.postback.get("d") != draft.digest:
        return _confirm(turn, draft, "officer_intro_tap")
    turn.leave()
    question = None
    if draft.offer is not None:
        question = questions.accept_offer(turn.session, turn.user, draft.offer, turn.now, province=draft.province)
    if question is None:
        question, created = questions.ask(turn.session, turn.user, draft.text, turn.lang, now=turn.now,
                                          province=draft.province)
        if not created:
            return _already_waiting(turn, question)
    return _sent(turn, question)


def on_edit(turn: Turn) -> list[m.Message]:
    """``do=edit``: type the question again (the province the user chose is kept)."""
    draft = _draft(turn)
    turn.enter(FLOW, "question", draft.dump() if draft else {}, minutes=FLOW_MINUTES)
    return [m.text(phrase("officer_type_again", turn.lang))]


def on_cancel(turn: Turn) -> list[m.Message]:
    """``do=cancel``: nothing is sent, and the offered question is forgotten."""
    turn.leave()
    questions.withdraw_offers(turn.session, turn.user)
    return [m.text(phrase("officer_cancelled", turn.lang), greeting.main_menu(turn.lang))]


def on_skip(turn: Turn) -> list[m.Message]:
    """``do=skip`` while asked for the province: no province (the central officers)."""
    draft = _draft(turn, "province")
    if draft is None:
        return _expired(turn)
    return _confirm(turn, Draft(draft.text, draft.offer, None, drafts.SKIPPED), "officer_intro_typed")


def on_change_province(turn: Turn) -> list[m.Message]:
    """``do=province`` on the confirmation: ask the province again."""
    draft = _draft(turn, "confirm")
    if draft is None or draft.where == drafts.LINKED:
        return _expired(turn) if draft is None else _confirm(turn, draft, "officer_intro_tap")
    return _ask_province(turn, Draft(draft.text, draft.offer), "officer_intro_typed")


# ---- pieces -------------------------------------------------------------------------------------------------
def _typed(turn: Turn, previous: Draft | None) -> Reply:
    """The typed text as a new draft, unless it is no question (asked again) or a clear other request."""
    refusal = drafts.refusal(turn)
    if refusal:
        turn.enter(FLOW, "question", previous.dump() if previous else {}, minutes=FLOW_MINUTES)
        return [m.text(phrase(refusal, turn.lang))]
    if _clear_command(turn):
        return _hand_over(turn)
    draft = Draft(questions.clean_question(turn.incoming.text))
    return _propose(turn, draft, "officer_intro_typed", previous)


def _propose(turn: Turn, draft: Draft, intro: str, previous: Draft | None = None) -> list[m.Message]:
    """Show ``draft`` for confirmation, first asking the province when it is not known."""
    draft = drafts.settle(turn, draft, previous)
    if draft.where is None:
        return _ask_province(turn, draft, intro)
    return _confirm(turn, draft, intro)


def _confirm(turn: Turn, draft: Draft, intro: str) -> list[m.Message]:
    turn.enter(FLOW, "confirm", draft.dump(), minutes=FLOW_MINUTES)
    return [drafts.confirmation(draft, turn.lang, intro)]


def _ask_province(turn: Turn, draft: Draft, intro: str) -> list[m.Message]:
    turn.enter(FLOW, "province", draft.dump(), minutes=FLOW_MINUTES)
    return [drafts.province_question(draft, turn.lang, intro)]


def _ask_question(turn: Turn, key: str) -> list[m.Message]:
    turn.enter(FLOW, "question", minutes=FLOW_MINUTES)
    return [m.text(phrase(key, turn.lang))]


def _expired(turn: Turn) -> list[m.Message]:
    return _ask_question(turn, "officer_draft_expired")


def _data(turn: Turn) -> dict[str, Any] | None:
    state = turn.state()
    return state.data if state is not None and state.flow == FLOW else None


def _draft(turn: Turn, step: str | None = None) -> Draft | None:
    """The draft of the user's officer flow (at ``step``, when given), or None."""
    state = turn.state()
    if state is None or state.flow != FLOW or (step is not None and state.step != step):
        return None
    return Draft.load(state.data)


def _clear_command(turn: Turn) -> bool:
    return turn.intent is not None and turn.intent.intent in COMMANDS and turn.intent.confidence >= CLEAR


def _hand_over(turn: Turn) -> Reply:
    turn.leave()
    return HAND_OVER


def _already_waiting(turn: Turn, question: OfficerQuestion) -> list[m.Message]:
    return [m.text(phrase("officer_already_waiting", turn.lang, question=m.clip(question.text, 300)))]


def _sent(turn: Turn, question: OfficerQuestion) -> list[m.Message]:
    """Confirm, quoting the question, and say honestly when officers can reply."""
    body = phrase("officer_sent", turn.lang, question=m.clip(question.text, 300))
    note = day_off_note(today_in_thailand(), question.province, turn.lang)
    return [m.text(f"{body}\n{note}" if note else body)]


def day_off_note(today: date, province: str | None, lang: str) -> str:
    """On a weekend or holiday of the office: from which working day officers can reply; else ""."""
    calendar = calendar_for(province or "")
    if calendar.is_working_day(today):
        return ""
    day = calendar.next_working_day(today)
    return phrase("officer_sent_day_off", lang, day=format_thai_date_en(day) if lang == "en" else format_thai_date_long(day))


STEPS: Steps = {"question": on_question, "province": on_province, "confirm": on_confirm}
BUTTONS: dict[str, Callable[[Turn], list[m.Message]]] = {"send": on_send, "edit": on_edit, "cancel": on_cancel, "skip": on_skip,
                               "province": on_change_province}
