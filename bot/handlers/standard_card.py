"""The card of one standard, the same wherever a standard is shown: a product answer, a look-up by code.

Code and name, the English title for English readers, category, what it covers (the kinds of product:
scope keywords that the aliases file lists as kinds, else example kinds from that file), what else its
scope mentions (raw materials, ingredients: never labelled as "covers"), every edition we know, and links to its PDF (from TISI's list), its
source and TISI's list.
A card in a product answer also says which product it is for and has a "choose this" button.
"""
from __future__ import annotations

from datetime import date

from bot.cases.applications import in_thailand
from bot.cases.thaidate import format_thai_date_en, format_thai_date_long
from bot.config import tisi_standard_list_url
from bot.knowledge.brain import get_brain, tisi_synced_at
from bot.knowledge.replies import phrase
from bot.line import flex
from bot.line import messages as m
from bot.nlp.categories import categories_by_key
from bot.nlp.records import StandardRecord

HEADER_COLOUR = "#0F5A4A"
MAX_COVERS_CHARS = 160  # what a card in a product answer shows of the scope (six cards side by side)
# Alias sources that name kinds of product a standard covers (knowledge/README.md).
EXAMPLE_ALIAS_SOURCES = frozenset({"scope", "subtype"})


def display_code(code: str, lang: str) -> str:
    """ "มผช. 129/2546" for Thai readers, "TCPS 129/2546" in English."""
    return code.replace("มผช.", "TCPS", 1) if lang == "en" else code


def display_name(record: StandardRecord, lang: str) -> str:
    """The standard's name for the reader: in English TISI's English title ("THAI DESSERTS" → "Thai Desserts"),
    else our English name of the product (``english`` in aliases.csv: "Fried chili paste"); else the Thai name."""
    if lang == "en" and record.name_en:
        return record.name_en.title() if record.name_en.isupper() else record.name_en
    english = english_name(record.number) if lang == "en" else None
    return english[:1].upper() + english[1:] if english else record.name


def category_label(key: str, lang: str) -> str:
    category = categories_by_key().get(key)
    return category.label(lang) if category else (key or "-")


def editions(number: int) -> list[StandardRecord]:
    """Every edition of standard ``number`` we know, oldest first."""
    return sorted((s for s in get_brain().bundle.standards if s.number == number), key=lambda s: s.year)


def list_checked_on() -> date | None:
    """The day (Thai time) of the last complete sync with TISI's list; None while our list is partial
    (read with the knowledge version, not per answer)."""
    synced_at = tisi_synced_at()
    return in_thailand(synced_at).date() if synced_at else None


def long_date(day: date, lang: str) -> str:
    """``1 ธันวาคม 2569`` (Buddhist era) for Thai readers, ``1 December 2026`` in English."""
    return format_thai_date_en(day) if lang == "en" else format_thai_date_long(day)


def standard_bubble(record: StandardRecord, lang: str, *, for_product: str | None = None,
                    pick: bool = False, listed_on: date | None = None) -> flex.Component:
    """The card of ``record`` (the current edition); ``for_product`` and ``pick`` for a product answer;
    ``listed_on``: the day our catalogue was last checked against TISI's list (None: it is partial)."""
    body: list[flex.Component] = []
    if for_product:
        body.append(flex.text(phrase("product_card_for", lang, product=m.clip(for_product, 40)), size="xs",
                              color=flex.MUTED))
    body.append(flex.text(display_name(record, lang), weight="bold", size="lg"))
    if not record.name_en and display_name(record, lang) != record.name:  # our English name: the official one too
        body.append(flex.row(phrase("lookup_label_name_th", lang), record.name))
    body.append(flex.row(phrase("lookup_label_category", lang), category_label(record.category, lang)))
    limit = MAX_COVERS_CHARS if pick else None
    body.append(flex.row(phrase("lookup_label_covers", lang), covers(record, lang, limit)))
    mentioned = scope_words(record)[1]
    if mentioned:
        listed = ", ".join(mentioned)
        body.append(flex.row(phrase("lookup_label_mentions", lang), m.clip(listed, limit) if limit else listed))
    body += _edition_lines(record, lang)
    note = (phrase("lookup_list_note", lang, date=long_date(listed_on, lang)) if listed_on
            else phrase("lookup_partial_note", lang))
    body.append(flex.text(note, size="xxs", color=flex.MUTED, margin="md"))
    header = flex.box([flex.text(phrase("lookup_header", lang), size="xs", color="#D6EDE6"),
                       flex.text(display_code(record.code, lang), weight="bold", size="xl", color="#FFFFFF")],
                      backgroundColor=HEADER_COLOUR)
    return flex.bubble(body, header=header, footer=_buttons(record, lang, pick), size="kilo" if pick else None)


def _kinds(number: int) -> list[str]:
    """Kinds of product standard ``number`` covers, from the aliases file (sources scope, subtype)."""
    return [a.alias for a in get_brain().bundle.aliases if a.number == number and a.source in EXAMPLE_ALIAS_SOURCES]


def scope_words(record: StandardRecord) -> tuple[list[str], list[str]]:
    """The scope keywords split in two: kinds of product the standard covers (those the aliases file lists
    as kinds of it) and the other words of its scope (raw materials, ingredients: "หนังหมู" for หมูยอ)."""
    kinds = set(_kinds(record.number))
    return [k for k in record.keywords if k in kinds], [k for k in record.keywords if k not in kinds]


def covers(record: StandardRecord, lang: str, limit: int | None = None) -> str:
    """What the standard covers: the kinds among its scope keywords, else example kinds from the aliases
    file (clipped to ``limit`` in a carousel, where six cards must fit). Ingredients are not kinds."""
    kinds = scope_words(record)[0]
    if kinds:
        listed = ", ".join(kinds)
        return m.clip(listed, limit) if limit else listed
    examples = _kinds(record.number)
    if examples:
        return phrase("product_card_examples", lang, examples=m.clip(", ".join(examples[:6]), MAX_COVERS_CHARS))
    return phrase("lookup_covers_unknown", lang)


def english_name(number: int) -> str | None:
    return next((a.alias for a in get_brain().bundle.aliases if a.number == number and a.source == "english"), None)


def _edition_lines(record: StandardRecord, lang: str) -> list[flex.Component]:
    lines: list[flex.Component] = [{"type": "separator", "margin": "md"},
                                   flex.text(phrase("lookup_label_editions", lang), size="sm", color=flex.MUTED,
                                             margin="md")]
    for edition in reversed(editions(record.number)):
        name = f" {edition.name}" if edition.name != record.name else ""
        code = display_code(edition.code, lang)
        if edition.is_current and edition.year == record.year:
            line = phrase("lookup_edition_current", lang, code=code, name=name)
        else:
            line = phrase("lookup_edition_old", lang, code=code, name=name,
                          current=display_code(edition.superseded_by or record.code, lang))
        lines.append(flex.text("• " + line, size="sm"))
    return lines


def _buttons(record: StandardRecord, lang: str, pick: bool) -> list[flex.Component]:
    buttons = []
    if pick:
        buttons.append(flex.button(m.postback(
            phrase("product_button_pick", lang), f"action=pick_standard&n={record.number}",
            phrase("product_pick_display", lang, code=display_code(record.code, lang),
                   name=display_name(record, lang))), "primary"))
    if record.pdf_url.startswith(("https://", "http://")):
        buttons.append(flex.button(m.link(phrase("lookup_button_pdf", lang), record.pdf_url)))
    if record.source.startswith(("https://", "http://")) and record.source != tisi_standard_list_url():
        buttons.append(flex.button(m.link(phrase("lookup_button_source", lang), record.source)))
    buttons.append(flex.button(m.link(phrase("lookup_button_tisi_list", lang), tisi_standard_list_url())))
    return buttons
