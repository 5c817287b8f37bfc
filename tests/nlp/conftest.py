"""Shared fixtures: the real knowledge files and one matcher built from them."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.knowledge import KnowledgeBundle, load_knowledge
from bot.nlp.matcher import Matcher

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="session")
def bundle() -> KnowledgeBundle:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def matcher(bundle: KnowledgeBundle) -> Matcher:
    return Matcher.build(bundle.standards, bundle.aliases, **bundle.lexicons)
