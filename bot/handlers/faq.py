"""Questions about มผช. and certification: a sourced FAQ answer, a choice of close questions, or an officer.

The decision comes from `bot.nlp.faq.FaqIndex.answer` (thresholds tuned on tests/data/faq_dev.tsv):
``answer`` → the entry's answer (with the unverified note when the source is unconfirmed) and its
sources; ``suggest`` → up to 3 questions as quick replies; ``none`` → offer to pass the question on
to an officer (bot/office/questions.py), and count it in ``unmatched_query`` so the FAQ can grow.
"""
from __future__ import annotations

from bot.directory.provinces import user_province
from bot.handlers import officer as officer_handler
from bot.handlers.office_contact import office_button
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.nlp.faq import FaqEntry
from bot.office import questions
from bot.office.unmatched import record_unmatched

FLOW = "faq"
# Right after "ask about มผช.", a message the classifier is this unsure of is read as the question.
UNSURE = 0.5
RELATED_MIN = 0.4  # other entries this close to a confident answer are offered as "related" buttons


def ask(turn: Turn) -> list[m.Message]:
    """The menu button: invite a question (the next text is read as one) and offer popular questions."""
    turn.enter(FLOW, "question")
    faq = get_brain().faq
    popular = [e for e in (faq.entry(i) for i in faq.popular) if e is not None]
    return [m.text(phrase("ask_question", turn.lang), [_question_button(e, turn.lang) for e in popular])]


def on_text(turn: Turn) -> Reply:
    """The text after "ask about มผช.": a question, unless it clearly asks for something else."""
    assert turn.intent is not None
    if turn.intent.intent == "greeting":  # "ขอถามหน่อยค่ะ": still waiting for the question
        return ask(turn)
    turn.leave()
    if turn.intent.intent != "faq" and (turn.intent.confidence >= UNSURE or turn.intent.intent == "thanks"):
        return HAND_OVER
    return _answer_text(turn, turn.incoming.text)


def answer(turn: Turn) -> list[m.Message]:
    """Intent faq: answer the typed question."""
    return _answer_text(turn, turn.incoming.text)


def on_postback(turn: Turn) -> list[m.Message]:
    """``action=faq&id=<entry id>`` (a suggested question was tapped); without an id, invite a question."""
    entry_id = turn.postback.get("id")
    if not entry_id:
        return ask(turn)
    entry = get_brain().faq.entry(entry_id)
    if entry is None:
        return [m.text(phrase("faq_unknown_entry", turn.lang))]
    questions.withdraw_offers(turn.session, turn.user)
    return [_answer_message(turn, entry, [])]


def _answer_text(turn: Turn, text: str) -> list[m.Message]:
    brain = get_brain()
    decision = brain.classifier.faq.answer(brain.classifier.question_text(text))
    entries = [e for e in (brain.faq.entry(h.entry_id) for h in decision.hits) if e is not None]
    if decision.kind == "answer":
        questions.withdraw_offers(turn.session, turn.user)
        related = [e for e, h in zip(entries[1:], decision.hits[1:], strict=False) if h.score >= RELATED_MIN]
        return [_answer_message(turn, entries[0], related)]
    record_unmatched(turn.session, "faq", text, now=turn.now, user=turn.user)
    offer = questions.offer(turn.session, turn.user, text, turn.lang, turn.now)
    officer = m.postback(phrase("button_ask_officer", turn.lang), f"action=officer&q={offer.id}",
                         phrase("button_ask_officer", turn.lang))
    if decision.kind == "suggest":
        listing = "\n".join(f"{i}. {e.question(turn.lang)}" for i, e in enumerate(entries, 1))
        buttons = [_question_button(e, turn.lang, number=i) for i, e in enumerate(entries, 1)]
        return [m.text(phrase("faq_pick", turn.lang, questions=listing), [*buttons, officer])]
    send = officer_handler.send_button(offer.id, turn.lang)
    decline = m.postback(phrase("button_no_thanks", turn.lang), f"action=officer&decline={offer.id}",
                         phrase("button_no_thanks", turn.lang))
    return [m.text(phrase("faq_no_answer", turn.lang), [send, decline])]


def _answer_message(turn: Turn, entry: FaqEntry, related: list[FaqEntry]) -> m.Message:
    """The answer text with its sources, and buttons for related questions, another question or an officer."""
    lang = turn.lang
    body = get_brain().faq.answer_text(entry, lang)
    body += "\n\n" + phrase("faq_sources", lang, urls="\n".join(entry.sources))
    buttons = [office_button(lang, user_province(turn.session, turn.user))] if entry.office_button else []
    buttons += [_question_button(e, lang) for e in related[:2]]
    buttons.append(m.postback(phrase("button_ask_another", lang), "action=ask_question", phrase("button_ask_another", lang)))
    buttons.append(m.postback(phrase("button_ask_officer", lang), "action=officer", phrase("button_ask_officer", lang)))
    return m.text(body, buttons)


def _question_button(entry: FaqEntry, lang: str, number: int | None = None) -> m.Action:
    question = entry.question(lang)
    label = f"{number}. {question}" if number else question
    return m.postback(label, f"action=faq&id={entry.id}", question)


STEPS: Steps = {"question": on_text}
