"""Intent routing for the มผช. LINE assistant (pure, no I/O after build).

Crisp intents (unlink, status, standard_lookup, officer, cancel, help, category, greeting,
thanks) come from cue words in ``knowledge/intents.yaml`` plus number patterns; ``faq`` versus
``product_standard`` is decided by product evidence (standard names/aliases, everyday product
words, "which standard" cues) against FAQ similarity from :class:`bot.nlp.faq.FaqIndex`.

Entities:
  standard_lookup   ``standard_number`` (int) and ``standard_year`` (int, B.E.) when given
  status            ``application_number`` as ``YY/NNNN`` when given
  category          ``category`` (key from categories.yaml)
  subscribe, unsubscribe  ``category`` when a category is named ("รับข่าวหมวดอาหาร")
  product_standard  ``product`` (the product words found), when any
  faq               ``faq_id`` and ``faq_score`` of the best FAQ entry, when any

``off_topic`` (weather, gold prices, lottery, recipes, sport…) comes from the ``off_topic`` cues when
nothing in the message is about มผช. or a product's standard (``in_scope`` cues, product cues, a
standard name or alias).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from bot.nlp.categories import Category, load_categories
from bot.nlp.codes import find_code_mention
from bot.nlp.cues import PRIVACY_INTENTS, Cues, IntentRules, blank_spans, load_intent_rules
from bot.nlp.entities import ApplicationMention, extract_application_number, find_application_mentions
from bot.nlp.faq import SUGGEST_THRESHOLD, FaqEntry, FaqIndex, load_faq
from bot.nlp.lang import detect_language, shows_language
from bot.nlp.offtopic import CUED as OFF_TOPIC_CUED
from bot.nlp.offtopic import GUESSED as OFF_TOPIC_GUESSED
from bot.nlp.offtopic import OffTopic, english_vocabulary
from bot.nlp.product_finder import Product, ProductFinder
from bot.nlp.product_terms import load_product_terms
from bot.nlp.textproc import Lexicon, TextPrep, default_lexicon

__all__ = [
    "INTENTS", "IntentClassifier", "IntentResult", "IntentRules",
    "classify", "default_classifier", "load_intent_rules",
]

INTENTS = (
    "greeting", "help", "product_standard", "status", "faq", "standard_lookup",
    "category", "cancel", "thanks", "officer", "unlink", "subscribe", "unsubscribe", "off_topic",
    *PRIVACY_INTENTS,
    "certificate_check",
)

# A "which standard" cue loses only to a near-exact FAQ question ("มผช. คือมาตรฐานอะไร").
FAQ_OVER_CUE = 0.70
# A product name loses to a clear FAQ question about something else ("น้ำพริกต้องขอ อย. ไหม").
FAQ_OVER_PRODUCT = 0.42
# After "สวัสดี"/"ขอบคุณ", the rest must match an FAQ this well to beat the social intent.
CONTENT_OVER_SOCIAL = 0.40
# Confidence of the last-resort guess (faq); the FAQ step will answer "none" and offer an officer.
FALLBACK_CONFIDENCE = 0.15


@dataclass(frozen=True)
class IntentResult:
    """Outcome of :func:`classify`."""

    intent: str
    confidence: float
    lang: Literal["th", "en"]
    entities: dict[str, object] = field(default_factory=dict)


# --- classifier -----------------------------------------------------------------------------


class IntentClassifier:
    """Rules + similarity intent classifier. Build once with :meth:`build`, then call."""

    def __init__(
        self,
        faq_entries: Sequence[FaqEntry],
        categories: Sequence[Category],
        product_terms: Iterable[str],
        rules: IntentRules,
        lexicon: Lexicon,
    ) -> None:
        base = TextPrep(lexicon)
        trigger_words = {base.prepare(t) for c in categories for t in (*c.triggers_th, *c.triggers_en)}
        ignore = {base.prepare(t) for t in rules.product_term_ignore} | trigger_words
        prepared = {base.prepare(t) for t in product_terms} - ignore
        terms = frozenset(t for t in prepared if len(t) >= 2)
        self.prep = TextPrep(lexicon, extra_words=terms)
        self.faq = FaqIndex(list(faq_entries), self.prep)
        self._cues = {name: Cues(spec, self.prep, name) for name, spec in rules.cues.items()}
        self._fillers = frozenset(self.prep.prepare(w) for w in rules.fillers) | lexicon.ignorable
        self._category_words = frozenset(self.prep.prepare(w) for w in rules.category_words)
        self._triggers: list[tuple[tuple[str, ...], str]] = []
        for cat in categories:
            for trig in (*cat.triggers_th, *cat.triggers_en):
                toks = tuple(self.prep.tokens(self.prep.prepare(trig)))
                if toks:
                    self._triggers.append((toks, cat.key))
        self._triggers.sort(key=lambda t: -len(t[0]))
        self.products = ProductFinder(terms, rules, self.prep, self._fillers, self._cues.get("product_frame"))
        self.english_words = english_vocabulary(faq_entries, categories, terms, rules)
        self.off_topic = OffTopic(self._cues, self.products, self.prep.tokens, self._solo, self.english_words,
                                  self._content)

    @classmethod
    def build(
        cls,
        faq_entries: Iterable[FaqEntry],
        categories: Iterable[Category],
        product_terms: Iterable[str],
        *,
        rules: IntentRules | None = None,
        lexicon: Lexicon | None = None,
    ) -> IntentClassifier:
        """Index everything once; ``product_terms`` are product names and aliases."""
        return cls(
            list(faq_entries),
            list(categories),
            list(product_terms),
            rules or load_intent_rules(),
            lexicon or default_lexicon(),
        )

    # -- helpers ---------------------------------------------------------------------------

    def _content(self, text: str) -> list[str]:
        """Tokens of ``text`` other than particles and fillers."""
        return [t for t in self.prep.tokens(text) if t not in self._fillers]

    def _solo(self, text: str, *names: str) -> bool:
        """True if ``text`` consists only of cues of the given intents (plus fillers)."""
        spans: list[tuple[int, int]] = []
        short: set[str] = set()
        for name in names:
            cue = self._cues[name]
            spans += cue.spans(text) + cue.solo_spans(text)
            short |= cue.solo_tokens
        if not spans and not any(t in short for t in self.prep.tokens(text)):
            return False
        return all(t in short for t in self._content(blank_spans(text, spans)))

    def _plain_application(self, text: str, mentions: list[ApplicationMention]) -> bool:
        """Application numbers without a status cue: "67/0012", or "68/12" as the whole message."""
        running = [m.running for m in mentions]
        if any(len(r) == 4 and r.startswith(("24", "25", "26")) for r in running):
            return False  # "60/2549" reads as a standard code and its year
        if all(len(r) == 4 for r in running):
            return True
        rest = text
        for mention in mentions:
            rest = rest.replace(mention.written, " ")
        return not self._content(rest)

    def _find_category(self, tokens: list[str]) -> str | None:
        """Category key if the message only names a category (plus listing words)."""
        used = [False] * len(tokens)
        keys: list[str] = []
        for trig, key in self._triggers:
            n = len(trig)
            for i in range(len(tokens) - n + 1):
                if not any(used[i : i + n]) and tuple(tokens[i : i + n]) == trig:
                    used[i : i + n] = [True] * n
                    keys.append(key)
        if not keys:
            return None
        rest = [t for t, u in zip(tokens, used, strict=True) if not u]
        if all(t in self._category_words or t in self._fillers for t in rest):
            return keys[0]
        return None

    def _named_category(self, text: str) -> dict[str, object]:
        """``{"category": key}`` for the first category named anywhere in ``text``, else {}."""
        tokens = self.prep.tokens(text)
        for trig, key in self._triggers:
            n = len(trig)
            if any(tuple(tokens[i : i + n]) == trig for i in range(len(tokens) - n + 1)):
                return {"category": key}
        return {}

    # -- classification ------------------------------------------------------------------------

    def _core(self, text: str, lang: Literal["th", "en"]) -> IntentResult:
        """Classify prepared ``text`` without the greeting/thanks handling."""
        cues = self._cues
        if cues["unlink"].fires(text):
            return IntentResult("unlink", 0.95, lang)
        for name in PRIVACY_INTENTS:  # "ลบข้อมูลของฉัน" before "ข้อมูลของฉัน"
            if name in cues and (cues[name].fires(text) or self._solo(text, name)):
                return IntentResult(name, 0.9, lang)
        for news in ("unsubscribe", "subscribe"):  # "เลิกรับข่าวหมวดอาหาร" before "รับข่าว…"
            if cues[news].fires(text):
                return IntentResult(news, 0.9, lang, self._named_category(text))

        if "certificate_check" in cues and cues["certificate_check"].fires(text):  # before codes: "… มผช. 12/2567"
            return IntentResult("certificate_check", 0.95, lang)
        code = find_code_mention(text)
        mentions = find_application_mentions(text)
        status_cue = cues["status"].fires(text)
        if code and code.prefixed:
            return IntentResult("standard_lookup", 0.95, lang, code.entities())
        if status_cue and code is not None or mentions and (status_cue or self._plain_application(text, mentions)):
            # One parser for the whole bot: several different numbers without a marked one name none.
            number = extract_application_number(text)
            return IntentResult("status", 0.95, lang, {"application_number": number} if number else {})
        if self.off_topic.cued(text):
            return IntentResult("off_topic", OFF_TOPIC_CUED, lang)
        if code:
            return IntentResult("standard_lookup", 0.85, lang, code.entities())
        if status_cue:
            return IntentResult("status", 0.9, lang)
        if cues["officer"].fires(text):
            return IntentResult("officer", 0.9, lang)
        if cues["cancel"].fires(text) or self._solo(text, "cancel"):
            return IntentResult("cancel", 0.9, lang)
        if cues["help"].fires(text) or self._solo(text, "help"):
            return IntentResult("help", 0.85, lang)

        tokens = self.prep.tokens(text)
        product = self.products.find(tokens, text)
        if cues["standard_lookup"].fires(text) and not product:
            return IntentResult("standard_lookup", 0.8, lang)
        if not (product and product.strong):
            key = self._find_category(tokens)
            if key:
                return IntentResult("category", 0.9, lang, {"category": key})
        masked = self.products.mask(text, tokens, product) if product else text
        return self._product_or_faq(text, masked, lang, product)

    def _product_or_faq(
        self, text: str, masked: str, lang: Literal["th", "en"], product: Product | None
    ) -> IntentResult:
        """product_standard or faq, from product evidence and the FAQ score of ``masked``."""
        hits = self.faq.search(masked, k=1) if masked else []
        top = hits[0].score if hits else 0.0
        faq_entities: dict[str, object] = {"faq_id": hits[0].entry_id, "faq_score": top} if hits else {}
        product_entities: dict[str, object] = {"product": product.text} if product else {}
        if self._cues["product_standard"].fires(text):
            if top >= FAQ_OVER_CUE and not (product and product.strong):
                return IntentResult("faq", top, lang, faq_entities)
            return IntentResult("product_standard", 0.9 if product else 0.75, lang, product_entities)
        if product and self._cues["product_question"].fires(text) and (product.strong or top < FAQ_OVER_CUE):
            return IntentResult("product_standard", 0.85 if product.strong else 0.7, lang, product_entities)
        if product:
            if top >= FAQ_OVER_PRODUCT:
                return IntentResult("faq", top, lang, faq_entities)
            return IntentResult("product_standard", 0.8 if product.strong else 0.6, lang, product_entities)
        if top < SUGGEST_THRESHOLD and self.off_topic.guessed(text):
            return IntentResult("off_topic", OFF_TOPIC_GUESSED, lang)
        if hits:
            return IntentResult("faq", max(top, FALLBACK_CONFIDENCE), lang, faq_entities)
        return IntentResult("faq", FALLBACK_CONFIDENCE, lang)

    def classify(self, text: str) -> IntentResult:
        """Classify one chat message (Thai or English)."""
        lang = detect_language(text)
        prepared = self.prep.prepare(text)
        if not self._content(prepared):
            # Only particles, punctuation or emoji: an acknowledgement if there was anything.
            if prepared and self.prep.tokens(prepared):
                return IntentResult("thanks", 0.4, lang)
            return IntentResult("help", 0.2, lang)

        social_spans = self._cues["greeting"].spans(prepared) + self._cues["thanks"].spans(prepared)
        social = "thanks" if self._cues["thanks"].spans(prepared) else "greeting"
        if self._solo(prepared, "greeting", "thanks"):
            if not social_spans:  # only solo words such as "ดีจ้า" or "โอเค"
                social = "thanks" if self._solo(prepared, "thanks") else "greeting"
            return IntentResult(social, 0.95, lang)
        if not social_spans:
            return self._core(prepared, lang)

        rest = blank_spans(prepared, social_spans).strip()
        result = self._core(rest, lang)
        if result.intent == "off_topic" and (result.confidence < OFF_TOPIC_CUED or self.off_topic.only_solo(rest)):
            # "ขอบคุณค่ะ 555", "สวัสดีครับ ผมชื่อสมชาย": the social intent
            return IntentResult(social, 0.8, lang)
        if result.intent != "faq" or result.confidence >= CONTENT_OVER_SOCIAL:
            return result
        return IntentResult(social, 0.8, lang)

    __call__ = classify

    def shows_language(self, text: str) -> bool:
        """True when ``text`` tells the user's language (Thai letters or real English, not "asdfghjkl")."""
        return shows_language(text, self.english_words)

    def _without_cues(self, text: str, intents: Iterable[str]) -> tuple[str, str]:
        """(prepared text, the same with the cue words of ``intents`` blanked)."""
        prepared = self.prep.prepare(text)
        spans = [span for name in intents for span in self._cues[name].spans(prepared)]
        return prepared, (blank_spans(prepared, spans).strip() if spans else prepared)

    def question_text(self, text: str) -> str:
        """``text`` prepared for FAQ retrieval, without greeting/thanks words ("สวัสดีค่ะ ขอ…" → "ขอ…")."""
        prepared, rest = self._without_cues(text, ("greeting", "thanks"))
        return rest or prepared

    def leftover_words(self, text: str, *intents: str) -> list[str]:
        """Content words of ``text`` outside the cue words of ``intents`` ("ขอคุยกับเจ้าหน้าที่ค่ะ" → [])."""
        return self._content(self._without_cues(text, intents)[1])


@lru_cache(maxsize=1)
def default_classifier() -> IntentClassifier:
    """Classifier over the shipped knowledge files (built on first use, then cached)."""
    return IntentClassifier.build(load_faq(), load_categories(), load_product_terms())


def classify(text: str) -> IntentResult:
    """Module-level convenience: classify with :func:`default_classifier`."""
    return default_classifier().classify(text)
