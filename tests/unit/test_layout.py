"""The package's shape, held as tests: no import cycles, nothing imports upward, small parts.

``api`` knows HTTP, ``polling`` knows time, ``card`` wires them to traits: an
import that runs the other way (or in a circle, counting ``TYPE_CHECKING``
imports) is a seam in the wrong place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sutro_widget"
#: Lower layers may not import higher ones.
LAYERS = {
    "errors": 0,
    "_version": 0,
    "api": 1,
    "polling": 2,
    "card": 3,
    "terminal": 4,
    "magics": 4,
    "integrations": 4,
    "server": 5,  # the Jupyter server extension: above everything, imported by nothing
}
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found |= {c for c in candidates if c in known and c != name}
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def test_no_import_cycles_counting_type_checking_imports() -> None:
    edges = graph()
    # A package importing its own submodules (``__init__`` re-exports) is not a cycle.
    edges = {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in edges.items()}
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in visiting:
            pytest.fail("import cycle: " + " -> ".join([*trail, node]))
        if node in done:
            return
        visiting.add(node)
        for nxt in sorted(edges[node]):
            visit(nxt, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for name in sorted(edges):
        visit(name, [])


def layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_nothing_imports_upward() -> None:
    upward = [
        f"{a} -> {b}"
        for a, bs in graph().items()
        for b in bs
        if layer(a) is not None and layer(b) is not None and layer(b) > layer(a)  # type: ignore[operator]
    ]
    assert upward == []


def test_product_files_and_functions_are_small() -> None:
    sources = [*PACKAGE.rglob("*.py"), *(PACKAGE.parent / "js").rglob("*.ts")]
    too_long = [
        f"{p.name}: {n}"
        for p in sources
        if not p.name.endswith(".test.ts") and p.name != "fake-model.ts"
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    ]
    assert too_long == []
    long_functions = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.name}:{node.name} ({length})")
    assert long_functions == []
