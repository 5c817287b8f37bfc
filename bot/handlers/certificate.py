"""Check a มผช. certificate in LINE: "ตรวจสอบใบรับรอง มผช. ชม 0012/2567", "ตรวจสอบใบรับรอง น้ำพริกแกง
เชียงใหม่", "check certificate …".

A number must match a certificate exactly (Thai digits and spacing aside); a name (holder or product)
is searched only together with a province and shows at most ``MAX_LISTED`` certificates. Every lookup,
found or not, counts towards the per-user limit (bot.certificates.ratelimit), so numbers cannot be
enumerated. The card shows only what TISI publishes (bot.certificates.facts). Intent ``certificate_check``;
flow ``certificate`` (step ``query``) when the user gave nothing to look up yet; postback
``action=certificate&n=<number>`` from a list.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from bot.cases.applications import today_in_thailand
from bot.cases.thaidate import format_thai_date, format_thai_date_en
from bot.certificates.facts import Facts, facts_of, verify_url
from bot.certificates.model import Certificate
from bot.certificates.ratelimit import allowed, record
from bot.certificates.records import count_lookup, find_certificate, search_certificates
from bot.directory.recognise import find_province
from bot.handlers.office_contact import office_button
from bot.handlers.turn import HAND_OVER, Reply, Steps, Turn
from bot.knowledge.replies import phrase
from bot.line import flex
from bot.line import messages as m
from bot.nlp.normalize import to_arabic_digits

FLOW = "certificate"
MAX_LISTED = 5
STATE_COLOURS = {"valid": "#11643A", "expired": "#8A4B00", "suspended": "#8A4B00", "revoked": "#A01818"}
_LEAD = re.compile(
    r"^\s*(?:ช่วย|ขอ)?\s*(?:ตรวจสอบ|ตรวจ|เช็ค|เช็ก|check|verify)?\s*(?:a\s+|the\s+|this\s+)?"
    r"(?:ใบรับรอง|certificate)?\s*(?:มาตรฐานผลิตภัณฑ์ชุมชน|ม\.?\s*ผ\.?\s*ช\.?|tcps)?\s*"
    r"(?:ของ|เลขที่|เลข|หมายเลข|number|no\.?|for|of)?\s*", re.IGNORECASE)
_TAIL = re.compile(r"\s*(?:ให้หน่อย|หน่อย|ค่ะ|คะ|ครับ|นะ|จ้า|please|\?|ไหม|มั้ย)+\s*$", re.IGNORECASE)


def query_of(text: str) -> str:
    """What to look up: the message without "ตรวจสอบใบรับรอง มผช. (เลขที่)" and polite endings."""
    rest = _LEAD.sub("", to_arabic_digits(text or ""), count=1)
    return _TAIL.sub("", rest).strip()


def check(turn: Turn) -> list[m.Message]:
    """The intent: look up what the message names, or ask what to look up."""
    query = query_of(turn.incoming.text)
    if not query:
        turn.enter(FLOW, "query")
        return [m.text(phrase("cert_ask", turn.lang))]
    return answer(turn, query)


def on_query(turn: Turn) -> Reply:
    """The text after "what should I check?": a number or a name with a province; else routed as usual."""
    turn.leave()
    query = query_of(turn.incoming.text)
    if turn.intent and turn.intent.intent == "certificate_check":
        return check(turn)
    if not re.search(r"\d", query) and find_province(query) is None:
        return HAND_OVER
    return answer(turn, query)


def on_postback(turn: Turn) -> list[m.Message]:
    """``action=certificate&n=<number>`` (picked from a list): looked up like a typed number."""
    number = turn.postback.get("n", "")[:64]
    return answer(turn, number) if number else check(turn)


def answer(turn: Turn, query: str) -> list[m.Message]:
    """One counted lookup: the card, a short list, or "none found" with the office button."""
    client = f"line:{turn.user.id}"
    if not allowed(turn.session, client, turn.now):
        return [m.text(phrase("cert_too_many", turn.lang))]
    found = _find(turn, query)
    record(turn.session, client, bool(found), turn.now)
    if found is None:
        return [m.text(phrase("cert_need_province", turn.lang))]
    if not found:
        province = find_province(query)
        return [m.text(phrase("cert_none", turn.lang, query=m.clip(query, 60)), [office_button(turn.lang, province)])]
    if len(found) == 1:
        count_lookup(turn.session, found[0])
        return [card(turn, found[0])]
    return [_choices(turn, found)]


def _find(turn: Turn, query: str) -> list[Certificate] | None:
    """The exact number, else a name search within the province named; None when a name comes without one."""
    for candidate in _number_candidates(query):
        exact = find_certificate(turn.session, candidate)
        if exact is not None:
            return [exact]
    province = find_province(query)
    if province is None:
        return [] if re.search(r"\d", query) else None
    words = _name_words(query, province)
    if not words:
        return None
    return search_certificates(turn.session, words, province, MAX_LISTED)


def _number_candidates(query: str) -> list[str]:
    """The whole query, and each part holding a digit ("… 0012/2567 ค่ะ" → "0012/2567")."""
    parts = query.split()
    joined = [" ".join(parts[i:i + 2]) for i in range(len(parts) - 1)]
    return [query, *[p for p in (*joined, *parts) if re.search(r"\d", p)]]


def _name_words(query: str, province: str) -> list[str]:
    text = query.replace(f"จังหวัด{province}", " ").replace(f"จ.{province}", " ").replace(province, " ")
    return [w for w in text.split() if w not in ("จังหวัด", "จ.", "ใน", "in", "province") and find_province(w) is None]


def card(turn: Turn, certificate: Certificate) -> m.Message:
    """The certificate's Flex card: the state in plain words, then the published facts."""
    lang = turn.lang
    facts = facts_of(turn.session, certificate, today_in_thailand())
    state = phrase(f"cert_state_{facts.state}", lang)
    body = [flex.text(phrase("cert_title", lang), size="sm", color=flex.MUTED),
            flex.text(state, weight="bold", size="xl", color=STATE_COLOURS[facts.state])]
    if facts.state != "valid":
        body.append(flex.text(phrase(f"cert_warning_{facts.state}", lang), size="sm", color="#8A1C1C"))
    body.extend(flex.row(phrase(key, lang), m.clip(value, 200)) for key, value in _rows(facts, lang))
    url = verify_url(certificate)
    footer = [flex.button(m.link(phrase("cert_open_page", lang), url))] if url else None
    alt = phrase("cert_alt", "th", number=facts.number, state=phrase(f"cert_state_{facts.state}", "th"))
    return m.flex(alt, flex.bubble(body, footer=footer), [office_button(lang, facts.province)])


def _rows(facts: Facts, lang: str) -> list[tuple[str, str]]:
    day = format_thai_date_en if lang == "en" else format_thai_date
    standard = f"{facts.standard_code} {facts.standard_title}".strip()
    return [("cert_number", facts.number), ("cert_product", facts.product), ("cert_standard", standard),
            ("cert_holder", facts.holder_name or phrase("cert_unknown_holder", lang)),
            ("cert_province", facts.province), ("cert_expires", day(facts.expires_on))]


def _choices(turn: Turn, found: list[Certificate]) -> m.Message:
    lines = [phrase("cert_several", turn.lang, count=len(found))]
    lines += [f"{i}. {c.holder_name or c.product} – {c.product} ({c.number})" for i, c in enumerate(found, 1)]
    buttons = [m.postback(m.clip(c.holder_name or c.product, 20), urlencode({"action": "certificate", "n": c.number}),
                          c.number) for c in found]
    return m.text("\n".join(lines), buttons)


STEPS: Steps = {"query": on_query}
