"""Where is my application: ask for the number, verify the producer, link the LINE account, show the card.

Flow ``status`` (state steps): ``number`` (waiting for the application number) → ``answer`` (waiting for
the last four phone digits; data: the number). Linked applications are shown without asking. The reply
after a number and after a wrong answer never depends on whether the number exists. Typed text is
never logged here (it may hold a phone number).
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from bot.cases import status_card
from bot.cases.verification import link, linked_applications, locked_until, tries_left, verify
from bot.cases.verification import unlink as remove_links
from bot.handlers import office_contact
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.models import Application
from bot.nlp.entities import canonical_application_number, extract_application_number, extract_last4

FLOW = "status"
# In the middle of the flow, a message that is clearly about something else leaves it (and "เช็คสถานะ"
# without a number starts over). "help" is the classifier's "not sure": the flow asks again instead.
HAND_OVER_CONFIDENCE = 0.4
_STAY_INTENTS = ("help",)
_LETTERS = re.compile(r"[A-Za-z\u0e01-\u0e4e]")
MAX_UNLINK_CHOICES = 10
# Replies that send the user to their office carry the office-contact button (the same for every number typed).
_ASK_THE_OFFICE = frozenset({"status_number_not_found", "status_refused"})


# ---- entry points ---------------------------------------------------------------------------------------
def start(turn: Turn) -> list[m.Message]:
    """ "เช็คสถานะ", "คำขอ ๖๗/๐๐๑๒ ถึงไหนแล้ว", or the menu button."""
    number = _number_in(turn)
    if number:
        return _number_given(turn, number)
    linked = linked_applications(turn.session, turn.user)
    return _show(turn, linked) if linked else _ask_number(turn)


def ask_other(turn: Turn) -> list[m.Message]:
    """The "another application" button: verify one more application."""
    return _ask_number(turn)


def show_one(turn: Turn) -> list[m.Message]:
    """The "details" button on a carousel bubble: the full card, if this user is (still) linked."""
    number = canonical_application_number(turn.postback.get("n", ""))
    return _number_given(turn, number) if number else start(turn)


def on_number(turn: Turn) -> Reply:
    """Step ``number``: the typed application number (or something else entirely)."""
    _keep_language(turn)
    return _on_number(turn)


def on_answer(turn: Turn) -> Reply:
    """Step ``answer``: the last four phone digits for the number kept in the state."""
    state = turn.state()
    number = str(state.data.get("number", "")) if state else ""
    _keep_language(turn)
    return _on_answer(turn, number) if number else _on_number(turn)


def _keep_language(turn: Turn) -> None:
    """ "5678" says nothing about the user's language: keep the one the flow started in."""
    state = turn.state()
    lang = state.data.get("lang") if state else None
    if lang and not _LETTERS.search(turn.incoming.text):
        turn.user.language = lang


# ---- steps ----------------------------------------------------------------------------------------------
def _number_given(turn: Turn, number: str) -> list[m.Message]:
    """A linked application is shown at once; any other number needs the verification answer."""
    known = [a for a in linked_applications(turn.session, turn.user) if a.number == number]
    return _show(turn, known) if known else _ask_answer(turn, number)


def _on_number(turn: Turn) -> Reply:
    number = _number_in(turn)
    if number:
        return _number_given(turn, number)
    if _about_something_else(turn):
        return _hand_over(turn)
    return _prompt(turn, "number", "status_number_not_found")


def _on_answer(turn: Turn, number: str) -> Reply:
    if locked := _lock_reply(turn):
        return locked
    if extract_application_number(turn.incoming.text):
        return _on_number(turn)  # a number again (maybe corrected): ask the answer for it
    answer = extract_last4(turn.incoming.text)
    if answer is None:
        if _about_something_else(turn):
            return _hand_over(turn)
        return _prompt(turn, "answer", "status_answer_not_understood", number=number)
    application = verify(turn.session, turn.user, number, answer, turn.now)
    if application is None:
        if locked := _lock_reply(turn, "status_refused_locked"):
            return locked
        return _prompt(turn, "number", "status_refused", left=tries_left(turn.session, turn.user, turn.now))
    link(turn.session, turn.user, application, turn.now)
    turn.leave()
    return [m.text(phrase("status_linked", turn.lang, number=application.number)),
            status_card.card_message([application], turn.lang, quick_replies=_card_buttons(turn.lang))]


def _ask_number(turn: Turn) -> list[m.Message]:
    return _lock_reply(turn) or _prompt(turn, "number", "status_ask_number")


def _ask_answer(turn: Turn, number: str) -> list[m.Message]:
    """Ask for the verification answer; the same words whether or not ``number`` exists."""
    return _lock_reply(turn) or _prompt(turn, "answer", "status_ask_answer", number=number)


def _prompt(turn: Turn, step: str, key: str, **values: object) -> list[m.Message]:
    """Wait at ``step`` of the flow (for 10 more minutes) and say ``key``, with a cancel button."""
    data = {"number": str(values["number"])} if step == "answer" else {}
    turn.enter(FLOW, step, {"lang": turn.lang, **data})
    buttons = _cancel_button(turn.lang)
    if key in _ASK_THE_OFFICE:
        buttons.append(office_contact.button_for(turn))
    return [m.text(phrase(key, turn.lang, **values), buttons)]


def _lock_reply(turn: Turn, key: str = "status_locked") -> list[m.Message]:
    """While the user is locked out: leave the flow and say until when (else an empty list)."""
    until = locked_until(turn.session, turn.user, turn.now)
    if until is None:
        return []
    turn.leave()
    return [m.text(phrase(key, turn.lang, until=status_card.format_unlock_time(until, turn.lang)),
                   [office_contact.button_for(turn)])]


def _show(turn: Turn, linked: list[Application]) -> list[m.Message]:
    turn.leave()
    card = status_card.card_message(linked, turn.lang, quick_replies=_card_buttons(turn.lang))
    if len(linked) == 1:
        return [card]
    shown = len(card["contents"]["contents"])
    key = "status_linked_list" if shown == len(linked) else "status_linked_list_more"
    return [m.text(phrase(key, turn.lang, count=len(linked), shown=shown)), card]


# ---- unlinking ------------------------------------------------------------------------------------------
def unlink(turn: Turn) -> list[m.Message]:
    """ "ยกเลิกการผูกบัญชี": confirm (one link) or choose which (several, or all)."""
    turn.leave()
    lang = turn.lang
    linked = linked_applications(turn.session, turn.user)
    if not linked:
        return [m.text(phrase("status_unlink_none", lang))]
    keep = m.postback(phrase("status_button_keep", lang), "action=status_unlink_keep", phrase("status_button_keep", lang))
    if len(linked) == 1:
        only = linked[0]
        confirm = m.postback(phrase("status_button_unlink_confirm", lang), _unlink_data(only.number),
                             phrase("status_button_unlink_confirm", lang))
        return [m.text(phrase("status_unlink_confirm_one", lang, number=only.number,
                              product=m.clip(only.product, 60)), [confirm, keep])]
    choices = linked[:MAX_UNLINK_CHOICES]
    buttons = [m.postback(f"{a.number} {a.product}", _unlink_data(a.number), a.number) for a in choices]
    everything = phrase("status_button_unlink_all", lang)
    buttons += [m.postback(everything, _unlink_data("all"), everything), keep]
    items = "\n".join(f"• {a.number} {m.clip(a.product, 60)}" for a in linked)
    return [m.text(phrase("status_unlink_choose", lang, count=len(linked), items=items), buttons)]


def unlink_chosen(turn: Turn) -> list[m.Message]:
    """A tap on an unlink button: ``n`` is an application number or ``all``."""
    turn.leave()
    choice = turn.postback.get("n", "")
    number = None if choice == "all" else canonical_application_number(choice)
    removed = remove_links(turn.session, turn.user, number) if number or choice == "all" else []
    if not removed:
        return [m.text(phrase("status_unlink_nothing", turn.lang))]
    return [m.text(phrase("status_unlinked", turn.lang, numbers=", ".join(removed)))]


def unlink_kept(turn: Turn) -> list[m.Message]:
    return [m.text(phrase("status_unlink_kept", turn.lang))]


# ---- helpers --------------------------------------------------------------------------------------------
def _number_in(turn: Turn) -> str | None:
    """The application number the user typed, canonical (``67/0012``), if any."""
    if turn.incoming.kind != "text":
        return None
    entity = turn.intent.entities.get("application_number") if turn.intent else None
    return str(entity) if entity else extract_application_number(turn.incoming.text)


def _about_something_else(turn: Turn) -> bool:
    intent = turn.intent
    return bool(intent and intent.intent not in _STAY_INTENTS and intent.confidence >= HAND_OVER_CONFIDENCE)


def _hand_over(turn: Turn) -> Reply:
    """Leave the flow; the router answers the message as if no flow were active."""
    turn.leave()
    return HAND_OVER


def _cancel_button(lang: str) -> list[m.Action]:
    label = phrase("status_button_cancel", lang)
    return [m.message_action(label, label)]


def _card_buttons(lang: str) -> list[m.Action]:
    other, unlink_label = phrase("status_button_other", lang), phrase("status_button_unlink", lang)
    return [m.postback(other, "action=status_other", other),
            m.postback(unlink_label, "action=status_unlink_ask", unlink_label)]


def _unlink_data(number: str) -> str:
    return urlencode({"action": "status_unlink", "n": number})


STEPS: Steps = {"number": on_number, "answer": on_answer}
