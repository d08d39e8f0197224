"""The rules of docs/architecture.md that a test can hold."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "translator"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every translator module *name* imports, at any level (lazy imports too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target in known:
                found.add(target)
            for alias in node.names:  # from . import readers
                if f"{target}.{alias.name}" in known:
                    found.add(f"{target}.{alias.name}")
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    # the graph is real: the package's own __init__ is excluded from the edges
    # only because a submodule imports its package implicitly
    assert "translator.variants" in graph["translator.coverage"]
    parent_edges = {
        name: {d for d in deps if not name.startswith(d + ".")} for name, deps in graph.items()
    }
    assert cycles(parent_edges) == []


def test_the_library_never_imports_click():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "click" or n.startswith("click.") for n in names), path


def string_constants_with(pattern) -> dict[str, list[int]]:
    """The modules of translator/ holding a string literal (docstrings too) that
    matches *pattern*, with the lines."""
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if pattern.search(node.value):
                    rel = path.relative_to(PACKAGE).as_posix()
                    found.setdefault(rel, []).append(node.lineno)
    return found


def test_no_function_is_too_complex():
    """Cyclomatic complexity (radon's count) of at most 20 per function."""
    from radon.complexity import cc_visit

    over = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            blocks = [block, *getattr(block, "methods", []), *getattr(block, "closures", [])]
            over += [
                f"{path.relative_to(PACKAGE)}:{b.lineno} {b.name} {b.complexity}"
                for b in blocks
                if b.complexity > 20
            ]
    assert over == []


def test_no_private_name_is_imported_from_another_module():
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            ours = isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith("translator")
            )
            if ours:
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.endswith("__")
                ]
                assert not private, (name, node.module, private)


def test_only_the_argos_engine_touches_ctranslate2():
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).as_posix() == "engines/argos.py":
            continue
        text = path.read_text(encoding="utf-8")
        for library in ("ctranslate2", "sentencepiece", "argostranslate"):
            assert f"import {library}" not in text and f"from {library}" not in text, (
                path,
                library,
            )


def test_every_module_is_on_the_map():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        assert f"`{rel}`" in doc, f"{rel} is missing from docs/architecture.md"
