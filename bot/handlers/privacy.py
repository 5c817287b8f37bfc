"""Personal data in the chat: "ระบบเก็บข้อมูลอะไรของฉันบ้าง" (what is kept), "ลบข้อมูลของฉัน" (delete, after a
confirmation) and "นโยบายความเป็นส่วนตัว" (the notice, also offered on the first follow).

Flow ``privacy_delete`` (one step, ``confirm``, for `CONFIRM_MINUTES`): the "ยืนยันลบ" button or a typed
"ยืนยัน"/"yes" deletes; any other text, the "ยกเลิก" button or the flow's expiry deletes nothing. A
confirm button tapped after the flow expired (or never started) deletes nothing either.
"""
from __future__ import annotations

from bot.cases.applications import in_thailand
from bot.cases.thaidate import format_thai_date_en, format_thai_date_long
from bot.handlers.turn import Steps, Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.office.subscriptions import categories
from bot.privacy.notice import confirms, full_notice
from bot.privacy.subject import erase_user, kept_about

FLOW = "privacy_delete"
CONFIRM_MINUTES = 5


def notice_button(lang: str) -> m.Action:
    """The "privacy notice" quick reply (the first follow's welcome carries it)."""
    label = phrase("button_privacy_notice", lang)
    return m.postback(label, "action=privacy_notice", label)


def _button(key: str, action: str, lang: str) -> m.Action:
    label = phrase(key, lang)
    return m.postback(label, f"action={action}", label)


def notice(turn: Turn) -> list[m.Message]:
    """ "นโยบายความเป็นส่วนตัว", "privacy policy", or the button: the whole notice."""
    lang = turn.lang
    return [m.text(full_notice(lang), [_button("button_privacy_data", "privacy_data", lang),
                                       _button("button_privacy_delete", "privacy_delete", lang)])]


def show_kept(turn: Turn) -> list[m.Message]:
    """ "ระบบเก็บข้อมูลอะไรของฉันบ้าง": this user's summary, from the database."""
    lang, kept = turn.lang, kept_about(turn.session, turn.user)
    none = phrase("privacy_none", lang)
    labels = categories()
    since = in_thailand(kept.first_seen).date()
    body = phrase(
        "privacy_kept", lang, name=kept.display_name or phrase("privacy_not_stored", lang),
        language=phrase(f"privacy_language_{'en' if kept.language == 'en' else 'th'}", lang),
        since=format_thai_date_en(since) if lang == "en" else format_thai_date_long(since),
        applications=", ".join(kept.applications) or none, questions=kept.questions,
        open_questions=kept.open_questions, documents=kept.documents,
        subscriptions=", ".join(labels[k].label(lang) if k in labels else k for k in kept.subscriptions) or none)
    return [m.text(body, [_button("button_privacy_delete", "privacy_delete", lang),
                          _button("button_privacy_notice", "privacy_notice", lang)])]


def ask_delete(turn: Turn) -> list[m.Message]:
    """ "ลบข้อมูลของฉัน": say what would go, and wait for the confirmation."""
    lang, kept = turn.lang, kept_about(turn.session, turn.user)
    turn.enter(FLOW, "confirm", {"lang": lang}, minutes=CONFIRM_MINUTES)
    numbers = f" ({', '.join(kept.applications)})" if kept.applications else ""
    return [m.text(phrase("privacy_delete_confirm", lang, applications=numbers, minutes=CONFIRM_MINUTES),
                   [_button("button_privacy_confirm", "privacy_delete_confirm", lang),
                    _button("button_privacy_cancel", "privacy_delete_cancel", lang)])]


def confirm_tapped(turn: Turn) -> list[m.Message]:
    """The "ยืนยันลบ" button: deletes only while the confirmation is waiting."""
    state = turn.state()
    if state is None or state.flow != FLOW:
        return [m.text(phrase("privacy_delete_expired", turn.lang))]
    return _delete(turn)


def cancel_tapped(turn: Turn) -> list[m.Message]:
    """The "ยกเลิก" button (or anything but a confirmation): nothing is deleted."""
    state = turn.state()
    if state is not None and state.flow == FLOW:
        turn.leave()
    return [m.text(phrase("privacy_delete_cancelled", turn.lang))]


def on_reply(turn: Turn) -> list[m.Message]:
    """Step ``confirm``: a typed confirmation deletes; any other text cancels."""
    state = turn.state()
    if state is not None and state.data.get("lang"):
        turn.user.language = str(state.data["lang"])  # "yes" after a Thai request keeps the Thai answer
    return _delete(turn) if confirms(turn.incoming.text) else cancel_tapped(turn)


def _delete(turn: Turn) -> list[m.Message]:
    lang = turn.lang
    turn.leave()
    counts = erase_user(turn.session, turn.user, turn.incoming.event_id, turn.now).counts
    return [m.text(phrase("privacy_deleted", lang, **{k: counts.get(k, 0) for k in
                                                      ("applications", "questions", "subscriptions", "messages",
                                                       "events")}))]


STEPS: Steps = {"confirm": on_reply}
