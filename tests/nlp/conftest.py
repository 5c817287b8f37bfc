"""Shared fixtures: the shipped knowledge files, built once per test session."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.nlp.categories import load_categories
from bot.nlp.faq import FaqDocument, FaqIndex, load_faq_document
from bot.nlp.intent import IntentClassifier
from bot.nlp.knowledge import KnowledgeBundle, load_knowledge
from bot.nlp.matcher import Matcher
from bot.nlp.product_terms import load_product_terms

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="session")
def bundle() -> KnowledgeBundle:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def matcher(bundle: KnowledgeBundle) -> Matcher:
    return Matcher.build(bundle.standards, bundle.aliases, **bundle.lexicons)


@pytest.fixture(scope="session")
def titles_only(bundle: KnowledgeBundle) -> Matcher:
    """The shipped standards with keywords and aliases withheld, as a sync from TISI brings them."""
    bare = [dataclasses.replace(s, keywords=()) for s in bundle.standards]
    return Matcher.build(bare, [], **bundle.lexicons)


@pytest.fixture(scope="session")
def faq_doc() -> FaqDocument:
    return load_faq_document()


@pytest.fixture(scope="session")
def classifier(faq_doc: FaqDocument) -> IntentClassifier:
    return IntentClassifier.build(faq_doc.entries, load_categories(), load_product_terms())


@pytest.fixture(scope="session")
def faq_index(classifier: IntentClassifier) -> FaqIndex:
    return classifier.faq
