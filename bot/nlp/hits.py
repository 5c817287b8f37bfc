"""Which exact key hits of a product phrase stand for the product (pure functions of the matcher)."""
from __future__ import annotations

from bot.nlp.lexicon import STANDARD, WEIGHT_ALIAS, WEIGHT_GENERIC, LexiconEntry
from bot.nlp.preprocess import Phrase
from bot.nlp.verdicts import Evidence

MIN_REST_LEN = 3  # shorter leftovers say nothing about which standard is meant
CLASS_WORD_LEN = 3  # ขนม, ชา, หมู: a key this short glued before another one is its class word
CLASS_WORD_SHARE = 0.95  # the class word's standards come after the product's, at most this share of its best

Hit = tuple[int, int, LexiconEntry]  # start, end, entry


def drop_modifiers(hits: list[Hit], phrase: Phrase) -> list[Hit]:
    """Thai puts the head first: after a not-covered head ("สบู่เหลว", "เทียนหอม"), a broad or
    derived key written right after it ("…ล้างมือ", "…ไขถั่วเหลือง") describes that product."""
    start, _end, head = hits[0]
    if start != 0 or head.kind == STANDARD:
        return hits
    kept = [hits[0]]
    for hit in hits[1:]:
        glued = phrase.display_span(0, hit[1]).count(" ") == 0
        if hit[2].kind == STANDARD and glued and max(hit[2].weights.values()) < WEIGHT_ALIAS:
            continue
        kept.append(hit)
    return kept


def may_override(hits: list[Hit], fuzzy_entry: LexiconEntry) -> bool:
    """A whole-phrase fuzzy match may replace the exact scan unless it contradicts
    a confident exact hit on the head word ("ข้าวแต๋น…" stays ข้าวแต๋น)."""
    if not hits:
        return True
    head = hits[0][2]
    if head.kind != STANDARD or max(head.weights.values()) <= WEIGHT_GENERIC:
        return True
    return bool(head.numbers & fuzzy_entry.numbers)


def rest_or_whole(text: str, start: int, end: int) -> str:
    """The words around a broad key tell the standards sharing it apart ("ใบบัวบก|อบแห้ง")."""
    rest = text[:start] + text[end:]
    return rest if len(rest) >= MIN_REST_LEN else text


def head_spans(phrase: Phrase) -> list[str]:
    """The phrase and its token prefixes (Thai puts the head noun first), longest first."""
    ends = sorted(phrase.boundaries, reverse=True)
    return [phrase.text[:end] for end in ends[:4] if end >= MIN_REST_LEN]


def strongest(units: list[Evidence]) -> float:
    """The strongest evidence of any kind among ``units`` (a standard's score or a not-covered kind's)."""
    return max((max([u.other_score, *u.scores.values()]) for u in units), default=0.0)


def fold_class_words(units: list[Evidence], hits: list[Hit], phrase: Phrase) -> list[Evidence]:
    """A short key glued before a longer one names that product's class ("ขนม|ฝอยทอง", "ชา|ลูกใต้ใบ"):
    one product, its own standards first and the class word's after them. ``units[i]`` is ``hits[i]``'s."""
    out: list[Evidence] = []
    i = 0
    while i < len(units):
        start, end, entry = hits[i]
        after = hits[i + 1] if i + 1 < len(hits) else None
        if (after is None or end - start > CLASS_WORD_LEN or after[0] != end or after[1] - after[0] <= CLASS_WORD_LEN
                or STANDARD != entry.kind or after[2].kind != STANDARD or " " in phrase.display_span(start, after[1])):
            out.append(units[i])
            i += 1
            continue
        head, product = units[i], units[i + 1]
        cap = max(product.scores.values(), default=0.0) * CLASS_WORD_SHARE
        merged = Evidence(phrase=phrase.display_span(start, after[1]))
        for number, score in (*((n, min(s, cap)) for n, s in head.scores.items()), *product.scores.items()):
            merged.add(number, score)
        out.append(merged)
        i += 2
    return out
