"""Off-topic messages (weather, gold prices, lottery, recipes, sport, chit-chat…), for intent routing.

Two ways to be off-topic, both only when nothing in the message is about มผช. or a product's
standard (the ``in_scope`` cues of ``knowledge/intents.yaml``, product cues, a standard's name or
alias, a "ทำ…ขาย" frame):

* **cued**: an ``off_topic`` cue ("ราคาทอง", "หวย", "ผลบอล", "ดูดวง") → confidence :data:`CUED`;
* **guessed**: a sentence (:data:`MIN_GUESS_WORDS` words or more: a name alone may be a product
  nobody listed) of real words (Thai dictionary words, English words), no ``domain`` word (producing,
  selling, testing: "บริษัทขอได้ไหม" is a question the FAQ may not know), no product at all and no
  FAQ question close enough to suggest ("ทำไมท้องฟ้าเป็นสีฟ้า") → :data:`GUESSED`, low enough that
  a flow waiting for an answer keeps the text (a question about มผช., "จำไม่ได้" for the phone number).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.nlp.categories import Category
from bot.nlp.cues import Cues, IntentRules
from bot.nlp.faq import FaqEntry
from bot.nlp.lang import english_words, shows_english
from bot.nlp.product_finder import ProductFinder

CUED = 0.9
GUESSED = 0.35  # below every flow's hand-over threshold: a flow keeps the text ("จำไม่ได้" in the status flow)
# Cues that keep a message in scope although an off-topic cue is in it ("ค่าธรรมเนียม มผช. ราคาเท่าไหร่").
IN_SCOPE_CUES = ("in_scope", "product_standard", "product_question", "officer")
_MIN_THAI_WORD = 2
# A name alone ("ข้าวหลาม", "dried mango") may be a product nobody listed: a guess needs a sentence.
MIN_GUESS_WORDS = 3


class OffTopic:
    """Decides whether a prepared message is off-topic; built once by the intent classifier."""

    def __init__(self, cues: Mapping[str, Cues], products: ProductFinder, tokens: Callable[[str], list[str]],
                 solo: Callable[[str, str], bool], english_words: frozenset[str],
                 content: Callable[[str], list[str]]) -> None:
        self._cue = cues.get("off_topic")
        self._in_scope = [cues[name] for name in IN_SCOPE_CUES if name in cues]
        self._domain = cues.get("domain")
        self._products = products
        self._tokens = tokens
        self._solo = solo
        self._english = english_words
        self._content = content

    def cued(self, text: str) -> bool:
        """An off-topic cue and nothing about มผช. or a product's standard."""
        if self._cue is None or not (self._cue.fires(text) or self._solo(text, "off_topic")):
            return False
        return not self.in_scope(text) and self._products.framed(text) is None and not self._named_product(text)

    def only_solo(self, text: str) -> bool:
        """True when only the solo cues ("555", "lol") make ``text`` off-topic, not a topic word."""
        return self._cue is not None and not self._cue.spans(text)

    def guessed(self, text: str) -> bool:
        """Real words that are about nothing the bot knows (the caller found no product and no FAQ)."""
        if self._cue is None or len(self._content(text)) < MIN_GUESS_WORDS or self.in_scope(text):
            return False
        if self._domain is not None and self._domain.fires(text):
            return False
        dictionary = self._products.dictionary
        thai = any(len(t) >= _MIN_THAI_WORD and t in dictionary for t in self._tokens(text))
        return thai or shows_english(text, self._english)

    def in_scope(self, text: str) -> bool:
        """A word about มผช., certification or a product's standard (``in_scope`` and product cues)."""
        return any(cue.fires(text) for cue in self._in_scope)

    def _named_product(self, text: str) -> bool:
        return self._products.strong(self._tokens(text)) is not None


def english_vocabulary(
    faq_entries: Sequence[FaqEntry], categories: Sequence[Category], terms: Iterable[str], rules: IntentRules
) -> frozenset[str]:
    """The English words the classifier knows: FAQ questions and answers, cue words, product names."""
    texts = [t for e in faq_entries for t in (*e.questions_en, e.answer_en)]
    texts += [t for c in categories for t in c.triggers_en]
    texts += [*terms, *rules.fillers, *rules.category_words, *rules.product_words]
    for spec in rules.cues.values():
        for key, value in (spec or {}).items():
            if not key.startswith("regex"):
                texts += [v if isinstance(v, str) else " ".join(v) for v in value or ()]
    return english_words(texts)
