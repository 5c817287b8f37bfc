"""Product names used by intent routing to spot "which standard for my product".

They come from the matcher's knowledge (standard names, scope keywords, aliases), so the
two never disagree about what counts as a product.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.nlp.knowledge import KnowledgeBundle, load_knowledge

# "ผลิตภัณฑ์เครื่องเงิน" is asked as "เครื่องเงิน"; "ผลิตภัณฑ์จากเปลือกปู" as "เปลือกปู".
_PRODUCT_PREFIX = re.compile(r"^ผลิตภัณฑ์(?:จาก|ประดิษฐ์จาก)?")


def product_term_variants(name: str) -> list[str]:
    """``name`` plus its form without a leading "ผลิตภัณฑ์(จาก)"."""
    name = name.strip()
    short = _PRODUCT_PREFIX.sub("", name).strip()
    return [name] if not short or short == name else [name, short]


def product_terms(bundle: KnowledgeBundle) -> list[str]:
    """Names, keywords and aliases of every standard in ``bundle`` (stable order, no duplicates)."""
    raw: list[str] = []
    for standard in bundle.standards:
        raw.append(standard.name)
        raw.extend(standard.keywords)
    raw.extend(alias.alias for alias in bundle.aliases)
    terms = merge_terms(variant for term in raw for variant in product_term_variants(term))
    return [t for t in terms if len(t) >= 2]


def load_product_terms(knowledge_dir: Path | None = None) -> list[str]:
    """`product_terms` of the knowledge files in ``knowledge_dir`` (default: the shipped ones)."""
    return product_terms(load_knowledge(knowledge_dir))


def merge_terms(*groups: Iterable[str]) -> list[str]:
    """Concatenate term lists, keeping first occurrences only."""
    seen: dict[str, None] = {}
    for group in groups:
        for term in group:
            if term and term.strip():
                seen.setdefault(term.strip(), None)
    return list(seen)
