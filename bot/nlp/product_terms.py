"""Product names and keywords used by intent routing to spot "which standard for my product"."""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterable

from bot.nlp.textproc import KNOWLEDGE_DIR

STANDARDS_SOURCE_PATH = KNOWLEDGE_DIR / "tcps_standards_source.csv"
# "ผลิตภัณฑ์เครื่องเงิน" is asked as "เครื่องเงิน"; "ผลิตภัณฑ์จากเปลือกปู" as "เปลือกปู".
_PRODUCT_PREFIX = re.compile(r"^ผลิตภัณฑ์(?:จาก|ประดิษฐ์จาก)?")


def product_term_variants(name: str) -> list[str]:
    """``name`` plus its form without a leading "ผลิตภัณฑ์(จาก)"."""
    name = name.strip()
    short = _PRODUCT_PREFIX.sub("", name).strip()
    return [name] if not short or short == name else [name, short]


def load_product_terms(path: Path | str = STANDARDS_SOURCE_PATH) -> list[str]:
    """Names and keywords from a standards CSV with ``name_th`` and ``keywords`` columns.

    Works with ``tcps_standards_source.csv`` (and any CSV with those columns); the order
    is stable and duplicates are dropped.
    """
    terms: dict[str, None] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"name_th", "keywords"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        for row in reader:
            for term in product_term_variants(row["name_th"] or ""):
                terms.setdefault(term, None)
            for kw in (row["keywords"] or "").split(","):
                for term in product_term_variants(kw):
                    terms.setdefault(term, None)
    return [t for t in terms if len(t) >= 2]


def merge_terms(*groups: Iterable[str]) -> list[str]:
    """Concatenate term lists, keeping first occurrences only."""
    seen: dict[str, None] = {}
    for group in groups:
        for term in group:
            if term and term.strip():
                seen.setdefault(term.strip(), None)
    return list(seen)
