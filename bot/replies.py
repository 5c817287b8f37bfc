"""The bot's phrases, kept as data in knowledge/replies.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import ROOT

REPLIES_FILE = ROOT / "knowledge" / "replies.yaml"


@lru_cache(maxsize=1)
def _catalog(path: Path = REPLIES_FILE) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def phrase(key: str, lang: str = "th", **values: object) -> str:
    """The phrase ``key`` in ``lang`` (Thai when no translation), with placeholders filled."""
    entry = _catalog()[key]
    phrase = entry.get(lang) or entry["th"]
    return phrase.format(**values) if values else phrase
