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

MAX_PAUSE = 3600.0
"""The longest pause a script may ask for before a scan, in seconds."""
MAX_SCRIPT = 1 << 20
"""The largest script file read, in bytes."""


def pause_of(text: str) -> float:
    """Seconds to pause before a scan, from ``text``: ValueError unless a number from 0 to
    :data:`MAX_PAUSE` (``inf`` and ``1e309`` would kill the reader's wait)."""
    try:
        pause = float(text)
    except ValueError:
        raise ValueError("a pause is a number of seconds") from None
    if not 0.0 <= pause <= MAX_PAUSE:  # also refuses nan
        raise ValueError(f"a pause is from 0 to {MAX_PAUSE:g} seconds")
    return pause


def read_script(path: Path) -> list[tuple[float, str]]:
    """``(pause, label)`` pairs from a script file: a regular file of at most
    :data:`MAX_SCRIPT` bytes. Errors name the line, never its text (the file may be any)."""
    if not path.is_file():
        raise ValueError(f"{path} is not a script file")
    with path.open("rb") as file:
        data = file.read(MAX_SCRIPT + 1)
    if len(data) > MAX_SCRIPT:
        raise ValueError(f"{path} is larger than a script ({MAX_SCRIPT} bytes)")
    steps = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pause, _, label = line.partition(" ")
        try:
            steps.append((pause_of(pause), label.strip()))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: expected 'SECONDS LABEL' ({exc})") from None
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
