"""The contact card of an office (Flex) and, when its map position is known, a LINE location message.

Thai names for Thai readers, English names for English readers. An office without a sourced phone or
address says so and links the ministry's list of offices; nothing is ever filled in by guess.
"""
from __future__ import annotations

import re

from bot.directory.data import Contact, directory
from bot.knowledge.replies import phrase
from bot.line import flex
from bot.line import messages as m

HEADER_COLOUR = "#0F5A4A"
_NOT_DIGIT = re.compile(r"\D+")


def office_name(contact: Contact, lang: str) -> str:
    return contact.name_en if lang == "en" and contact.name_en else contact.name_th


def _address(contact: Contact, lang: str) -> str | None:
    return (contact.address_en or contact.address_th) if lang == "en" else (contact.address_th or contact.address_en)


def _hours(contact: Contact, lang: str) -> str:
    if contact.opening_hours:
        return contact.opening_hours
    general = directory().general_opening_hours
    return f"{general.get(lang) or general.get('th', '')} {phrase('office_hours_general_note', lang)}".strip()


def tel_uri(phone: str) -> str | None:
    """``tel:`` link of the first number in ``phone`` ("043-123 456, 043-…" → ``tel:043123456``)."""
    digits = _NOT_DIGIT.sub("", re.split(r"[,;/]|ต่อ|ext", phone, maxsplit=1)[0])
    return f"tel:{digits}" if len(digits) >= 6 else None


def contact_messages(contact: Contact, lang: str, quick_replies: list[m.Action] | None = None) -> list[m.Message]:
    """The card, then the location message when latitude and longitude are known."""
    name = office_name(contact, lang)
    unknown = phrase("office_not_known", lang)
    province = contact.province_en if lang == "en" and contact.province_en else contact.province
    body = [flex.row(phrase("office_label_address", lang), _address(contact, lang) or unknown),
            flex.row(phrase("office_label_phone", lang), contact.phone or unknown),
            flex.row(phrase("office_label_hours", lang), _hours(contact, lang))]
    if contact.website:
        body.append(flex.row(phrase("office_label_website", lang), contact.website))
    ministry = directory().ministry_offices_url
    if contact.is_tisi:
        body.append(flex.text(phrase("office_bangkok_note", lang), size="sm"))
    elif not contact.reachable:
        body.append(flex.text(phrase("office_unknown_note", lang, url=ministry), size="sm"))
    if contact.source:
        body.append(flex.text(phrase("office_source", lang, source=contact.source), size="xxs", color=flex.MUTED))
    header = flex.box([flex.text(name, weight="bold", color="#FFFFFF"),
                       flex.text(phrase("office_province", lang, province=province), size="sm", color="#FFFFFF")],
                      backgroundColor=HEADER_COLOUR, paddingAll="md")
    footer = []
    call = tel_uri(contact.phone) if contact.phone else None
    if call:
        footer.append(flex.button(m.link(phrase("office_button_call", lang), call), "primary"))
    if contact.website:
        footer.append(flex.button(m.link(phrase("office_button_website", lang), contact.website)))
    if not contact.reachable and ministry:
        footer.append(flex.button(m.link(phrase("office_button_ministry_list", lang), ministry)))
    alt = (phrase("office_alt", lang, name=name, phone=contact.phone) if contact.phone
           else phrase("office_alt_unknown", lang, name=name, url=ministry))
    messages = [m.flex(alt, flex.bubble(body, header=header, footer=footer or None))]
    if contact.located:
        messages.append(m.location(name, _address(contact, lang) or province, contact.latitude or 0.0,
                                   contact.longitude or 0.0))
    messages[-1] = m.with_quick_replies(messages[-1], quick_replies)  # LINE shows the last message's only
    return messages
