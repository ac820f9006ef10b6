"""The Qt binding itself must not corrupt the interpreter: a register emits signals all day."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


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
