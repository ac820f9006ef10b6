"""``fake://?codes=A,B&interval=0.2`` or ``fake:///path/to/script``: scripted scans.

A script file has one scan a line, ``SECONDS LABEL`` (the pause before it, then the code);
blank lines and ``#`` comments are skipped. For demos and tests: it behaves like a real
scanner (lifecycle, queue, events), its codes coming from the script on a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from drivers.scanner import Listener, ReadingScanner, ScanEvent


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


class FakeScanner(ReadingScanner):
    def __init__(
        self,
        steps: Sequence[tuple[float, str]],
        device: str = "fake",
        listener: Listener | None = None,
    ) -> None:
        super().__init__(device, listener)
        self._steps = list(steps)

    def _read(self, stopped: threading.Event) -> None:
        while self._steps:
            pause, label = self._steps[0]
            if stopped.wait(pause):  # stopped during the pause
                return
            self._steps.pop(0)
            self._deliver(ScanEvent(label.encode(), label, None, self.device))
