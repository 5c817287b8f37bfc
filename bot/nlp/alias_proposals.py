"""From what a user typed to the alias an officer adds: the product phrases of a message, cleaned of the
chat words the preprocessor leaves ("อยากได้", "have", "2 กิโล"), and whether a new alias would have answered
a stored query. Pure functions over the preprocessor's phrases; the word lists are in knowledge/unmatched.yaml."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import yaml
from rapidfuzz import fuzz

from bot.config import knowledge_file
from bot.nlp.normalize import normalize_text

MIN_CHARS = 2  # a shorter phrase is not a product ("ก", "a")
COMBINE_MAX_CHARS = 12  # two short Thai parts may be one product typed with a comma ("กระเป๋า, ผักตบชวา")
SAME_PRODUCT_RATIO = 90  # rapidfuzz ratio of two spellings of one product ("น้ำพริกเผา" / "น้ำพริกเผ่า")
_THAI = re.compile(r"^[\u0e00-\u0e7f]+$")
_THAI_SPACE = re.compile(r"(?<=[\u0e00-\u0e7f]) +(?=[\u0e00-\u0e7f])")


@dataclass(frozen=True)
class ProposalWords:
    """Words that are not part of a product name, and quantity units (normalised)."""

    not_products: frozenset[str]
    units: frozenset[str]


def product_key(text: str) -> str:
    """The form two spellings of one product share: normalised, without spaces or dots."""
    return re.sub(r"[\s.\-_,]+", "", normalize_text(text))


def _strip(phrase: str, words: ProposalWords) -> str:
    """``phrase`` without leading/trailing non-product words (whole words or Thai prefixes) and quantities."""
    text = re.sub(r"\s+", " ", phrase).strip(" ,.?!:;-")
    unit = "|".join(sorted((re.escape(u) for u in words.units), key=len, reverse=True))
    if unit:
        text = re.sub(rf"\s*\d+(?:[.,]\d+)?\s*(?:{unit})?\.?$", "", text, flags=re.IGNORECASE).strip()
    changed = True
    while changed and text:
        changed = False
        for word in sorted(words.not_products, key=len, reverse=True):
            low = normalize_text(text)
            if low == word:
                return ""
            if low.startswith(word) and (_THAI.match(word) or low[len(word)] == " "):
                text, changed = text[len(word):].strip(), True
            elif low.endswith(word) and (_THAI.match(word) or low[-len(word) - 1] == " "):
                text, changed = text[: -len(word)].strip(), True
    return _THAI_SPACE.sub("", text)  # Thai writes one name without spaces: "กระเป๋า ผักตบชวา" → one word


def propose_aliases(phrases: Sequence[str], words: ProposalWords, text: str = "") -> list[str]:
    """The products of a message (its ``phrases``, from the preprocessor), cleaned, each once, in the user's
    order. Two short Thai parts that ``text`` separates by a comma only (perhaps one product: "กระเป๋า,
    ผักตบชวา") are also offered joined, last; parts joined by "และ"/"กับ" are separate products."""
    out: dict[str, str] = {}
    for phrase in phrases:
        product = _strip(phrase, words)
        key = product_key(product)
        if len(key) >= MIN_CHARS and not key.isdigit() and key not in out:
            out[key] = product
    found = list(out.values())
    if len(found) == 2 and all(_THAI.match(p) and len(p) <= COMBINE_MAX_CHARS for p in found) \
            and re.search(rf"{re.escape(found[0])}\s*[,/]\s*{re.escape(found[1])}", text):
        found.append("".join(found))
    return found


def same_product(a: str, b: str) -> bool:
    """Two spellings of one product (equal keys, or nearly: a typo, a tone mark)."""
    ka, kb = product_key(a), product_key(b)
    return bool(ka) and (ka == kb or fuzz.ratio(ka, kb) >= SAME_PRODUCT_RATIO)


def alias_answers(alias: str, phrases: Iterable[str]) -> bool:
    """Would ``alias`` have matched one of a stored query's product phrases (the same product, or the alias
    inside the phrase as the matcher finds it: "ผักตบชวา" in "กระเป๋าผักตบชวา")?"""
    key = product_key(alias)
    return len(key) >= MIN_CHARS and any(same_product(alias, p) or key in product_key(p) for p in phrases)


@lru_cache(maxsize=1)
def proposal_words() -> ProposalWords:
    """The lists of knowledge/unmatched.yaml."""
    data = yaml.safe_load(knowledge_file("unmatched.yaml").read_text(encoding="utf-8")) or {}
    return ProposalWords(frozenset(normalize_text(str(w)) for w in data.get("not_products", [])),
                         frozenset(str(u) for u in data.get("units", [])))
