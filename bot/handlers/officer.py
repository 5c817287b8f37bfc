"""Talk to an officer: the question goes to the officers' queue (bot/office/questions.py) and the user is told
an officer will reply by LINE in government working days and hours."""
from __future__ import annotations

from datetime import date

from bot.cases.applications import calendar_for, today_in_thailand
from bot.cases.thaidate import format_thai_date_en, format_thai_date_long
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.models import OfficerQuestion
from bot.office import questions

FLOW = "officer"
FLOW_MINUTES = 30  # time to type the question
# While we wait for the question, these clear requests are answered as usual instead of being recorded.
COMMANDS = ("help", "status", "unlink", "standard_lookup", "category", "off_topic")
CLEAR = 0.8  # classifier confidence of such a request
MIN_WORDS = 3  # words besides "talk to an officer" that make a message the question itself


def send_button(question_id: int, lang: str) -> m.Action:
    """"Ask an officer": pass the offered question ``question_id`` on (nothing is queued before the tap)."""
    label = phrase("button_send_to_officer", lang)
    return m.postback(label, f"action=officer&q={question_id}", label)


def request(turn: Turn) -> list[m.Message]:
    """Intent officer (or the menu button): pass on the question the bot just could not answer, else ask for it."""
    offer = questions.latest_offer(turn.session, turn.user, turn.now)
    if offer is not None:
        questions.accept_offer(turn.session, turn.user, offer.id, turn.now)
        return _sent(turn, offer)
    turn.enter(FLOW, "question", minutes=FLOW_MINUTES)
    return [m.text(phrase("officer_ask_question", turn.lang))]


def on_postback(turn: Turn) -> list[m.Message]:
    """``action=officer`` (menu), ``…&q=<id>`` (send this offered question), ``…&decline=<id>`` (no thanks)."""
    if turn.postback.get("decline"):
        questions.withdraw_offers(turn.session, turn.user)
        return [m.text(phrase("officer_offer_declined", turn.lang))]
    question_id = turn.postback_int("q")
    if question_id is None:
        return request(turn)
    question = questions.accept_offer(turn.session, turn.user, question_id, turn.now)
    if question is None:  # replaced by a newer question, or already answered: ask again
        turn.enter(FLOW, "question", minutes=FLOW_MINUTES)
        return [m.text(phrase("officer_ask_question", turn.lang))]
    return _sent(turn, question)


def on_text(turn: Turn) -> Reply:
    """The typed question after "talk to an officer"."""
    assert turn.intent is not None
    text = turn.incoming.text
    # "ขอคุยกับเจ้าหน้าที่ได้ไหมคะ" again is not a question; "โทรกลับที่ … ได้ไหม ร้านอยู่…" is.
    just_asking = (turn.intent.intent == "officer"
                   and len(get_brain().classifier.leftover_words(text, "officer", "greeting", "thanks")) < MIN_WORDS)
    if turn.intent.intent in ("greeting", "thanks") or just_asking or not questions.clean_question(text):
        turn.enter(FLOW, "question", minutes=FLOW_MINUTES)
        return [m.text(phrase("officer_need_question", turn.lang))]
    turn.leave()
    if turn.intent.intent in COMMANDS and turn.intent.confidence >= CLEAR:
        return HAND_OVER
    question, created = questions.ask(turn.session, turn.user, text, turn.lang, now=turn.now)
    if not created:
        return [m.text(phrase("officer_already_waiting", turn.lang, question=m.clip(question.text, 300)))]
    return _sent(turn, question)


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


STEPS: Steps = {"question": on_text}
