"""Cue words for intent routing: ``knowledge/intents.yaml`` parsed and compiled to matchers."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import knowledge_file
from bot.nlp.textproc import TextPrep

_THAI = re.compile("[\u0e00-\u0e7f]")
_SOLO_SUBSTRING_MIN = 4  # shorter Thai solo cues must be whole tokens ("ดี", "พอ", "งง")


def any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex that matches where any of ``patterns`` does (one search instead of one per phrase);
    None for no patterns."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None


def phrase_pattern(phrase: str) -> str:
    """Regex for a cue: Thai as a plain substring, Latin as whole words."""
    if _THAI.search(phrase):
        return re.escape(phrase)
    words = [re.escape(w) for w in phrase.split()]
    return r"(?<![a-z0-9])" + r"\s+".join(words) + r"(?![a-z0-9])"


class Cues:
    """One intent's cue words from intents.yaml, compiled against prepared text."""

    def __init__(self, spec: dict | None, prep: TextPrep, name: str) -> None:
        spec = spec or {}
        unknown = set(spec) - {"th", "en", "regex_th", "regex_en", "solo_th", "solo_en", "groups_th", "groups_en",
                               "words"}
        if unknown:
            raise ValueError(f"intents.yaml '{name}': unknown key(s) {sorted(unknown)}")

        def phrases(key: str) -> list[str]:
            value = spec.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ValueError(f"intents.yaml '{name}.{key}' must be a list of strings")
            return [p for p in (prep.prepare(v) for v in value) if p]

        anywhere = phrases("th") + phrases("en")
        self.anywhere = [re.compile(phrase_pattern(p)) for p in sorted(set(anywhere), key=len, reverse=True)]
        self.regexes = [re.compile(r) for r in (spec.get("regex_th") or []) + (spec.get("regex_en") or [])]
        solo = phrases("solo_th") + phrases("solo_en")
        long_solo = [p for p in solo if " " in p or (_THAI.search(p) and len(p) >= _SOLO_SUBSTRING_MIN)]
        self.solo_long = [re.compile(phrase_pattern(p)) for p in sorted(set(long_solo), key=len, reverse=True)]
        self.solo_tokens = frozenset(p for p in solo if p not in long_solo)
        # Whole tokens that fire anywhere: short words that also occur inside other words ("อย" in "อร่อย").
        self.words = frozenset(phrases("words"))
        self._tokens = prep.tokens
        # One group set per language; a set fires when each of its groups has a phrase present.
        self.group_sets: list[list[list[re.Pattern[str]]]] = []
        for key in ("groups_th", "groups_en"):
            groups = spec.get(key) or []
            if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
                raise ValueError(f"intents.yaml '{name}.{key}' must be a list of phrase lists")
            if groups:
                self.group_sets.append(
                    [[re.compile(phrase_pattern(prep.prepare(p))) for p in group] for group in groups]
                )
        # Each list as one regex too: most texts hold none of an intent's phrases, and one search says so.
        self._anywhere_any = any_of(self.anywhere)
        self._solo_any = any_of(self.solo_long)
        self._group_any = [[any_of(group) for group in groups] for groups in self.group_sets]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the anywhere-phrases and regexes found in ``text``."""
        found = ([m.span() for p in self.anywhere for m in p.finditer(text)]
                 if self._anywhere_any and self._anywhere_any.search(text) else [])
        found += [m.span() for r in self.regexes for m in r.finditer(text)]
        return found

    def fires(self, text: str) -> bool:
        """True if an anywhere-phrase, a regex, a word (token), or every group of one group set matches."""
        if (self._anywhere_any and self._anywhere_any.search(text)) or any(r.search(text) for r in self.regexes):
            return True
        if self.words and not self.words.isdisjoint(self._tokens(text)):
            return True
        return any(all(g and g.search(text) for g in groups) for groups in self._group_any)

    def solo_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of the longer solo phrases (short ones are compared as tokens)."""
        if not (self._solo_any and self._solo_any.search(text)):
            return []
        return [m.span() for p in self.solo_long for m in p.finditer(text)]


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the given character spans replaced by spaces."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


@dataclass(frozen=True)
class IntentRules:
    """Parsed ``intents.yaml``."""

    cues: dict[str, dict]
    fillers: tuple[str, ...]
    category_words: tuple[str, ...]
    product_words: tuple[str, ...]
    product_words_not: tuple[str, ...]
    product_context: tuple[str, ...]
    product_term_ignore: tuple[str, ...]


_CUE_INTENTS = (
    "greeting", "thanks", "unlink", "status", "standard_lookup", "officer", "cancel", "help",
    "product_standard", "product_question", "subscribe", "unsubscribe",
)
# Personal data, in the order they are checked (a deletion request before "what do you keep about me").
PRIVACY_INTENTS = ("privacy_delete", "privacy_data", "privacy_notice")
_OPTIONAL_CUES = ("product_frame", "off_topic", "in_scope", "domain", *PRIVACY_INTENTS, "certificate_check")


def load_intent_rules(path: Path | str | None = None) -> IntentRules:
    """Read ``intents.yaml`` (default: the knowledge directory's); raise ``ValueError`` if a section is
    missing or malformed."""
    path = path or knowledge_file("intents.yaml")
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    missing = [k for k in (*_CUE_INTENTS, "fillers", "category", "product_words") if k not in data]
    if missing:
        raise ValueError(f"{path}: missing section(s) {missing}")

    def both(section: object, key: str) -> tuple[str, ...]:
        if not isinstance(section, dict):
            raise ValueError(f"{path}: '{key}' must be a mapping with th/en lists")
        out = []
        for lang in ("th", "en"):
            items = section.get(lang) or []
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise ValueError(f"{path}: '{key}.{lang}' must be a list of strings")
            out.extend(items)
        return tuple(out)

    words = data["product_words"]
    not_th = (words.get("not_th") or []) if isinstance(words, dict) else []
    context = (words.get("context") or []) if isinstance(words, dict) else []
    return IntentRules(
        cues={k: data[k] for k in (*_CUE_INTENTS, *_OPTIONAL_CUES) if k in data},
        fillers=both(data["fillers"], "fillers"),
        category_words=both(data["category"], "category"),
        product_words=both(words, "product_words"),
        product_words_not=tuple(not_th),
        product_context=tuple(context),
        product_term_ignore=tuple(data.get("product_term_ignore") or ()),
    )
