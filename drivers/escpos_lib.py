"""The one door to python-escpos: where it caches, and keeping it quiet.

On import escpos reads its printer database and caches it as a pickle in
``ESCPOS_CAPABILITIES_PICKLE_DIR``, or else in a new temporary directory on every import, left
behind; so this module points it at a stable per-user cache directory first. escpos also
configures the root logger when imported, logs every open and close of a printer through the
root logger ("Network printer enabled") and prints to standard output ("Using hardware barcode
renderer" on every barcode): its logging goes to the ``escpos`` loggers instead, which pass
warnings only, and its printing to debug records there.

Printer classes that need an optional library (``CupsPrinter``: pycups; ``Win32Raw``:
pywin32; ``LP``: not on Windows) say so with ``is_usable()``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import platformdirs

PICKLE_DIR_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


@contextlib.contextmanager
def _importing_escpos() -> Iterator[None]:
    """Import escpos with its cache directory set, no temporary directory made and the
    root logger left alone."""
    chosen = os.environ.setdefault(
        PICKLE_DIR_ENV,
        str(Path(platformdirs.user_cache_dir("levelup-pos", appauthor=False)) / "escpos"),
    )
    try:
        Path(chosen).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        del os.environ[PICKLE_DIR_ENV]  # escpos keeps its cache in a temporary directory
    made_temporary = tempfile.mkdtemp
    importing = threading.get_ident()

    def mkdtemp(*args: Any, **kwargs: Any) -> Any:
        # escpos.capabilities calls mkdtemp() for the default of environ.get() even when the
        # variable is set: here, on this thread, it gets the cache directory instead.
        if threading.get_ident() == importing and not args and not kwargs:
            return os.environ.get(PICKLE_DIR_ENV) or made_temporary()
        return made_temporary(*args, **kwargs)

    root = logging.getLogger()
    guard = logging.NullHandler()  # escpos.capabilities calls logging.basicConfig(): voided
    root.addHandler(guard)
    tempfile.mkdtemp = mkdtemp
    try:
        yield
    finally:
        tempfile.mkdtemp = made_temporary
        root.removeHandler(guard)


with _importing_escpos():
    import escpos.escpos as _core
    from escpos import capabilities as _capabilities
    from escpos import printer as _printer
    from escpos.exceptions import (
        BarcodeCodeError,
        BarcodeSizeError,
        BarcodeTypeError,
        CashDrawerError,
        CharCodeError,
        DeviceNotFoundError,
        ImageSizeError,
        ImageWidthError,
        SetVariableError,
        TabPosError,
        TextError,
        USBNotFoundError,
    )
    from escpos.exceptions import Error as EscposError
    from escpos.printer import LP, CupsPrinter, Dummy, File, Network, Serial, Usb, Win32Raw
_capabilities.mkdtemp = tempfile.mkdtemp

__all__ = [
    "LP",
    "BarcodeCodeError",
    "BarcodeSizeError",
    "BarcodeTypeError",
    "CashDrawerError",
    "CharCodeError",
    "Connection",
    "CupsPrinter",
    "DeviceNotFoundError",
    "Dummy",
    "EscposError",
    "File",
    "ImageSizeError",
    "ImageWidthError",
    "Network",
    "Serial",
    "SetVariableError",
    "TabPosError",
    "TextError",
    "USBNotFoundError",
    "Usb",
    "Win32Raw",
]

_LOGGING_CALLS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})


class Connection(Protocol):
    """What :mod:`drivers.printer` uses of an escpos printer (``_raw`` is escpos's one way
    to send bytes as they are)."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def _raw(self, msg: bytes) -> None: ...


class _ModuleLogging:
    """Stands for the ``logging`` module inside one escpos module: its ``logging.info(...)``
    calls go to that module's own logger rather than the root logger."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger if name in _LOGGING_CALLS else logging, name)


def _quiet(module: Any) -> None:  # an escpos module: untyped
    logger = logging.getLogger(module.__name__)

    def printed(*values: object, **_: object) -> None:
        logger.debug(" ".join(str(value) for value in values))

    module.print = printed  # a module's globals come before the built-in print
    if getattr(module, "logging", None) is logging:
        module.logging = _ModuleLogging(module.__name__)


for _module in (_core, *(getattr(_printer, name) for name in dir(_printer))):
    if isinstance(_module, ModuleType) and _module.__name__.startswith("escpos."):
        _quiet(_module)
logging.getLogger("escpos").setLevel(logging.WARNING)
