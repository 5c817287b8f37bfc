"""The draft of a hand-off to an officer: the exact text that will be sent and the office it goes to.

A `Draft` lives in the officer flow's state data between steps (bot/handlers/officer.py), so the confirmation
shows exactly what a tap on "ส่งคำถามนี้" queues, and a stale button (``d=<digest>``) cannot send anything else.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.directory.data import BANGKOK, directory
from bot.directory.recognise import find_province
from bot.handlers.turn import Turn
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.office import questions

# Where a draft's province comes from; None = not known yet (the bot asks).
LINKED, NAMED, ANSWERED, SKIPPED = "linked", "named", "answered", "skipped"
CHOSEN = (ANSWERED, SKIPPED)  # what the user said in this hand-off outlives an edit of the question
CLEAR = 0.8  # classifier confidence of a clear off-topic message
MIN_LETTERS = 4  # "ok", "?", "55555" are no question
MIN_WORDS = 3  # words besides "talk to an officer" that make a message the question itself
_NOT_WORD = re.compile(r"[\W_]+")
_LAUGHTER = re.compile(r"(?:5{2,}|ฮ+า+|ฮิ+|อิ+|คิ+|แฮ+|ๆ|ha|he|hi|lol|lmao|xd)+")
_LETTER = re.compile(r"[a-z\u0e01-\u0e2e]")  # Latin letters, Thai consonants


@dataclass(frozen=True)
class Draft:
    """What will be sent: ``text`` as stored (masked), the offered question it comes from, and the province."""

    text: str
    offer: int | None = None
    province: str | None = None  # Thai name; `BANGKOK` is shown as such and stored without a province
    where: str | None = None

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> Draft | None:
        """The draft kept in a state's data, or None."""
        text = (data or {}).get("text")
        if not isinstance(text, str) or not text:
            return None
        assert data is not None
        offer = data.get("offer")
        return cls(text, offer if isinstance(offer, int) else None, data.get("province") or None, data.get("where"))

    def dump(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def digest(self) -> str:
        """Names this exact draft in the "send" button's data."""
        raw = "\x1f".join((self.text, str(self.offer), self.province or "", self.where or ""))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]


# ---- is it a question? ------------------------------------------------------------------------------------
def refusal(turn: Turn) -> str | None:
    """The phrase key that asks again when the typed text is no question for an officer, else None."""
    assert turn.intent is not None
    text, intent = turn.incoming.text, turn.intent
    if intent.intent in ("greeting", "thanks") or _laughter(text) or too_short(text) or _just_asking(turn):
        return "officer_need_question"
    if intent.intent == "off_topic" and intent.confidence >= CLEAR:
        return "officer_off_topic"
    return None


def too_short(text: str) -> bool:
    """Fewer than `MIN_LETTERS` letters once cleaned ("ok", "??", "5555555")."""
    return len(_LETTER.findall(questions.clean_question(text).lower())) < MIN_LETTERS


def one_word(text: str) -> bool:
    """At most one word besides greetings and thanks ("ส่งเลยค่ะ", "ใช่ค่ะ", "send it"): an answer, no question."""
    return len(get_brain().classifier.leftover_words(text, "greeting", "thanks")) < 2


def _laughter(text: str) -> bool:
    """"555", "ฮ่าๆ", "อิอิ", "hahaha", "lol" and the like, alone."""
    bare = _NOT_WORD.sub("", "".join(c for c in unicodedata.normalize("NFC", text.lower())
                                      if unicodedata.category(c) != "Mn"))
    return bool(bare) and _LAUGHTER.fullmatch(bare) is not None


def _just_asking(turn: Turn) -> bool:
    """"ขอคุยกับเจ้าหน้าที่ได้ไหมคะ" again is not a question; "โทรกลับที่ … ได้ไหม ร้านอยู่…" is."""
    assert turn.intent is not None
    if turn.intent.intent != "officer":
        return False
    words = get_brain().classifier.leftover_words(turn.incoming.text, "officer", "greeting", "thanks")
    return len(words) < MIN_WORDS


# ---- which office ---------------------------------------------------------------------------------------
def settle(turn: Turn, draft: Draft, previous: Draft | None = None) -> Draft:
    """``draft`` with its province: the linked application's, else the one the user chose in this hand-off,
    else the one the question names; ``where`` stays None when it must be asked."""
    linked = questions.province_of(turn.session, turn.user.id)
    if linked:
        return replace(draft, province=linked, where=LINKED)
    if previous is not None and previous.where in CHOSEN:
        return replace(draft, province=previous.province, where=previous.where)
    named = find_province(draft.text)
    return replace(draft, province=named, where=NAMED if named else None)


def skipped(text: str) -> bool:
    """The user typed "ไม่ระบุ" / "skip" (the skip button's label in either language) instead of a province."""
    typed = _NOT_WORD.sub("", text.lower())
    return any(typed.startswith(_NOT_WORD.sub("", phrase("button_officer_skip", lang).lower())) for lang in ("th", "en"))


def where_line(draft: Draft, lang: str) -> str:
    """The confirmation's line that says which office gets the question."""
    if draft.province == BANGKOK:
        return phrase("officer_where_bangkok", lang)
    if not draft.province:
        return phrase("officer_where_none", lang)
    key = "officer_where_linked" if draft.where == LINKED else "officer_where_province"
    return phrase(key, lang, province=province_name(draft.province, lang))


def province_name(province: str, lang: str) -> str:
    """The province's English name for English readers (when known), else its Thai name."""
    contact = directory().offices.get(province)
    return contact.province_en if lang == "en" and contact is not None and contact.province_en else province


# ---- messages ---------------------------------------------------------------------------------------------
def confirmation(draft: Draft, lang: str, intro: str) -> m.Message:
    """The exact text and its office, with "send this question", "edit", ["change province",] "cancel"."""
    body = phrase("officer_confirm", lang, intro=phrase(intro, lang), question=draft.text,
                  where=where_line(draft, lang))
    buttons = [button("button_officer_send", f"do=send&d={draft.digest}", lang), button("button_officer_edit", "do=edit", lang)]
    if draft.where != LINKED:
        buttons.append(button("button_officer_province", "do=province", lang))
    return m.text(body, [*buttons, button("button_officer_cancel", "do=cancel", lang)])


def province_question(draft: Draft, lang: str, intro: str) -> m.Message:
    """Ask which province, quoting the draft, with "skip", "edit" and "cancel"."""
    body = phrase("officer_ask_province", lang, intro=phrase(intro, lang), question=draft.text)
    return m.text(body, province_buttons(lang))


def province_buttons(lang: str) -> list[m.Action]:
    return [button(key, data, lang) for key, data in (("button_officer_skip", "do=skip"),
                                                      ("button_officer_edit", "do=edit"),
                                                      ("button_officer_cancel", "do=cancel"))]


def button(key: str, data: str, lang: str) -> m.Action:
    """A postback of the officer flow (``action=officer&<data>``) labelled with the phrase ``key``."""
    label = phrase(key, lang)
    return m.postback(label, f"action=officer&{data}", label)
