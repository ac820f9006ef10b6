"""The Qt binding itself must not corrupt the interpreter: a register emits signals all day.
And it comes in through one door, :mod:`pos_app.ui.qt`, where the guard against a bad release
lives."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal

from pos_app.ui.qt import UNFIT_BINDINGS, QtBindingUnfit, check_binding

SOURCES = Path(__file__).parents[2] / "pos_app"


class _Emitter(QObject):
    changed = Signal(object)


def test_emitting_signals_leaves_the_reference_counts_of_booleans_alone():
    # PySide6 6.12.0 returned True from emit() without a new reference: each emit took one
    # from True, and on Python 3.11 the process aborted ("bool_dealloc") within hours.
    emitter = _Emitter()
    emitter.changed.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(10_000):
        emitter.changed.emit("x")
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before


def test_the_leaking_release_is_refused_with_what_to_install():
    assert "6.12.0" in UNFIT_BINDINGS
    with pytest.raises(QtBindingUnfit, match=r"PySide6 6\.12\.0 cannot run the register"):
        check_binding("6.12.0")
    with pytest.raises(ImportError, match=r"!=6\.12\.0"):
        check_binding("6.12.0")
    check_binding("6.11.3")
    check_binding("6.12.1")


def qt_imports(path: Path) -> list[int]:
    """The lines of ``path`` that import PySide6 or shiboken6."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in names):
            lines.append(node.lineno)
    return lines


def test_qt_comes_in_through_pos_app_ui_qt_alone():
    importers = {
        str(path.relative_to(SOURCES.parent)): lines
        for path in sorted(SOURCES.rglob("*.py"))
        if (lines := qt_imports(path))
    }
    assert list(importers) == ["pos_app/ui/qt.py"]
