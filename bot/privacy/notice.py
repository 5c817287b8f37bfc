"""The privacy notice, read from knowledge/privacy.yaml (Thai and English; the retention sentence follows
``PERSONAL_DATA_RETENTION_DAYS``)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app, has_app_context

from bot.config import knowledge_file
from bot.nlp.normalize import normalize_text

SECTIONS = ("short", "notice", "retention", "keep_forever")


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [s for s in SECTIONS if not isinstance(data.get(s), dict) or "th" not in data[s] or "en" not in data[s]]
    if missing:
        raise ValueError(f"{path}: section(s) {missing} need th and en texts")
    return data


def _text(section: str, lang: str) -> str:
    entry = _load(knowledge_file("privacy.yaml"))[section]
    return entry.get(lang) or entry["th"]


def short_notice(lang: str) -> str:
    """The one-paragraph notice for the first follow."""
    return _text("short", lang)


def full_notice(lang: str) -> str:
    """The whole notice, with the retention period of this installation."""
    days = int(current_app.config.get("PERSONAL_DATA_RETENTION_DAYS") or 0) if has_app_context() else 0
    retention = _text("retention", lang).format(days=days) if days > 0 else _text("keep_forever", lang)
    return _text("notice", lang).format(retention=retention)


@lru_cache(maxsize=4)
def _confirm_words(path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    words, endings = data.get("confirm_words") or [], data.get("endings") or []
    return frozenset(_compact(w) for w in words), tuple(_compact(e) for e in endings)


def _compact(text: str) -> str:
    """Letters only (Thai marks kept), normalised and lower-cased."""
    return "".join(ch for ch in normalize_text(text) if ch.isalnum() or unicodedata.category(ch) == "Mn")


def confirms(text: str) -> bool:
    """Whether typed ``text`` confirms a deletion ("ยืนยัน", "ยืนยันค่ะ", "Yes!"), per knowledge/privacy.yaml."""
    words, endings = _confirm_words(knowledge_file("privacy.yaml"))
    compact = _compact(text)
    while compact and compact not in words:
        ending = next((e for e in endings if e and compact.endswith(e) and compact != e), None)
        if ending is None:
            return False
        compact = compact[: -len(ending)]
    return bool(compact)
