"""Match keys derived from official titles, for standards nobody wrote aliases for.

A standard synced from TISI's list arrives with its Thai and English titles only. Producers
rarely write a title as TISI does: they leave out generic heads ("ผลิตภัณฑ์…"), name one part
of "A และ B", write the head noun alone ("ไวน์มะเม่า" for ไวน์ผลไม้) or use an everyday word
("ล้างมือ" for ทำความสะอาดมือ). :func:`derive_title_terms` turns each title into such keys,
with a strength per kind of derivation; the word lists live in ``knowledge/title_words.yaml``.
Pure functions: the tokenizer is passed in.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.nlp.normalize import normalize_text
from bot.nlp.records import StandardRecord

# Strength of a derived key (compare bot.nlp.lexicon: title 1.0, alias 0.97, broad word 0.6).
WEIGHT_STRIPPED = 0.96  # the title without its generic prefix, or one part of "A และ B"
WEIGHT_VARIANT = 0.93  # the same with a title word replaced by an everyday word
WEIGHT_HEAD = 0.6  # the head noun alone, or X of "… จาก X": always a short list
WEIGHT_KIND = 0.6  # a well-known kind of a general word the title holds ("ทองหยอด" for ขนมไทย): a short list

MIN_REST_LEN = 5  # "น้ำ|เฉาก๊วย" → "เฉาก๊วย", but not "เครื่อง|เงิน" → "เงิน"
_PARENTHESES = re.compile(r"\([^)]*\)")
_EN_WORD = re.compile(r"[a-z][a-z'-]*")
_EN_QUALIFIER = re.compile(r" (?:for|of|with|in) ")  # "costume for ladies": the head is before it
_TONE_MARKS = re.compile("[\u0e48-\u0e4b]")  # ่ ้ ๊ ๋: text taken from PDFs often lost them


@dataclass(frozen=True)
class TitleWords:
    """The word lists of ``knowledge/title_words.yaml``."""

    prefixes: tuple[str, ...] = ()
    from_words: tuple[str, ...] = ()
    and_words: tuple[str, ...] = ()
    non_heads: frozenset[str] = frozenset()
    en_stopwords: frozenset[str] = frozenset()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    process_words: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> TitleWords:
        """Build from the parsed YAML (every section optional)."""
        def words(name: str) -> tuple[str, ...]:
            raw = data.get(name) or []
            if not isinstance(raw, list):
                raise ValueError(f"title_words.yaml: {name} must be a list")
            return tuple(normalize_text(str(w)) for w in raw if str(w).strip())

        def lists(name: str) -> dict[str, tuple[str, ...]]:
            raw = data.get(name) or {}
            if not isinstance(raw, dict) or not all(isinstance(v, list | None) for v in raw.values()):
                raise ValueError(f"title_words.yaml: {name} must map a word to a list")
            return {normalize_text(str(k)): tuple(normalize_text(str(v)) for v in (vals or []))
                    for k, vals in raw.items()}

        # Longest prefix first, so "products made of" is tried before "products".
        prefixes = tuple(sorted(words("prefixes"), key=len, reverse=True))
        return cls(prefixes, words("from_words"), words("and_words"), frozenset(words("non_heads")),
                   frozenset(words("en_stopwords")), lists("synonyms"), lists("kinds"),
                   frozenset(words("process_words")))


Tokenize = Callable[[str], Sequence[str]]


def derive_title_terms(
    records: Iterable[StandardRecord], vocab: TitleWords, tokenize: Tokenize
) -> list[tuple[str, int, float]]:
    """(term, standard number, strength) for every key derived from current titles."""
    out: list[tuple[str, int, float]] = []
    for record in records:
        if not record.is_current:
            continue
        terms: dict[str, float] = {}
        for title in (record.name, record.name_en):
            if title.strip():
                for term, weight in _title_terms(normalize_text(title), vocab, tokenize):
                    if term and weight > terms.get(term, 0.0):
                        terms[term] = weight
        for term, weight in _kinds(terms, vocab.kinds):
            terms[term] = max(weight, terms.get(term, 0.0))
        out.extend((term, record.number, weight) for term, weight in terms.items())
    return out


def plain_heads(records: Iterable[StandardRecord], vocab: TitleWords) -> dict[str, frozenset[int]]:
    """Head key → the current standards whose title is that head and a process word
    ("น้ำพริก" → น้ำพริกผัด's number): they name the head in general (see ``process_words``)."""
    out: dict[str, set[int]] = {}
    for record in records:
        if not record.is_current:
            continue
        body = _strip_prefix(normalize_text(record.name), vocab.prefixes).replace(" ", "")
        for word in vocab.process_words:
            head = body[: -len(word)]
            if body.endswith(word) and len(head) >= 2:
                out.setdefault(head, set()).add(record.number)
    return {head: frozenset(numbers) for head, numbers in out.items()}


def _kinds(terms: Mapping[str, float], kinds: Mapping[str, tuple[str, ...]]) -> list[tuple[str, float]]:
    """Every well-known kind of a general word that is one of a title's keys ("จักสาน" → ตะกร้า, กระด้ง)."""
    keys = {term.replace(" ", "") for term in terms}
    return [(kind, WEIGHT_KIND) for general, members in kinds.items() if general.replace(" ", "") in keys
            for kind in members]


def _title_terms(title: str, vocab: TitleWords, tokenize: Tokenize) -> list[tuple[str, float]]:
    title = _PARENTHESES.sub(" ", title).strip(" ,.")
    english = bool(_EN_WORD.search(title)) and not any("\u0e01" <= ch <= "\u0e4e" for ch in title)
    found: list[tuple[str, float]] = [(title, WEIGHT_STRIPPED)]
    body = _strip_prefix(title, vocab.prefixes)
    if body != title:
        found.append((body, WEIGHT_STRIPPED))
    if english:  # "shirts, ta-lok-bla-ygor style": what follows the comma qualifies the head
        body = body.split(",", 1)[0].strip()
    parts = _split_and(body, vocab.and_words)
    if len(parts) > 1:
        for part in parts:
            single_word = english and " " not in part  # "blouses" alone is a broad word
            found.append((_singular(part) if single_word else part, WEIGHT_HEAD if single_word else WEIGHT_STRIPPED))
    for part in parts:
        tail = _after_from(part, vocab.from_words)
        if tail:
            found.append((tail, WEIGHT_HEAD))
            continue  # "ประดิษฐ์จาก…": the head is a verb, the content is after "จาก"
        heads = _english_heads(part, vocab) if english else _thai_heads(part, vocab, tokenize)
        found.extend((head, WEIGHT_HEAD) for head in heads if head != part)
    found.extend(_variants(found, vocab.synonyms))
    return found


def _strip_prefix(title: str, prefixes: Iterable[str]) -> str:
    """Drop a generic head: "ผลิตภัณฑ์…" in front, or "… products" at the end of an English title."""
    for prefix in prefixes:
        if prefix.isascii():
            words = title.split()
            if len(words) > 1 and words[-1] == prefix:
                return " ".join(words[:-1])
            if len(words) > 1 and words[0] == prefix:
                return " ".join(words[1:])
        elif title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix):].strip(" ,")
    return title


def _split_and(text: str, and_words: Iterable[str]) -> list[str]:
    parts = [text]
    for word in and_words:
        spaced = f" {word} " if word.isascii() else word
        parts = [p.strip(" ,") for part in parts for p in part.split(spaced) if p.strip(" ,")]
    # "blouses and skirts" / "A, B": commas separate parts too.
    return [p.strip() for part in parts for p in part.split(",") if p.strip()]


def _after_from(text: str, from_words: Iterable[str]) -> str:
    padded = f" {text} "
    for word in from_words:
        spaced = f" {word} " if word.isascii() else word
        if spaced in padded:
            tail = padded.split(spaced, 1)[1].strip()
            if len(tail) >= 3:
                return tail
    return ""


def _thai_heads(text: str, vocab: TitleWords, tokenize: Tokenize) -> list[str]:
    """The first word of a multi-word title ("ไส้กรอก|อีสาน" → "ไส้กรอก"); when that word is too
    broad or short, the first two words and the rest ("น้ำ|เฉาก๊วย" → "เฉาก๊วย")."""
    words = [w for w in tokenize(text.replace(" ", "")) if w.strip()]
    if len(words) < 2:
        return []
    if words[0] not in vocab.non_heads and len(words[0]) >= 3:
        return [words[0]]
    heads = ["".join(words[:2])] if len(words) > 2 else []
    rest = "".join(words[1:])
    if words[0] in vocab.non_heads and len(rest) >= MIN_REST_LEN:
        heads.append(rest)
    return heads


def _english_heads(text: str, vocab: TitleWords) -> list[str]:
    """English puts the head noun last: "fruit wine" → "wine" ("desserts" → "dessert")."""
    text = _EN_QUALIFIER.split(f" {text} ", 1)[0]
    words = [w for w in _EN_WORD.findall(text) if w not in vocab.en_stopwords]
    if len(words) < 2:
        return []
    head = _singular(words[-1])
    return [head] if len(head) >= 3 else []


def _singular(word: str) -> str:
    """"desserts" → "dessert" (enough for title heads; "grass" stays)."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _variants(found: list[tuple[str, float]], synonyms: Mapping[str, tuple[str, ...]]) -> list[tuple[str, float]]:
    """Each key with a title word replaced by each of its everyday words. The title word is found with
    or without its tone marks ("ข้าวแตน" holds ข้าวแต๋น), and then the key spelt with them is one too."""
    bare_title = _toneless(found[0][0])  # the whole title: every other key is made of its words
    relevant = [(word, bare, everyday) for word, everyday in synonyms.items()
                if (bare := _toneless(word)) in bare_title]
    out: list[tuple[str, float]] = []
    for term, weight in found if relevant else ():
        for word, bare, everyday in relevant:
            spelt = word if word in term else _spelt_in(term, bare)
            if spelt:
                alternatives = everyday if spelt == word else (word, *everyday)
                out.extend((term.replace(spelt, alt), min(weight, WEIGHT_VARIANT)) for alt in alternatives)
    return out


@lru_cache(maxsize=4096)
def _toneless(text: str) -> str:
    return _TONE_MARKS.sub("", text)


def _spelt_in(text: str, bare: str) -> str:
    """How ``text`` spells the toneless ``bare``, tone marks and all ("ข้าวแตน" for ขาวแตน), or ""."""
    found = re.search("".join(re.escape(ch) + "[\u0e48-\u0e4b]?" for ch in bare), text)
    return found.group(0) if found else ""
