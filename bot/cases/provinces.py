"""The provinces that have a provincial industry office (knowledge/provinces.yaml)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import knowledge_file

_PREFIX = re.compile(r"^(?:จังหวัด|จ\.\s*|จ\s+)")


def provinces() -> tuple[str, ...]:
    """Thai names of the 76 provinces with a สอจ., in Thai alphabetical order (knowledge directory)."""
    return load_provinces(knowledge_file("provinces.yaml"))


@lru_cache(maxsize=4)
def load_provinces(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle)["provinces"])


def normalize_province(raw: str | None) -> str | None:
    """``"จ.เชียงใหม่"``, ``" จังหวัดเชียงใหม่ "`` → ``"เชียงใหม่"``; None when not a known province."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    name = _PREFIX.sub("", name).strip()
    return name if name in provinces() else None
