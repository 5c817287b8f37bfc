"""The "next steps" card after a standard is picked: where to apply, what to bring, the standard's PDF.

Shown for the postback ``action=pick_standard&n=<number>`` and with a confident single match. One Flex
bubble that fits a phone screen:

* where to apply: the office of the user's province when known (the linked application's, see
  `bot.handlers.office_contact.button_for`), else "the provincial industry office of the province where
  you make it"; the "ติดต่อ สอจ." button opens that office's contact card;
* what to bring: the short list of ``knowledge/next_steps.yaml`` (items may be limited to categories);
* the standard's PDF (``StandardRecord.pdf_url``) when known;
* buttons for details: FAQ answers (documents, fees, how long), as ``action=faq&id=<entry>``.

A section whose facts are unverified gets a ``*`` on its heading and the card ONE footnote naming them;
the texts come from the knowledge files and never carry reasoning about the sources.
LINE limits: one bubble, far below 30 KB (tests measure it), button labels ≤ 20 characters.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import knowledge_file
from bot.directory.card import office_name
from bot.directory.provinces import user_province
from bot.directory.store import contact_for
from bot.handlers import office_contact
from bot.handlers.standard_card import HEADER_COLOUR, display_code, display_name
from bot.handlers.turn import Turn
from bot.knowledge.replies import catalog, phrase
from bot.line import flex
from bot.line import messages as m
from bot.nlp.records import StandardRecord

MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class Item:
    """One thing to bring (``categories``: only for standards of these categories; empty = all)."""

    th: str
    en: str
    categories: frozenset[str]

    def text(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.th


@dataclass(frozen=True)
class NextSteps:
    """``knowledge/next_steps.yaml``."""

    where_unverified: bool
    by_post: dict[str, str]
    bring_unverified: bool
    items: tuple[Item, ...]
    details: tuple[tuple[str, str], ...]  # (FAQ entry id, reply key of the button's label)

    def bring(self, category: str) -> list[Item]:
        """The items for a standard of ``category``."""
        return [i for i in self.items if not i.categories or category in i.categories]


def _texts(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or not str(data.get("th", "")).strip():
        raise ValueError(f"next_steps.yaml: {where} needs a Thai text (th)")
    return {lang: str(data.get(lang, "")).strip() for lang in ("th", "en")}


def load_next_steps(path: Path | None = None) -> NextSteps:
    """Read and check the file (default: the knowledge directory's ``next_steps.yaml``)."""
    return _load(path or knowledge_file("next_steps.yaml"))


@lru_cache(maxsize=4)
def _load(path: Path) -> NextSteps:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where, bring = data.get("where") or {}, data.get("bring") or {}
    items = []
    for index, raw in enumerate(bring.get("items") or []):
        texts = _texts(raw, f"bring.items[{index}]")
        items.append(Item(texts["th"], texts["en"], frozenset(raw.get("categories") or ())))
    if not items:
        raise ValueError("next_steps.yaml: bring.items is empty")
    replies = catalog()
    details = []
    for raw in data.get("details") or []:
        if raw.get("label") not in replies:
            raise ValueError(f"next_steps.yaml: no reply {raw.get('label')!r} for the button of {raw.get('faq')!r}")
        details.append((str(raw["faq"]), str(raw["label"])))
    return NextSteps(where_unverified=bool(where.get("unverified")), by_post=_texts(where.get("by_post"), "where.by_post"),
                     bring_unverified=bool(bring.get("unverified")), items=tuple(items), details=tuple(details))


def card(turn: Turn, record: StandardRecord, quick_replies: list[m.Action] | None = None) -> m.Message:
    """The next-steps Flex message for ``record``, for the user of ``turn`` (their province when known)."""
    lang = turn.lang
    steps = load_next_steps()
    province = turn.memo("office_province", lambda: user_province(turn.session, turn.user))
    contact = contact_for(turn.session, province) if province else None
    office = office_name(contact, lang) if contact else phrase("next_steps_where_unknown", lang)
    unverified = []
    body: list[flex.Component] = [_heading(phrase("next_steps_where", lang), steps.where_unverified),
                                  flex.text(office, size="sm", weight="bold"),
                                  flex.text(steps.by_post.get(lang) or steps.by_post["th"], size="xs", color=flex.MUTED)]
    if steps.where_unverified:
        unverified.append(phrase("next_steps_topic_where", lang))
    body += [{"type": "separator", "margin": "md"},
             _heading(phrase("next_steps_bring", lang), steps.bring_unverified)]
    body += [flex.text("• " + item.text(lang), size="sm") for item in steps.bring(record.category)]
    if steps.bring_unverified:
        unverified.append(phrase("next_steps_topic_bring", lang))
    pdf = record.pdf_url if record.pdf_url.startswith(("https://", "http://")) else ""
    if pdf:
        body += [{"type": "separator", "margin": "md"}, flex.text(phrase("next_steps_standard", lang), size="sm",
                                                                   margin="md")]
    if unverified:  # one footnote for the whole card
        body.append(flex.text(phrase("next_steps_footnote", lang, topics=", ".join(unverified)), size="xxs",
                              color=flex.MUTED, margin="lg"))
    name = m.clip(display_name(record, lang), MAX_NAME_CHARS)
    code = display_code(record.code, lang)
    header = flex.box([flex.text(phrase("next_steps_header", lang), size="xs", color="#D6EDE6"),
                       flex.text(f"{code} {name}", weight="bold", size="md", color="#FFFFFF")],
                      backgroundColor=HEADER_COLOUR)
    footer = [flex.button(office_contact.office_button(lang, province), "primary")]
    if pdf:
        footer.append(flex.button(m.link(phrase("next_steps_button_pdf", lang), pdf), "secondary"))
    footer += [flex.button(m.postback(phrase(label, lang), f"action=faq&id={entry}", phrase(label, lang)))
               for entry, label in steps.details]
    alt = phrase("next_steps_alt", lang, code=code, name=name, office=office)
    return m.flex(alt, flex.bubble(body, header=header, footer=footer), quick_replies)


def _heading(label: str, unverified: bool) -> flex.Component:
    return flex.text(label + (" *" if unverified else ""), size="sm", weight="bold", color=HEADER_COLOUR,
                     margin="md")
