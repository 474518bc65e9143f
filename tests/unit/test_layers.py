"""The layering of ARCHITECTURE.md, held against the code: every import read, no arrow upwards, no cycle."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each part may import of the project (ARCHITECTURE.md, "Code map"). A part is a package of
# linkedin/, one of its top-level modules, or ui/ / pages / app.
ALLOWED = {
    "sandbox": set(),
    "store": set(),
    "api": {"store", "sandbox"},
    "tables": set(),
    "sync": {"api", "tables", "store"},
    "insights": {"api", "store", "sync"},
    "demo": {"api", "store", "sandbox"},
    "signoff": {"api", "tables", "sync", "insights", "demo", "store"},
    "notebook": {"api", "tables", "sync", "insights", "demo", "store", "sandbox"},
    "cli": {"notebook", "api", "tables", "sandbox"},
    "__main__": {"cli"},
    "__init__": set(),
    "web": {"api", "store", "sandbox"},
    "ui": {"api", "tables", "sync", "insights", "demo", "signoff", "web", "store"},
    "pages": {"ui", "api", "tables", "sync", "insights", "demo", "signoff", "web", "store"},
    "app": {"ui", "web", "api"},
}


def _files() -> list[Path]:
    return [*ROOT.glob("linkedin/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "linkedin":
        return parts[1] if len(parts) > 1 else "__init__"
    return parts[0]


def _imports(path: Path, module: str) -> set[str]:
    """The project modules ``path`` imports (relative imports resolved, ``from x import y`` as x.y when y is a module)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{a.name}" for a in node.names]
            if not all(n in KNOWN for n in names):  # names defined in ``base`` itself: it is imported
                names.append(base)
        else:
            continue
        for name in names:
            if name.split(".")[0] == "streamlit":
                found.add("streamlit")
            elif name.split(".")[0] in ("linkedin", "ui", "pages", "app"):
                while name and name not in KNOWN:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    found.add(name)
    return found


KNOWN = {_module(p) for p in _files()}
GRAPH = {_module(p): _imports(p, _module(p)) for p in _files()}


def test_every_part_is_in_the_map():
    assert {_part(m) for m in GRAPH} <= set(ALLOWED)


def test_no_import_runs_against_the_layers():
    wrong = sorted(
        f"{m} -> {d}" for m, deps in GRAPH.items() for d in deps
        if d != "streamlit" and _part(d) != _part(m) and _part(d) not in ALLOWED[_part(m)] and d != "linkedin"
    )
    assert wrong == []


@pytest.mark.parametrize("part", sorted(set(ALLOWED) - {"ui", "pages", "app"}))
def test_only_the_app_imports_streamlit(part):
    assert [m for m, deps in GRAPH.items() if _part(m) == part and "streamlit" in deps] == []


def test_there_is_no_import_cycle():
    """Strongly connected components of the module graph (Tarjan), type-only imports included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in GRAPH:  # streamlit
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_map_sees_the_imports_it_checks():
    """Guards the reader above: a known arrow of each kind is found."""
    assert "linkedin.api.client" in GRAPH["linkedin.sync.sender"]
    assert "linkedin.sandbox.world" in GRAPH["linkedin.sandbox.server"]  # a relative import
    assert "ui.job" in GRAPH["ui.sending"]
    assert "linkedin.insights.portfolio" in GRAPH["pages.audiences"]  # from linkedin.insights import portfolio
    assert defaultdict(set, GRAPH)["linkedin.tables.reader"] & {"linkedin.tables.columns"} == set()
