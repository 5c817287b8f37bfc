"""The provinces that have a provincial industry office (knowledge/provinces.yaml)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import yaml

from bot.config import ROOT

PROVINCES_FILE = ROOT / "knowledge" / "provinces.yaml"
_PREFIX = re.compile(r"^(?:จังหวัด|จ\.\s*|จ\s+)")


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """Thai names of the 76 provinces with a สอจ., in Thai alphabetical order."""
    with PROVINCES_FILE.open(encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle)["provinces"])


def normalize_province(raw: str | None) -> str | None:
    """``"จ.เชียงใหม่"``, ``" จังหวัดเชียงใหม่ "`` → ``"เชียงใหม่"``; None when not a known province."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    name = _PREFIX.sub("", name).strip()
    return name if name in provinces() else None
