"""Load the matcher's knowledge files from ``knowledge/`` (the only I/O of the matcher)."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from bot.config import knowledge_dir
from bot.nlp.glossary import Glossary
from bot.nlp.records import AliasRecord, StandardRecord
from bot.nlp.title_keys import TitleWords

STANDARDS_FILE = "standards.csv"
ALIASES_FILE = "aliases.csv"
NOT_COMMUNITY_FILE = "not_community_products.csv"
UNLISTED_FILE = "unlisted_community_products.csv"
FILLERS_FILE = "chat_fillers.txt"
TITLE_WORDS_FILE = "title_words.yaml"
GLOSSARY_FILE = "en_th_glossary.yaml"

FILLER_SECTIONS = ("filler", "separator", "glue")


class KnowledgeError(ValueError):
    """A knowledge file is missing a column or holds a malformed row."""


class KnowledgeBundle(NamedTuple):
    """Everything :meth:`bot.nlp.matcher.Matcher.build` needs.

    A tuple, so ``standards, aliases, lexicons = load_knowledge(path)`` works;
    ``Matcher.build(standards, aliases, **lexicons)`` builds the index.
    """

    standards: list[StandardRecord]
    aliases: list[AliasRecord]
    lexicons: dict[str, Any]  # keyword arguments of Matcher.build


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise KnowledgeError(f"{path.name}: missing column(s) {', '.join(missing)}")
        return [row for row in reader if any((v or "").strip() for v in row.values())]


def _int(value: str, path: Path, line: int, column: str) -> int:
    try:
        return int(value.strip())
    except (AttributeError, ValueError):
        raise KnowledgeError(f"{path.name} line {line}: {column} must be an integer, got {value!r}") from None


def read_standards(path: Path) -> list[StandardRecord]:
    """Rows of ``standards.csv`` as :class:`StandardRecord` (keywords split on commas)."""
    columns = ("number", "year", "code", "name", "category", "keywords", "source", "superseded_by")
    records = []
    for line, row in enumerate(_read_csv(path, columns), start=2):
        keywords = tuple(k.strip() for k in (row["keywords"] or "").split(",") if k.strip())
        records.append(
            StandardRecord(
                number=_int(row["number"], path, line, "number"),
                year=_int(row["year"], path, line, "year"),
                code=row["code"].strip(),
                name=row["name"].strip(),
                category=row["category"].strip(),
                keywords=keywords,
                source=row["source"].strip(),
                superseded_by=(row["superseded_by"] or "").strip() or None,
                name_en=(row.get("name_en") or "").strip(),
            )
        )
    return records


def read_aliases(path: Path) -> list[AliasRecord]:
    """Rows of ``aliases.csv`` as :class:`AliasRecord`."""
    return [
        AliasRecord(alias=row["alias"].strip(), number=_int(row["number"], path, line, "number"),
                    source=row["source"].strip())
        for line, row in enumerate(_read_csv(path, ("alias", "number", "source")), start=2)
    ]


def read_term_kinds(path: Path, kind_column: str) -> dict[str, str]:
    """A two-column lexicon (``term`` plus ``kind_column``) as a term → kind mapping."""
    return {row["term"].strip(): row[kind_column].strip()
            for row in _read_csv(path, ("term", kind_column)) if row["term"].strip()}


def read_filler_sections(path: Path) -> dict[str, tuple[str, ...]]:
    """``chat_fillers.txt``: ``[section]`` headers followed by one entry per line."""
    sections: dict[str, list[str]] = {name: [] for name in FILLER_SECTIONS}
    current: list[str] | None = None
    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if name not in sections:
                raise KnowledgeError(f"{path.name} line {line_no}: unknown section [{name}]")
            current = sections[name]
        elif current is None:
            raise KnowledgeError(f"{path.name} line {line_no}: entry before any [section]")
        else:
            current.append(line)
    return {name: tuple(words) for name, words in sections.items()}


def _read_sections(path: Path) -> dict[str, Any]:
    """A YAML file of named sections (an absent file has none)."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping of sections")
    return data


def read_title_words(path: Path) -> TitleWords:
    """``title_words.yaml``: how producers write the words of official titles (optional file)."""
    try:
        return TitleWords.from_mapping(_read_sections(path))
    except ValueError as exc:
        raise KnowledgeError(str(exc)) from None


def read_glossary(path: Path) -> Glossary:
    """``en_th_glossary.yaml``: everyday English product words in Thai (optional file)."""
    try:
        return Glossary.from_mapping(_read_sections(path))
    except ValueError as exc:
        raise KnowledgeError(str(exc)) from None


def current_standards(directory: Path | None = None) -> dict[int, StandardRecord]:
    """Number → current edition (not superseded, else the newest) of each standard in the knowledge
    directory's ``standards.csv`` (read once per directory)."""
    return _current_standards(Path(directory) if directory is not None else knowledge_dir())


@lru_cache(maxsize=4)
def _current_standards(base: Path) -> dict[int, StandardRecord]:
    best: dict[int, StandardRecord] = {}
    for record in read_standards(base / STANDARDS_FILE):
        held = best.get(record.number)
        if held is None or (record.is_current, record.year) > (held.is_current, held.year):
            best[record.number] = record
    return best


def load_knowledge(directory: Path | None = None) -> KnowledgeBundle:
    """Read every knowledge file; the result feeds :meth:`Matcher.build`."""
    base = Path(directory) if directory is not None else knowledge_dir()
    fillers = read_filler_sections(base / FILLERS_FILE)
    lexicons: dict[str, Any] = {
        "not_community": read_term_kinds(base / NOT_COMMUNITY_FILE, "kind"),
        "unlisted": read_term_kinds(base / UNLISTED_FILE, "category"),
        "fillers": fillers["filler"],
        "separators": fillers["separator"],
        "glue_words": fillers["glue"],
        "title_words": read_title_words(base / TITLE_WORDS_FILE),
        "glossary": read_glossary(base / GLOSSARY_FILE),
    }
    return KnowledgeBundle(read_standards(base / STANDARDS_FILE), read_aliases(base / ALIASES_FILE), lexicons)
