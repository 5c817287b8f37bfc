"""Look up a standard by its code or number, or list the standards of a category.

Reads the standards through ``get_brain().bundle.standards`` (one record per edition). Until a complete
sync with TISI's list our list is partial: an unknown number is "not in our list yet" with TISI's full
list, never guessed; after it, "not on TISI's list" (or "withdrawn on …" for a standard the list dropped).
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import tisi_standard_list_url
from bot.handlers.standard_card import (
    HEADER_COLOUR,
    category_label,
    display_code,
    display_name,
    editions,
    list_checked_on,
    long_date,
    standard_bubble,
)
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.brain import get_brain
from bot.knowledge.replies import phrase
from bot.line import flex
from bot.line import messages as m
from bot.models import Standard
from bot.nlp.categories import categories_by_key
from bot.nlp.codes import parse_standard_ref
from bot.nlp.normalize import to_arabic_digits
from bot.nlp.records import StandardRecord

FLOW = "lookup"
ROWS_PER_BUBBLE = 10
UNSURE = 0.5  # in the lookup flow, a text without a number this confidently about something else is routed
# A message holding exactly one number (and maybe a year): "129", "เลข 129 ค่ะ", "129/2546 ครับ".
_ONE_NUMBER = re.compile(r"^\D*?(\d{1,4})(?:\s*[/\-–]\s*(\d{4}))?\D*$")


def latest(found: list[StandardRecord]) -> StandardRecord:
    """The current edition among ``found`` (not superseded; the newest if the data disagree)."""
    current = [s for s in found if s.is_current] or found
    return max(current, key=lambda s: s.year)


# ---- handlers -----------------------------------------------------------------------------------------


def ask_code(turn: Turn) -> list[m.Message]:
    """The menu button "look up by code": ask for a code or number; offer the category lists."""
    turn.enter(FLOW, "code")
    buttons = [m.postback(phrase(f"category_short_{c.key}", turn.lang), f"action=category&key={c.key}",
                          c.label(turn.lang)) for c in categories_by_key().values()]
    return [m.text(phrase("lookup_ask_code", turn.lang), buttons)]


def by_code(turn: Turn) -> list[m.Message]:
    """"มผช. 129/2546 คืออะไร", "มผช 129", "TCPS 129-2546": the standard's card."""
    entities = turn.intent.entities if turn.intent else {}
    number = entities.get("standard_number")
    if not isinstance(number, int):
        return ask_code(turn)
    year = entities.get("standard_year")
    return card_messages(turn, number, year if isinstance(year, int) else None)


def on_text(turn: Turn) -> Reply:
    """The text after "look up by code": a code or a bare number; anything else is routed as usual
    (one "please type a number" first when the text is unclear)."""
    state = turn.state()
    retried = bool(state and state.data.get("retried"))
    turn.leave()
    assert turn.intent is not None
    if turn.intent.intent == "standard_lookup" and "standard_number" in turn.intent.entities:
        return by_code(turn)
    ref = _one_number(turn.incoming.text)
    if ref is not None:
        return card_messages(turn, *ref)
    if turn.intent.confidence >= UNSURE or retried:
        return HAND_OVER
    turn.enter(FLOW, "code", {"retried": True})
    return [m.text(phrase("lookup_not_understood", turn.lang))]


def on_postback(turn: Turn) -> list[m.Message]:
    """``action=lookup&n=<number>[&y=<year>]`` (a standard picked from a list)."""
    number = turn.postback_int("n", digits=4)
    if number is None:
        return ask_code(turn)
    return card_messages(turn, number, turn.postback_int("y", digits=4))


def by_category(turn: Turn) -> list[m.Message]:
    """"มาตรฐานหมวดอาหารมีอะไรบ้าง": the standards of that category in our data."""
    key = (turn.intent.entities.get("category") if turn.intent else None) or ""
    if key not in categories_by_key():
        return ask_code(turn)
    return category_messages(turn.lang, str(key))


def on_category_postback(turn: Turn) -> list[m.Message]:
    """``action=category&key=<key>``."""
    key = turn.postback.get("key", "")
    if key not in categories_by_key():
        return ask_code(turn)
    return category_messages(turn.lang, key)


# ---- messages ---------------------------------------------------------------------------------------


def card_messages(turn: Turn, number: int, year: int | None) -> list[m.Message]:
    """The card for standard ``number`` (edition ``year`` if given), with a note when that edition is
    old or not in our data. An unknown number: "withdrawn" when TISI's list no longer has it, "not on
    TISI's list" after a complete sync, else "not in our list yet" (ours is partial), with TISI's list."""
    lang = turn.lang
    found = editions(number)
    url = tisi_standard_list_url()
    listed_on = list_checked_on()
    if not found:
        more = m.postback(phrase("button_find_standard", lang), "action=find_standard", phrase("button_find_standard", lang))
        gone = withdrawn_edition(turn.session, number)
        if gone is not None and gone.withdrawn_on is not None:
            text = phrase("lookup_withdrawn", lang, code=display_code(gone.code, lang), name=gone.name,
                          date=long_date(gone.withdrawn_on, lang), url=url)
        elif listed_on is not None:
            text = phrase("lookup_not_listed", lang, number=number, date=long_date(listed_on, lang), url=url)
        else:
            text = phrase("lookup_not_found", lang, number=number, url=url)
        return [m.text(text, [more])]
    current = latest(found)
    notes: list[m.Message] = []
    if year is not None:
        asked = next((s for s in found if s.year == year), None)
        if asked is None:
            listed = ", ".join(display_code(s.code, lang) for s in found)
            notes.append(m.text(phrase("lookup_year_not_found", lang, number=number, year=year, editions=listed)))
        elif not asked.is_current:
            notes.append(m.text(phrase("lookup_superseded", lang, code=display_code(asked.code, lang),
                                       current=display_code(current.code, lang))))
    category = m.postback(phrase("lookup_button_more", lang), f"action=category&key={current.category}",
                          category_label(current.category, lang))
    find = m.postback(phrase("button_find_standard", lang), "action=find_standard", phrase("button_find_standard", lang))
    quick = [category, find] if current.category in categories_by_key() else [find]
    alt = f"{display_code(current.code, lang)} {display_name(current, lang)}"
    return [*notes, m.flex(alt, standard_bubble(current, lang, listed_on=listed_on), quick)]


def withdrawn_edition(session: Session, number: int) -> Standard | None:
    """The newest edition of ``number`` that TISI's list no longer has (kept for history), if any."""
    return session.scalars(select(Standard).where(Standard.number == number, Standard.withdrawn_on.is_not(None))
                           .order_by(Standard.year.desc()).limit(1)).first()


def category_messages(lang: str, key: str) -> list[m.Message]:
    """The current standards of category ``key`` in our data as a carousel of tappable rows."""
    label = category_label(key, lang)
    listed = sorted((s for s in get_brain().bundle.standards if s.category == key and s.is_current),
                    key=lambda s: s.number)
    url = tisi_standard_list_url()
    if not listed:
        return [m.text(phrase("lookup_category_empty", lang, label=label, url=url))]
    pages = [listed[i:i + ROWS_PER_BUBBLE] for i in range(0, len(listed), ROWS_PER_BUBBLE)][:12]
    bubbles = [_category_bubble(lang, label, len(listed), page, n, len(pages), url) for n, page in enumerate(pages, 1)]
    quick = [m.postback(display_name(s, lang), f"action=lookup&n={s.number}", display_code(s.code, lang))
             for s in listed[:m.MAX_QUICK_REPLIES]]
    names = ", ".join(display_name(s, lang) for s in listed)
    alt = phrase("lookup_category_alt", lang, label=label, count=len(listed), names=names)
    return [m.flex(alt, m.carousel(bubbles), quick)]


def _category_bubble(lang: str, label: str, count: int, page: list[StandardRecord], number: int, pages: int,
                     url: str) -> dict[str, Any]:
    title = phrase("lookup_category_title", lang, label=label)
    if pages > 1:
        title += " " + phrase("lookup_category_page", lang, page=number, pages=pages)
    rows = [flex.box([flex.text(display_code(s.code, lang), size="xs", color=flex.MUTED, flex=3),
                      flex.text(display_name(s, lang), size="sm", flex=5)], layout="horizontal", spacing="md",
                     paddingAll="sm",
                     action=m.postback(display_name(s, lang), f"action=lookup&n={s.number}", display_code(s.code, lang)))
            for s in page]
    header = flex.box([flex.text(title, weight="bold", size="md", color="#FFFFFF"),
                       flex.text(phrase("lookup_category_count", lang, count=count), size="xs", color="#D6EDE6")],
                      backgroundColor=HEADER_COLOUR)
    return flex.bubble(rows, header=header, spacing="xs",
                       footer=[flex.button(m.link(phrase("lookup_category_more", lang), url))])


def _one_number(text: str) -> tuple[int, int | None] | None:
    """(number, year or None) from a message that holds one standard number, else None."""
    text = to_arabic_digits(text or "")
    match = _ONE_NUMBER.match(text)
    if match is None or int(match[1]) == 0:
        return parse_standard_ref(text)
    year = int(match[2]) if match[2] else None
    if year is not None and 1900 <= year < 2200:  # a Christian-era year
        year += 543
    return int(match[1]), year if year is None or 2400 <= year <= 2700 else None





STEPS: Steps = {"code": on_text}
