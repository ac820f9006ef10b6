"""A scanner on a pseudo-terminal that types once the code under test reads: the serial
scanner empties the port's input when it starts reading (what came while disabled is not a
scan), so bytes written before that are lost (on a slow machine a fixed sleep is not enough)."""

from __future__ import annotations

import os
import threading

import pytest
import serial


def type_once_open(monkeypatch: pytest.MonkeyPatch, master: int, data: bytes) -> None:
    """Write ``data`` to the pseudo-terminal ``master`` right after a ``serial.Serial`` has
    emptied its input."""
    opened = threading.Event()
    real_reset = serial.Serial.reset_input_buffer

    def reset_and_tell(port: serial.Serial) -> None:
        real_reset(port)
        opened.set()

    monkeypatch.setattr(serial.Serial, "reset_input_buffer", reset_and_tell)

    def scanner_types() -> None:
        if opened.wait(timeout=30):
            os.write(master, data)

    threading.Thread(target=scanner_types, daemon=True).start()
