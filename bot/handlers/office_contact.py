"""Office contacts: "เบอร์ สอจ. ขอนแก่น", "Where do I apply in Chiang Mai?", and the "ติดต่อ สอจ." button.

Intent ``office_contact``: the cues of ``knowledge/intents.yaml`` (sections ``office_contact`` and
``office_contact_more``) are read here and applied after the classifier (`refine`), so bot.nlp.intent stays as
it is. The province comes from the message, else from the user's linked application, else it is asked for
(flow ``office``, step ``province``). Postback ``action=office[&p=<province>]``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlencode

import yaml

from bot.config import knowledge_file
from bot.directory.card import contact_messages
from bot.directory.provinces import user_province
from bot.directory.recognise import find_province
from bot.directory.store import contact_for
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.nlp.cues import Cues
from bot.nlp.intent import IntentClassifier, IntentResult

FLOW = "office"
INTENT = "office_contact"
FORGOT_PHONE = "forgot_phone"
CONFIDENCE = 0.9
# While the bot waits for the province, a message this clearly about something else leaves the flow.
HAND_OVER_CONFIDENCE = 0.5


@dataclass(frozen=True)
class _OfficeCues:
    office: Cues
    phone_words: Cues
    where_apply: Cues
    forgot_phone: Cues
    keep: frozenset[str]


@lru_cache(maxsize=2)
def _cues(classifier: IntentClassifier) -> _OfficeCues:
    """The office sections of intents.yaml, compiled against ``classifier``'s text preparation."""
    data = yaml.safe_load(knowledge_file("intents.yaml").read_text(encoding="utf-8"))
    more = data.get("office_contact_more") or {}
    prep = classifier.prep
    return _OfficeCues(office=Cues(data.get("office_contact"), prep, "office_contact"),
                       phone_words=Cues(more.get("phone_words"), prep, "office_contact_more.phone_words"),
                       where_apply=Cues(more.get("where_apply"), prep, "office_contact_more.where_apply"),
                       forgot_phone=Cues(more.get("forgot_phone"), prep, "office_contact_more.forgot_phone"),
                       keep=frozenset(more.get("keep") or ()))


def refine(intent: IntentResult, text: str) -> IntentResult:
    """``office_contact`` / ``forgot_phone`` when the message asks for them, else ``intent`` unchanged."""
    classifier = get_brain().classifier
    cues = _cues(classifier)
    if intent.intent in cues.keep:
        return intent
    prepared = classifier.prep.prepare(text)
    if cues.forgot_phone.fires(prepared):
        return replace(intent, intent=FORGOT_PHONE, confidence=CONFIDENCE)
    office = cues.office.fires(prepared)
    if intent.intent == "officer" and not (office and cues.phone_words.fires(prepared)):
        return intent
    if office or (cues.where_apply.fires(prepared) and find_province(text)):
        return replace(intent, intent=INTENT, confidence=CONFIDENCE)
    return intent


def office_button(lang: str, province: str | None = None) -> m.Action:
    """The "ติดต่อ สอจ." quick reply: opens the contact card of ``province`` (asked for when None)."""
    label = phrase("button_office_contact", lang)
    data = urlencode({"action": "office", "p": province} if province else {"action": "office"})
    return m.postback(label, data, label)


def button_for(turn: Turn) -> m.Action:
    """`office_button` for the province of the user's linked application, when there is one."""
    return office_button(turn.lang, turn.memo("office_province", lambda: user_province(turn.session, turn.user)))


# ---- entry points ---------------------------------------------------------------------------------------
def answer(turn: Turn) -> list[m.Message]:
    """Intent ``office_contact``: the card of the province named, else of the linked application's, else ask."""
    province = find_province(turn.incoming.text) or user_province(turn.session, turn.user)
    return _card(turn, province) if province else _ask(turn)


def on_postback(turn: Turn) -> list[m.Message]:
    """``action=office[&p=<province>]`` (a button on a reply that says "ask your สอจ.")."""
    named = turn.postback.get("p", "")
    province = (find_province(named) if named else None) or user_province(turn.session, turn.user)
    return _card(turn, province) if province else _ask(turn)


def ask_other(turn: Turn) -> list[m.Message]:
    """``action=office_other``: another province's office."""
    return _ask(turn)


def on_province(turn: Turn) -> Reply:
    """Step ``province``: the province typed after the bot asked."""
    province = find_province(turn.incoming.text)
    if province:
        return _card(turn, province)
    intent = turn.intent
    if intent is not None and intent.intent not in ("help", "faq", INTENT) and intent.confidence >= HAND_OVER_CONFIDENCE:
        turn.leave()
        return HAND_OVER
    turn.enter(FLOW, "province")
    return [m.text(phrase("office_province_not_found", turn.lang), _cancel(turn.lang))]


def forgot_phone(turn: Turn) -> list[m.Message]:
    """ "I forgot the phone number": how to find it, with the office contact (never a detail of an application)."""
    turn.leave()
    return [m.text(phrase("office_forgot_phone", turn.lang), [button_for(turn)])]


# ---- pieces ---------------------------------------------------------------------------------------------
def _card(turn: Turn, province: str) -> list[m.Message]:
    turn.leave()
    contact = contact_for(turn.session, province)
    if contact is None:
        return _ask(turn)
    other = phrase("office_button_other", turn.lang)
    return contact_messages(contact, turn.lang, [m.postback(other, "action=office_other", other)])


def _ask(turn: Turn) -> list[m.Message]:
    turn.enter(FLOW, "province")
    return [m.text(phrase("office_ask_province", turn.lang), _cancel(turn.lang))]


def _cancel(lang: str) -> list[m.Action]:
    label = phrase("status_button_cancel", lang)
    return [m.message_action(label, label)]


STEPS: Steps = {"province": on_province}
