"""The simulator's shape stays as agreed: small files, short functions, no import cycles.

The simulator once grew to one and a half times the product, with a layer that
re-declared its API; these checks keep it readable: no module over 300 lines,
no function over 60, no import cycle among its modules (``TYPE_CHECKING``
imports count, and importing ``a.b.c`` from outside ``a.b`` counts as
importing the package ``a.b`` too), and a docstring on every public module, class and function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "sutro_widget" / "simulator"
PACKAGE = "sutro_widget.simulator"
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60
FILES = sorted(ROOT.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def resolve(path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The simulator modules an import statement names (absolute names)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith(PACKAGE)]
    if node.level == 0:
        base = node.module or ""
    else:
        here = module_name(path).split(".")
        package = here if path.name == "__init__.py" else here[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    if not base.startswith(PACKAGE):
        return []
    names = [base]
    for alias in node.names:  # ``from . import x`` may name a module
        candidate = f"{base}.{alias.name}"
        if candidate in MODULES:
            names.append(candidate)
    return names


MODULES = {module_name(path): path for path in FILES}


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in resolve(path, node):
                # Importing a.b.c runs a/b/__init__ first: count every package on the way,
                # except the packages the importer itself lives in (already being imported).
                parts = target.split(".")
                if target == PACKAGE and name != PACKAGE:  # a submodule importing the package
                    graph[name].add(PACKAGE)
                for end in range(len(PACKAGE.split(".")) + 1, len(parts) + 1):
                    dependency = ".".join(parts[:end])
                    inside = name == dependency or name.startswith(dependency + ".")
                    if dependency in MODULES and not inside:
                        graph[name].add(dependency)
    return graph


def test_the_simulator_has_the_modules_this_test_expects() -> None:
    assert f"{PACKAGE}.faults.specs" in MODULES
    assert len(MODULES) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_is_over_300_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_FILE_LINES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_over_60_lines(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_there_is_no_import_cycle() -> None:
    graph = import_graph()
    done: set[str] = set()

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            pytest.fail("import cycle: " + " -> ".join([*stack[stack.index(name) :], name]))
        if name in done:
            return
        for dependency in sorted(graph[name]):
            visit(dependency, [*stack, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def public(name: str) -> bool:
    return not name.startswith("_")


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_everything_public_has_a_docstring(path: Path) -> None:
    tree = ast.parse(path.read_text())
    missing = [] if ast.get_docstring(tree) else ["<module>"]

    def check(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if public(node.name) and not ast.get_docstring(node):
                    missing.append(prefix + node.name)
                if isinstance(node, ast.ClassDef) and public(node.name):
                    check(node.body, f"{prefix}{node.name}.")

    check(tree.body, "")
    assert missing == []
