"""The architecture as tests: no import cycles, imports point one way, the SDK only at the edge."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in [*ROOT.glob("bot/**/*.py"), ROOT / "app.py"]}


def _imports(name: str) -> set[str]:
    """Every module ``name`` imports (project modules and others), inside functions too."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return found


GRAPH = {name: {m for m in _imports(name) if m in MODULES and m != name} for name in MODULES}


def _cycle_from(start: str) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for target in GRAPH[node]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_import_cycles():
    cycles = [c for c in (_cycle_from(name) for name in sorted(GRAPH)) if c]
    assert cycles == []


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("bot.pipeline", ("bot.handlers", "bot.office")),  # the dispatcher is handed its responder
    ("bot.cases", ("bot.office", "bot.handlers")),
    ("bot.nlp", ("bot.handlers", "bot.office", "bot.cases", "bot.knowledge", "bot.pipeline", "bot.models")),
    ("bot.knowledge.store", ("bot.knowledge.brain",)),  # it announces changes with a signal
])
def test_imports_point_one_way(layer, forbidden):
    wrong = sorted(f"{name} → {target}" for name in GRAPH if name == layer or name.startswith(layer + ".")
                   for target in GRAPH[name] if target.startswith(forbidden))
    assert wrong == []


def test_only_the_line_edge_imports_the_sdk():
    users = sorted(name for name in MODULES if any(m == "linebot" or m.startswith("linebot.") for m in _imports(name)))
    assert users and all(name.startswith("bot.line.") for name in users), users


def test_the_top_of_bot_stays_small():
    top = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert len(top) <= 8, top
