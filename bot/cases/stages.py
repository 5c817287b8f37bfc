"""The stage table (knowledge/stages.yaml): stages, their working-day budgets and allowed moves, validated.

The only I/O is :func:`load_stages`; :mod:`bot.cases.timeline` computes where an application stands.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeGuard

import yaml

__all__ = ["Stage", "StageBook", "StageConfigError", "load_stages"]

_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_STAGE_FIELDS = {
    "key", "label_th", "label_en", "budget_days", "pauses_clock", "terminal", "next",
    "applicant_action_th", "applicant_action_en", "progress_step",
}


class StageConfigError(ValueError):
    """``stages.yaml`` is invalid; the message lists every problem found."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One application stage as configured in ``knowledge/stages.yaml``."""

    key: str
    label_th: str
    label_en: str
    budget_days: int
    pauses_clock: bool
    terminal: bool
    next: tuple[str, ...]
    applicant_action_th: str = ""
    applicant_action_en: str = ""
    progress_step: int | None = None

    @property
    def on_main_path(self) -> bool:
        """True for stages shown on the progress bar."""
        return self.progress_step is not None


@dataclass(frozen=True, slots=True)
class StageBook:
    """The validated set of stages; build it with :func:`load_stages` or :meth:`from_mapping`."""

    stages: tuple[Stage, ...]
    total_working_days: int
    note_th: str = ""
    note_en: str = ""
    sources: tuple[str, ...] = ()
    _by_key: Mapping[str, Stage] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {s.key: s for s in self.stages})

    def __getitem__(self, key: str) -> Stage:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"unknown stage {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def __len__(self) -> int:
        return len(self.stages)

    @property
    def main_path(self) -> tuple[Stage, ...]:
        """Progress-bar stages in order."""
        return tuple(sorted((s for s in self.stages if s.on_main_path),
                            key=lambda s: s.progress_step or 0))

    @property
    def start(self) -> Stage:
        """The first stage of every application (progress step 1)."""
        return self.main_path[0]

    def can_move(self, src: str, dst: str) -> bool:
        """True when ``dst`` is an allowed next stage of ``src``."""
        return dst in self[src].next

    @classmethod
    def from_mapping(cls, data: Any, source: str = "stages") -> StageBook:
        """Validate parsed YAML and build the book; raises :class:`StageConfigError`."""
        return _build_book(data, source)


def load_stages(path: str | Path) -> StageBook:
    """Read and validate ``stages.yaml``."""
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise StageConfigError(f"{path}: invalid YAML: {exc}") from exc
    return StageBook.from_mapping(data, source=str(path))


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_stage(raw: Any, index: int, errors: list[str]) -> Stage | None:
    where = f"stages[{index}]"
    if not isinstance(raw, Mapping):
        errors.append(f"{where}: must be a mapping")
        return None
    key = raw.get("key")
    if isinstance(key, str):
        where = f"stage {key!r}"
    unknown = sorted(set(raw) - _STAGE_FIELDS, key=str)
    if unknown:
        errors.append(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    missing = sorted({"key", "label_th", "label_en", "budget_days", "pauses_clock",
                      "terminal", "next"} - set(raw))
    if missing:
        errors.append(f"{where}: missing field(s) {', '.join(missing)}")
        return None
    before = len(errors)
    if not isinstance(key, str) or not _KEY_RE.match(key):
        errors.append(f"{where}: key must be lowercase snake_case, got {key!r}")
    for name in ("label_th", "label_en"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            errors.append(f"{where}: {name} must be a non-empty string")
    for name in ("applicant_action_th", "applicant_action_en"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            errors.append(f"{where}: {name} must be a string")
    if not _is_int(raw["budget_days"]) or raw["budget_days"] < 0:
        errors.append(f"{where}: budget_days must be an integer >= 0")
    for name in ("pauses_clock", "terminal"):
        if not isinstance(raw[name], bool):
            errors.append(f"{where}: {name} must be true or false")
    nxt = raw["next"]
    if not isinstance(nxt, list) or not all(isinstance(k, str) for k in nxt):
        errors.append(f"{where}: next must be a list of stage keys")
    step = raw.get("progress_step")
    if step is not None and (not _is_int(step) or step < 1):
        errors.append(f"{where}: progress_step must be null or an integer >= 1")
    if len(errors) > before:
        return None
    return Stage(
        key=str(key),
        label_th=raw["label_th"].strip(),
        label_en=raw["label_en"].strip(),
        budget_days=raw["budget_days"],
        pauses_clock=raw["pauses_clock"],
        terminal=raw["terminal"],
        next=tuple(nxt),
        applicant_action_th=(raw.get("applicant_action_th") or "").strip(),
        applicant_action_en=(raw.get("applicant_action_en") or "").strip(),
        progress_step=step,
    )


def _check_stage_rules(stage: Stage, keys: set[str], errors: list[str]) -> None:
    where = f"stage {stage.key!r}"
    for target in stage.next:
        if target not in keys:
            errors.append(f"{where}: next refers to unknown stage {target!r}")
    if stage.key in stage.next:
        errors.append(f"{where}: next must not contain the stage itself")
    if len(set(stage.next)) != len(stage.next):
        errors.append(f"{where}: next lists a stage twice")
    if stage.terminal:
        if stage.next:
            errors.append(f"{where}: a terminal stage must have an empty next list")
        if stage.pauses_clock:
            errors.append(f"{where}: a terminal stage cannot pause the clock")
    elif not stage.next:
        errors.append(f"{where}: a non-terminal stage needs at least one next stage")
    if stage.budget_days and (stage.terminal or stage.pauses_clock or not stage.on_main_path):
        errors.append(f"{where}: only running main-path stages may have budget_days > 0")
    if stage.pauses_clock and stage.on_main_path:
        errors.append(f"{where}: a stage that pauses the clock cannot be on the main path")


def _check_book_rules(stages: list[Stage], total: int, errors: list[str]) -> None:
    main = sorted((s for s in stages if s.on_main_path), key=lambda s: s.progress_step or 0)
    steps = [s.progress_step for s in main]
    if not main:
        errors.append("no stage has a progress_step: the main path is empty")
        return
    if steps != list(range(1, len(main) + 1)):
        errors.append(f"progress_step values must be 1..{len(main)} without gaps or repeats, got {steps}")
        return
    for a, b in pairwise(main):
        if b.key not in a.next:
            errors.append(f"stage {a.key!r}: next must include the following main-path stage {b.key!r}")
    if main[0].terminal:
        errors.append(f"stage {main[0].key!r}: the start stage cannot be terminal")
    budget = sum(s.budget_days for s in main)
    if budget != total:
        detail = " + ".join(f"{s.key} {s.budget_days}" for s in main if s.budget_days)
        errors.append(f"main-path budgets add up to {budget} ({detail}), "
                      f"but total_working_days is {total}")
    by_key = {s.key: s for s in stages}
    seen, todo = {main[0].key}, [main[0].key]
    while todo:
        for nxt in by_key[todo.pop()].next:
            if nxt in by_key and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    unreachable = [s.key for s in stages if s.key not in seen]
    if unreachable:
        errors.append(f"stage(s) not reachable from {main[0].key!r}: {', '.join(unreachable)}")


def _build_book(data: Any, source: str) -> StageBook:
    if not isinstance(data, Mapping):
        raise StageConfigError(f"{source}: top level must be a mapping")
    errors: list[str] = []
    raw_total = data.get("total_working_days")
    total = raw_total if _is_int(raw_total) else 0
    if total <= 0:
        errors.append("total_working_days must be a positive integer")
    raw_stages = data.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        errors.append("stages must be a non-empty list")
        raw_stages = []
    stages: list[Stage] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_stages):
        stage = _parse_stage(raw, i, errors)
        if stage is None:
            continue
        if stage.key in seen:
            errors.append(f"duplicate stage key {stage.key!r}")
            continue
        seen.add(stage.key)
        stages.append(stage)
    if not errors:
        for stage in stages:
            _check_stage_rules(stage, seen, errors)
    if not errors:
        _check_book_rules(stages, total, errors)
    if errors:
        raise StageConfigError(f"{source}: " + "; ".join(errors))
    sources = tuple(
        str(s["url"]) if isinstance(s, Mapping) and "url" in s else str(s)
        for s in data.get("sources") or ()
    )
    return StageBook(
        stages=tuple(stages),
        total_working_days=total,
        note_th=str(data.get("note_th") or "").strip(),
        note_en=str(data.get("note_en") or "").strip(),
        sources=sources,
    )
