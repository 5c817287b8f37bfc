"""Standard category groups (food, drink, textile, craft, herbal) from ``knowledge/categories.yaml``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import knowledge_file


@dataclass(frozen=True)
class Category:
    """One category group with its labels and trigger words."""

    key: str
    label_th: str
    label_en: str
    triggers_th: tuple[str, ...]
    triggers_en: tuple[str, ...]

    def label(self, lang: str) -> str:
        """Display label in ``lang``."""
        return self.label_en if lang == "en" else self.label_th


_KEY = re.compile(r"^[a-z][a-z_]*$")  # a category key: lowercase snake_case


def categories_by_key() -> dict[str, Category]:
    """The knowledge directory's category groups by key (read once per directory)."""
    return _by_key(knowledge_file("categories.yaml"))


@lru_cache(maxsize=4)
def _by_key(path: Path) -> dict[str, Category]:
    return {c.key: c for c in load_categories(path)}


def load_categories(path: Path | str | None = None) -> list[Category]:
    """Read and validate ``categories.yaml`` (default: the knowledge directory's); raise ``ValueError``
    naming the bad field."""
    path = path or knowledge_file("categories.yaml")
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    raw = data.get("categories")
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{path}: 'categories' must be a non-empty list")
    result: list[Category] = []
    for i, item in enumerate(raw):
        where = f"{path}: category #{i + 1}"
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be a mapping")
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValueError(f"{where}: 'key' must be a lowercase slug")
        fields = {}
        for name in ("label_th", "label_en"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                raise ValueError(f"{where} ({key}): '{name}' must be a non-empty string")
            fields[name] = item[name].strip()
        for name in ("triggers_th", "triggers_en"):
            value = item.get(name)
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                raise ValueError(f"{where} ({key}): '{name}' must be a non-empty list of strings")
            fields[name] = tuple(v.strip() for v in value)
        result.append(Category(key=key, **fields))
    keys = [c.key for c in result]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{path}: duplicate category keys")
    return result
