"""Routing of one event to its handler: the tables at the bottom are the whole wiring.

Order for text: "cancel" always wins → an active flow gets the text (at its step) → intent → handler.
Postbacks carry ``action=<name>`` and go to the handler registered for that action. A handler that
returns `HAND_OVER` has the message answered by its intent, as if no flow were active.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.handlers import (
    certificate,
    documents,
    faq,
    greeting,
    lookup,
    media,
    office_contact,
    officer,
    privacy,
    product,
    status,
    subscriptions,
)
from bot.handlers.turn import HAND_OVER, Handler, Reply, Steps, Turn
from bot.knowledge.brain import get_brain
from bot.line.messages import Message
from bot.models import LineUser
from bot.pipeline.incoming import Incoming


def answer(incoming: Incoming, user: LineUser, session: Session) -> list[Message]:
    """The messages that answer one event of ``user`` (possibly none); the dispatcher's responder."""
    return respond(Turn(incoming=incoming, user=user, session=session))


def respond(turn: Turn) -> list[Message]:
    """Return the messages that answer ``turn`` (possibly none)."""
    kind = turn.incoming.kind
    if kind == "text":
        return route_text(turn)
    if kind == "postback":
        return _run(POSTBACK_ACTIONS.get(turn.postback.get("action", ""), greeting.help), turn)
    return _run(EVENT_HANDLERS.get(kind, _ignore), turn)


def route_text(turn: Turn) -> list[Message]:
    """Route typed text: "cancel" always wins, then an active flow at its step, else the intent's handler."""
    turn.intent = office_contact.refine(get_brain().classifier.classify(turn.incoming.text), turn.incoming.text)
    if get_brain().classifier.shows_language(turn.incoming.text):  # not "5678", "TCPS" nor "asdfghjkl"
        turn.user.language = turn.intent.lang
    state = turn.state()
    if state is not None and turn.intent.intent != "cancel" and state.flow in FLOWS:
        steps = FLOWS[state.flow]
        return _run(steps.get(state.step) or next(iter(steps.values())), turn)
    return _run(by_intent, turn)


def by_intent(turn: Turn) -> Reply:
    """The handler of the message's intent (the "not sure" help when there is none)."""
    intent = turn.intent.intent if turn.intent else ""
    return INTENTS.get(intent, greeting.help)(turn)


def _run(handler: Handler, turn: Turn) -> list[Message]:
    """Call ``handler``; a hand-over is answered by intent once (a second one gets the help text)."""
    reply = handler(turn)
    if reply is HAND_OVER:
        reply = by_intent(turn) if turn.intent is not None else HAND_OVER
    return greeting.help(turn) if reply is HAND_OVER else reply


def _ignore(turn: Turn) -> list[Message]:
    return []


EVENT_HANDLERS: dict[str, Handler] = {
    "follow": greeting.on_follow,
    "sticker": media.on_sticker,
    "image": documents.on_document,
    "video": media.on_media,
    "audio": media.on_media,
    "file": documents.on_document,
    "location": media.on_location,
}

INTENTS: dict[str, Handler] = {
    "greeting": greeting.greet,
    "help": greeting.help,
    "thanks": greeting.thanks,
    "cancel": greeting.cancel,
    "product_standard": product.on_question,
    "status": status.start,
    "unlink": status.unlink,
    "faq": faq.answer,
    "standard_lookup": lookup.by_code,
    "category": lookup.by_category,
    "officer": officer.request,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "off_topic": greeting.off_topic,
    "privacy_data": privacy.show_kept,
    "privacy_delete": privacy.ask_delete,
    "privacy_notice": privacy.notice,
    "certificate_check": certificate.check,
    office_contact.INTENT: office_contact.answer,
    office_contact.FORGOT_PHONE: office_contact.forgot_phone,
}

POSTBACK_ACTIONS: dict[str, Handler] = {
    "menu": greeting.greet,
    "find_standard": product.ask,
    "track_status": status.start,
    "ask_question": faq.ask,
    "pick_standard": product.pick,
    "none_fits": product.none_fits,
    "status_other": status.ask_other,
    "status_show": status.show_one,
    "status_unlink_ask": status.unlink,
    "status_unlink": status.unlink_chosen,
    "status_unlink_keep": status.unlink_kept,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "faq": faq.on_postback,
    "officer": officer.on_postback,
    "lookup_code": lookup.ask_code,
    "lookup": lookup.on_postback,
    "category": lookup.on_category_postback,
    "office": office_contact.on_postback,
    "office_other": office_contact.ask_other,
    "privacy_notice": privacy.notice,
    "privacy_data": privacy.show_kept,
    "privacy_delete": privacy.ask_delete,
    "privacy_delete_confirm": privacy.confirm_tapped,
    "privacy_delete_cancel": privacy.cancel_tapped,
    "certificate": certificate.on_postback,
}

# An active flow (ConversationState.flow) gets the user's next text, at its step; each flow module
# declares its steps in one table (an unknown step goes to the flow's first one).
FLOWS: dict[str, Steps] = {
    product.FLOW: product.STEPS,
    status.FLOW: status.STEPS,
    faq.FLOW: faq.STEPS,
    officer.FLOW: officer.STEPS,
    lookup.FLOW: lookup.STEPS,
    office_contact.FLOW: office_contact.STEPS,
    privacy.FLOW: privacy.STEPS,
    certificate.FLOW: certificate.STEPS,
}
