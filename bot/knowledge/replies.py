"""The bot's phrases, kept as data: knowledge/replies/*.yaml (one file per capability)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import knowledge_file


def catalog() -> dict[str, dict[str, str]]:
    """All phrases of the knowledge directory's ``replies/`` by key (read once per directory)."""
    return load_catalog(knowledge_file("replies"))


@lru_cache(maxsize=4)
def load_catalog(directory: Path) -> dict[str, dict[str, str]]:
    """All phrases in ``directory`` by key; a key defined in two files is an error."""
    phrases: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            for key, entry in (yaml.safe_load(handle) or {}).items():
                if key in phrases:
                    raise ValueError(f"reply key {key!r} defined twice (again in {path.name})")
                if "th" not in entry:
                    raise ValueError(f"reply key {key!r} in {path.name} has no Thai text")
                phrases[key] = entry
    return phrases


def phrase(key: str, lang: str = "th", **values: object) -> str:
    """The phrase ``key`` in ``lang`` (Thai when no translation), with placeholders filled."""
    entry = catalog()[key]
    text = entry.get(lang) or entry["th"]
    return text.format(**values) if values else text
