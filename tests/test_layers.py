"""The layer rules import-linter cannot express (see pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

import mesodesk

PACKAGE = Path(mesodesk.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_reports_never_import_qtwidgets() -> None:
    # With the layers contract (reports cannot reach ui; core and plots know no Qt),
    # a direct import is the only way QtWidgets could get into reports.
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in _imports(path) if "QtWidgets" in n)
        for path in (PACKAGE / "reports").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_plots_use_no_pyplot_and_no_qt_backend() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            n for n in _imports(path) if "pyplot" in n or "backend_qt" in n
        )
        for path in (PACKAGE / "plots").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
