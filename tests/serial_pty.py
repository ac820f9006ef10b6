"""A scanner on a pseudo-terminal that types once the code under test has opened the port:
pyserial empties the input buffer when it opens one, so bytes written before that are lost
(on a slow machine a fixed sleep is not enough)."""

from __future__ import annotations

import os
import threading

import pytest
import serial


def type_once_open(monkeypatch: pytest.MonkeyPatch, master: int, data: bytes) -> None:
    """Write ``data`` to the pseudo-terminal ``master`` right after a ``serial.Serial`` opens."""
    opened = threading.Event()
    real_open = serial.Serial.open

    def open_and_tell(port: serial.Serial) -> None:
        real_open(port)
        opened.set()

    monkeypatch.setattr(serial.Serial, "open", open_and_tell)

    def scanner_types() -> None:
        if opened.wait(timeout=30):
            os.write(master, data)

    threading.Thread(target=scanner_types, daemon=True).start()
