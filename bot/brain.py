"""The bot's language knowledge for this process: the product matcher, the intent classifier and
the FAQ, built once from knowledge/ and shared by every thread (they are read-only once built)."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.nlp.categories import load_categories
from bot.nlp.faq import FaqDocument, load_faq_document
from bot.nlp.intent import IntentClassifier
from bot.nlp.knowledge import KnowledgeBundle, load_knowledge
from bot.nlp.matcher import Matcher
from bot.nlp.product_terms import product_terms


@dataclass(frozen=True)
class Brain:
    bundle: KnowledgeBundle
    matcher: Matcher
    classifier: IntentClassifier
    faq: FaqDocument


_lock = threading.Lock()
_brain: Brain | None = None


def build_brain(bundle: KnowledgeBundle | None = None) -> Brain:
    """Build everything from ``bundle`` (default: the shipped knowledge files)."""
    bundle = bundle or load_knowledge()
    faq = load_faq_document()
    matcher = Matcher.build(bundle.standards, bundle.aliases, **bundle.lexicons)
    classifier = IntentClassifier.build(faq.entries, load_categories(), product_terms(bundle))
    return Brain(bundle=bundle, matcher=matcher, classifier=classifier, faq=faq)


def get_brain() -> Brain:
    """This process's `Brain`, built on first use."""
    global _brain
    if _brain is None:
        with _lock:
            if _brain is None:
                _brain = build_brain()
    return _brain


def replace_brain(brain: Brain) -> None:
    """Swap in a rebuilt `Brain` (readers keep the old one until their next call)."""
    global _brain
    _brain = brain
