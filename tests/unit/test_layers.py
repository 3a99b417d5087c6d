"""The layers of backend/samlast call one way: api/realtime -> services -> models (docs/architecture.md).

Built from the source with ast (imports inside functions included), without importing the app.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "backend" / "samlast"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """module -> the samlast modules it imports (a package import counts as its __init__)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(), str(path))
        # Imports only for type annotations ("if TYPE_CHECKING:") are not run: not a dependency.
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                    )
                # "from samlast import planning" imports the module samlast.planning; a name that is
                # not a module ("from samlast.planning import solve") imports the package itself.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("samlast") and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_cycle():
    assert _cycles(_imports()) == []


# Who may import whom: a layer never imports one above it.
ABOVE = {
    "samlast.services": ("samlast.api", "samlast.realtime", "samlast.web", "samlast.cli"),
    "samlast.models": ("samlast.api", "samlast.realtime", "samlast.services", "samlast.schemas"),
    "samlast.schemas": ("samlast.api", "samlast.realtime", "samlast.services"),
    "samlast.planning": ("samlast.api", "samlast.realtime", "samlast.services", "samlast.models", "samlast.schemas",
                         "samlast.extensions", "samlast.impact"),
    "samlast.impact": ("samlast.api", "samlast.realtime", "samlast.services", "samlast.models", "samlast.schemas",
                       "samlast.extensions"),
    "samlast.i18n": ("samlast.api", "samlast.realtime", "samlast.services", "samlast.models", "samlast.schemas"),
}  # fmt: skip


def test_no_layer_imports_one_above_it():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _imports().items()
        for layer, forbidden in ABOVE.items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if target.startswith(forbidden)
    )
    assert wrong == []


def test_the_pure_packages_import_no_web_or_database_library():
    wrong = []
    for package in ("planning", "impact", "i18n", "demo"):
        for path in (PACKAGE / package).rglob("*.py"):
            source = path.read_text()
            if path.name == "web.py":  # samlast.i18n.web: the request's locale, for the web layer
                continue
            for library in ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_socketio"):
                if re.search(rf"^\s*(from|import) {library}\b", source, re.M):
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {library}")
    assert wrong == []


def test_web_layer_runs_no_query_and_commits_nothing():
    """api/ and realtime/ parse, authorize, call one service and serialize; services own the transaction."""
    wrong = []
    for package in ("api", "realtime"):
        for path in (PACKAGE / package).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if re.search(r"\bdb\.session\b|\.commit\(\)|\bsa\.select\(|\bsqlalchemy\b", line):
                    wrong.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert wrong == []


def test_every_schema_lives_in_schemas():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        if "schemas" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", getattr(base, "attr", "")).endswith("Schema") for base in node.bases
            ):
                wrong.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert wrong == []
