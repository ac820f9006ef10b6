"""``fake://?codes=A,B&interval=0.2`` or ``fake:///path/to/script``: scripted scans.

A script file has one scan a line, ``SECONDS LABEL`` (the pause before it, then the code);
blank lines and ``#`` comments are skipped. For demos and tests: it behaves like a real
scanner (lifecycle, queue, events), its codes coming from the script on a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from drivers.scanner import Listener, ScanEvent, Scanner


def read_script(path: Path) -> list[tuple[float, str]]:
    """``(pause, label)`` pairs from a script file."""
    steps = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pause, _, label = line.partition(" ")
        try:
            steps.append((float(pause), label.strip()))
        except ValueError:
            raise ValueError(f"{path}:{number}: expected 'SECONDS LABEL', not {line!r}") from None
    return steps


class FakeScanner(Scanner):
    def __init__(
        self,
        steps: Sequence[tuple[float, str]],
        device: str = "fake",
        listener: Listener | None = None,
    ) -> None:
        super().__init__(device, listener)
        self._steps = list(steps)
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def _start(self) -> None:
        self._halt = threading.Event()  # each run its own: a stopped run never resumes
        self._thread = threading.Thread(
            target=self._run, args=(self._halt,), name=self.device, daemon=True
        )
        self._thread.start()

    def _stop(self) -> None:
        self._halt.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)
        self._thread = None

    def _run(self, halt: threading.Event) -> None:
        while self._steps:
            pause, label = self._steps[0]
            if halt.wait(pause):  # stopped during the pause
                return
            self._steps.pop(0)
            self._deliver(ScanEvent(label.encode(), label, None, self.device))
