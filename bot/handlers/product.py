"""Which มผช. fits my product: the matcher's answer as cards, next steps, and honest "not covered".

After a pick (and with a confident single match) the next-steps card of bot/handlers/next_steps.py.

Entry points: a typed product question (intent ``product_standard``), any text while the user is in
the ``product`` flow (entered by the menu button ``action=find_standard`` or after the cards), and
the postbacks ``action=pick_standard&n=<number>`` and ``action=none_fits``.

Cards: each product the message names gets its own candidates (one for a confident match, up to
:data:`PER_PRODUCT` for a short list), taken in turns so every product is visible, at most
:data:`MAX_CARDS` in all. Six cards keep the carousel readable on a phone, leave room for one
"pick" quick reply per card plus "none fits" (LINE allows 13), and stay far below LINE's carousel
limits (12 bubbles, 50 KB).
"""
from __future__ import annotations

from bot.config import tisi_standard_list_url
from bot.handlers import next_steps, office_contact, officer
from bot.handlers.standard_card import display_code, display_name, list_checked_on, long_date, standard_bubble
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.metrics import MATCHER_VERDICTS
from bot.nlp.normalize import clean_text
from bot.nlp.records import (
    CHOOSE,
    MATCH,
    NOT_COMMUNITY_PRODUCT,
    UNKNOWN,
    Candidate,
    MatchResult,
    ProductMatch,
    StandardRecord,
)
from bot.office import questions, unmatched

FLOW = "product"
PER_PRODUCT = 3
MAX_CARDS = 6
MAX_PRODUCT_CHARS = 60
# Below this a "choose" answer is counted as low confidence for officers.
LOW_CONFIDENCE_BELOW = 0.8
# Where to go instead, by the kind of a non-community product (knowledge/not_community_products.csv).
WHERE_INSTEAD = {
    "medicine": "product_where_fda", "drug": "product_where_fda", "medical_device": "product_where_fda",
    "vehicle": "product_where_tis", "vehicle_part": "product_where_tis", "appliance": "product_where_tis",
    "electronics": "product_where_tis", "construction": "product_where_tis",
    "service": "product_where_service", "finance": "product_where_service", "real_estate": "product_where_service",
}
FOOD_CATEGORIES = frozenset({"food", "drink"})
# While in the flow, a message with no product in it goes to these intents instead.
OTHER_INTENTS = frozenset({"greeting", "thanks", "cancel", "status", "unlink", "standard_lookup", "category",
                           "officer", "faq", "privacy_delete", "privacy_data", "privacy_notice"})
FAQ_CONFIDENCE_TO_LEAVE = 0.5


# ---------------------------------------------------------------- entry points
def ask(turn: Turn) -> list[m.Message]:
    """The menu button: ask for the product's name; the next text goes to the matcher."""
    turn.enter(FLOW, "ask")
    return [m.text(phrase("ask_product", turn.lang))]


def on_question(turn: Turn) -> Reply:
    """A typed product question (intent ``product_standard``)."""
    return _answer(turn, in_flow=False)


def on_flow_text(turn: Turn) -> Reply:
    """Text while in the product flow: another product name (or something else entirely)."""
    intent = turn.intent
    # A code (its own card), an office's contact or a clearly off-topic message: not a product name.
    if intent is not None and (intent.intent in ("standard_lookup", office_contact.INTENT)
                               or intent.intent == "off_topic" and intent.confidence >= FAQ_CONFIDENCE_TO_LEAVE):
        turn.leave()
        return HAND_OVER
    return _answer(turn, in_flow=True)


def pick(turn: Turn) -> list[m.Message]:
    """``action=pick_standard&n=<number>``: the next-steps card of that standard (bot/handlers/next_steps.py)."""
    record = _current(turn.postback.get("n", ""))
    if record is None:
        turn.enter(FLOW, "ask")
        return [m.text(phrase("product_unknown_standard", turn.lang))]
    turn.leave()
    return [next_steps.card(turn, record, [*_after_pick_actions(turn.lang), office_contact.button_for(turn)])]


def none_fits(turn: Turn) -> list[m.Message]:
    """``action=none_fits``: count the query for officers and point to the full list."""
    state = turn.state()
    query = str(state.data.get("query", "")) if state is not None and state.flow == FLOW else ""
    if query:
        _count(turn, unmatched.NONE_FITS, query, _normalized(query))
    turn.enter(FLOW, "ask")
    return [m.text(phrase("product_none_fits", turn.lang, url=tisi_standard_list_url()),
                   [*_not_covered_actions(turn.lang), office_contact.button_for(turn)])]


# ---------------------------------------------------------------- answering a product message
def _answer(turn: Turn, in_flow: bool) -> Reply:
    text = turn.incoming.text
    result = get_brain().matcher.match(text, k=PER_PRODUCT)
    for part in result.parts:
        MATCHER_VERDICTS.labels(part.verdict).inc()
    known = [p for p in result.parts if p.verdict != UNKNOWN]
    if not known:
        intent = turn.intent
        if in_flow and intent is not None and _belongs_elsewhere(intent.intent, intent.confidence):
            turn.leave()
            return HAND_OVER
        if not in_flow and not (intent and intent.entities.get("product")) and not result.parts:
            return ask(turn)  # "ขอ มผช. ค่ะ": a product question without a product
    covered = [p for p in known if p.verdict in (MATCH, CHOOSE)]
    if covered:
        return _cards_answer(turn, text, covered, known)
    return _not_covered_answer(turn, text, result, known)


def _belongs_elsewhere(intent: str, confidence: float) -> bool:
    if intent == "faq":
        return confidence >= FAQ_CONFIDENCE_TO_LEAVE
    return intent in OTHER_INTENTS


def _cards_answer(turn: Turn, text: str, covered: list[ProductMatch], known: list[ProductMatch]) -> list[m.Message]:
    lang = turn.lang
    several = len(covered) > 1
    picked = _pick_cards(covered)
    records = [(part, _record(c.number)) for part, c in picked]
    cards = [(part, rec) for part, rec in records if rec is not None]
    if any(p.verdict == CHOOSE and (not p.candidates or p.candidates[0].score < LOW_CONFIDENCE_BELOW)
           for p in covered):
        _count(turn, unmatched.LOW_CONFIDENCE, text, _normalized(text))
    products = _products(covered)
    if several:
        intro = phrase("product_intro_many", lang, products=products)
    elif covered[0].verdict == MATCH:
        intro = phrase("product_intro_match", lang)
    elif len(cards) == 1:
        intro = phrase("product_intro_choose_one", lang, products=products)
    else:
        intro = phrase("product_intro_choose", lang, products=products, count=len(cards))
    listed_on = list_checked_on()
    bubbles = [standard_bubble(rec, lang, for_product=part.phrase if several else None, pick=True, listed_on=listed_on)
               for part, rec in cards]
    alt = phrase("product_alt", lang, codes=", ".join(f"{display_code(rec.code, lang)} {display_name(rec, lang)}"
                                                      for _, rec in cards))
    messages: list[m.Message] = [m.text(intro), m.flex(alt, m.carousel(bubbles))]
    confident = not several and covered[0].verdict == MATCH and len(cards) == 1
    if confident:  # one confident standard: its next steps at once (no need to tap "choose this")
        messages.append(next_steps.card(turn, cards[0][1]))
    messages.extend(_uncovered_notes(turn, text, known, lang))
    turn.enter(FLOW, "choose", {"query": text[:500], "numbers": [rec.number for _, rec in cards]})
    quick = [] if confident else [
        m.postback(phrase("product_quick_pick", lang, name=display_name(rec, lang)),
                   f"action=pick_standard&n={rec.number}",
                   phrase("product_pick_display", lang, code=display_code(rec.code, lang),
                          name=display_name(rec, lang))) for _, rec in cards]
    quick.append(m.postback(phrase("product_quick_none_fits", lang), "action=none_fits",
                            phrase("product_none_fits_display", lang)))
    if confident:
        quick += [*_after_pick_actions(lang)[:2], office_contact.button_for(turn)]
    messages[-1] = m.with_quick_replies(messages[-1], quick)
    return messages


def _pick_cards(covered: list[ProductMatch]) -> list[tuple[ProductMatch, Candidate]]:
    """Each product's candidates in turns (best of each first), no standard twice, ≤ MAX_CARDS."""
    out: list[tuple[ProductMatch, Candidate]] = []
    seen: set[int] = set()
    for depth in range(PER_PRODUCT):
        for part in covered:
            if depth < len(part.candidates) and len(out) < MAX_CARDS:
                cand = part.candidates[depth]
                if cand.number not in seen:
                    seen.add(cand.number)
                    out.append((part, cand))
    return out


def _uncovered_notes(turn: Turn, text: str, known: list[ProductMatch], lang: str) -> list[m.Message]:
    """Short notes (and counts) for products of the same message that the cards do not cover."""
    missing = [p for p in known if p.verdict not in (MATCH, CHOOSE)]
    groups = (([p for p in missing if p.verdict == NOT_COMMUNITY_PRODUCT], "product_also_not_community",
               unmatched.NOT_COMMUNITY),
              ([p for p in missing if p.verdict != NOT_COMMUNITY_PRODUCT], "product_also_uncovered",
               unmatched.NOT_IN_KNOWLEDGE))
    listed_on = list_checked_on()
    notes = []
    for parts, key, kind in groups:
        if parts:
            products = _products(parts)
            _count(turn, kind, text, products)
            if listed_on is not None and key == "product_also_uncovered":
                key = "product_also_no_standard"
            notes.append(m.text(phrase(key, lang, products=products, url=tisi_standard_list_url(),
                                       date=long_date(listed_on, lang) if listed_on else "")))
    return notes


def _not_covered_answer(turn: Turn, text: str, result: MatchResult, known: list[ProductMatch]) -> list[m.Message]:
    """Nothing we can propose: explain honestly, never claim that no standard exists."""
    lang = turn.lang
    turn.enter(FLOW, "ask")
    community = [p for p in known if p.verdict != NOT_COMMUNITY_PRODUCT]
    if known and not community:
        products = _products(known)
        _count(turn, unmatched.NOT_COMMUNITY, text, products)
        lines = [phrase("product_not_community", lang, products=products)]
        for key in dict.fromkeys(WHERE_INSTEAD.get(p.detail, "product_where_other") for p in known):
            lines.append(phrase(key, lang))
        return [m.text("\n\n".join(lines), _not_covered_actions(lang))]
    parts = community or list(result.parts)
    products = _products(parts) if parts else _clip(text, MAX_PRODUCT_CHARS)
    normalized = _products(community) if community else _normalized(text)
    _count(turn, unmatched.NOT_IN_KNOWLEDGE, text, normalized)
    listed_on = list_checked_on()
    if listed_on is not None:  # the whole list is known: say plainly that no standard covers it
        lines = [phrase("product_no_standard_covers", lang, products=products, url=tisi_standard_list_url(),
                        date=long_date(listed_on, lang))]
    else:  # our list is incomplete: say so, and offer to pass the question on
        lines = [phrase("product_not_in_knowledge", lang, products=products, url=tisi_standard_list_url(),
                        count=len(get_brain().matcher.current)),
                 phrase("product_not_in_knowledge_offer", lang)]
    if any(p.detail in FOOD_CATEGORIES for p in community):
        lines.append(phrase("product_food_needs_fda", lang))
    offer = questions.offer(turn.session, turn.user, text, lang, turn.now)
    return [m.text("\n\n".join(lines), [officer.send_button(offer.id, lang), *_not_covered_actions(lang),
                                         office_contact.button_for(turn)])]


# ---------------------------------------------------------------- pieces
def _current(raw: str) -> StandardRecord | None:
    try:
        number = int(raw)
    except ValueError:
        return None
    return _record(number)


def _record(number: int) -> StandardRecord | None:
    return get_brain().matcher.current.get(number)


def _after_pick_actions(lang: str) -> list[m.Action]:
    return [m.postback(phrase("button_track_status", lang), "action=track_status", phrase("button_track_status", lang)),
            m.postback(phrase("button_ask_question", lang), "action=ask_question", phrase("button_ask_question", lang)),
            m.postback(phrase("product_quick_other_product", lang), "action=find_standard",
                       phrase("product_quick_other_product", lang))]


def _not_covered_actions(lang: str) -> list[m.Action]:
    return [m.link(phrase("product_button_tisi_list", lang), tisi_standard_list_url()),
            m.postback(phrase("button_ask_question", lang), "action=ask_question", phrase("button_ask_question", lang)),
            m.postback(phrase("button_track_status", lang), "action=track_status", phrase("button_track_status", lang))]


def _count(turn: Turn, kind: str, text: str, normalized: str) -> None:
    """One more unmatched ``kind`` query for officers, and this ask for the demand map."""
    unmatched.record_unmatched(turn.session, kind, text, normalized=normalized, now=turn.now, user=turn.user)


def _products(parts: list[ProductMatch]) -> str:
    return _clip(", ".join(dict.fromkeys(p.phrase for p in parts)), MAX_PRODUCT_CHARS)


def _clip(text: str, limit: int) -> str:
    return m.clip(clean_text(text, len(text)), limit)


def _normalized(text: str) -> str:
    """The message without chat words (particles, "ทำ…ขาย", "ต้องขอ มผช. อะไร"), for counting."""
    prepared = get_brain().matcher.preprocessor.prepare(text)
    words = [p.display for p in prepared.phrases] + [f"มผช. {r.number}" for r in prepared.refs]
    return _clip(" ".join(words) or prepared.normalized, 500)


STEPS: Steps = {"ask": on_flow_text, "choose": on_flow_text}
