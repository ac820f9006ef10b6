"""Work off the GUI thread: a :class:`Lane` runs jobs one after another on its own thread
and calls back on the GUI thread with the result or the error (Anki's ``QueryOp`` shape)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pos_app.ui.qt import QObject, Signal, isValid

T = TypeVar("T")


def gone(widget: QObject) -> bool:
    """The Qt object was deleted (a dialog closed before an answer came)."""
    return not isValid(widget)


class Lane(QObject):
    """One worker thread; jobs run in the order given, so a scan, an answer and a cancel
    never race. ``unhandled`` carries errors of jobs that gave no ``failed`` callback."""

    _finished = Signal(object)
    unhandled = Signal(object)
    drained = Signal()
    """Every job given so far has finished and its callback has run."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending = 0
        self._closed = False
        self._lock = threading.Lock()
        self._finished.connect(self._deliver)

    @property
    def idle(self) -> bool:
        """No job is waiting or running, and every callback has run."""
        return self._pending == 0

    def run(
        self,
        job: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run ``job`` on the lane; then ``done(result)`` or ``failed(error)`` on the GUI
        thread, unless ``owner`` (the dialog that asked) is gone by then. Once the lane is
        closed (the register shutting down), nothing more is started."""
        with self._lock:
            if self._closed:
                return
            self._pending += 1

        def answer(callback: Callable[[], None]) -> None:
            self._finished.emit(lambda: None if owner is not None and gone(owner) else callback())

        def work() -> None:
            try:
                value = job()
            except Exception as error:  # handed to the GUI thread, which shows it
                caught = error
                answer(lambda: self._fail(failed, caught))
            except BaseException:
                self._finished.emit(lambda: None)  # still counted as finished
                raise
            else:
                answer(lambda: done(value) if done is not None else None)

        self._pool.submit(work)

    def _fail(self, failed: Callable[[Exception], None] | None, error: Exception) -> None:
        if failed is None:
            self.unhandled.emit(error)
        else:
            failed(error)

    def _deliver(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        finally:
            with self._lock:
                self._pending -= 1
                drained = self._pending == 0
            if drained:
                self.drained.emit()

    def close(self) -> None:
        """Finish the jobs already given, then stop the thread."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True)
