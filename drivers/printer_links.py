"""An open connection to a receipt printer, through python-escpos, for :mod:`drivers.printer`.

A :class:`Link` sends bytes as they are and, where the connection carries answers (socket,
serial, USB), asks real-time status. Whatever goes wrong comes out as an ``OSError``, a
``TimeoutError`` (the printer stopped taking bytes), escpos's ``DeviceNotFoundError`` (with
the ``OSError`` behind it as its context) or a :class:`LinkError` (this computer cannot use
that printer, in words).
"""

from __future__ import annotations

import contextlib
import errno
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Any

import serial
import usb.core

from drivers.escpos_lib import (
    LP,
    Connection,
    CupsPrinter,
    DeviceNotFoundError,
    File,
    Network,
    Serial,
    Usb,
    Win32Raw,
)
from drivers.printer_url import (
    CupsUrl,
    FileUrl,
    LpUrl,
    PrinterUrl,
    SerialUrl,
    SocketUrl,
    UsbUrl,
    Win32Url,
)

JOB_NAME = "LevelUp POS"
LINGER = 10.0
"""Seconds a socket printer has, after a job, to read the rest and close its end."""
_RESET_ON_CLOSE = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)  # struct linger


class LinkError(Exception):
    """This computer cannot use the printer; the message ends "The {printer} ..."."""


class Link:
    """An open escpos connection to one printer."""

    def __init__(self, printer: Connection) -> None:
        self._printer = printer

    def write(self, data: bytes) -> None:
        """Send ``data`` as it is, all of it."""
        self._printer._raw(data)

    def ask(self, query: bytes, wait: float) -> bytes:
        """Send a real-time ``query``; its answer, or ``b""`` when none came within ``wait``
        seconds (or the connection carries no answers)."""
        return b""

    def close(self) -> None:
        """Close at the end of a job (for spoolers: hand the job over)."""
        self._printer.close()

    def abort(self) -> None:
        """Close after a failure; what was not taken yet may be dropped."""
        self.close()


class _SocketLink(Link):
    def __init__(self, printer: Any, connection: socket.socket, timeout: float) -> None:
        super().__init__(printer)
        self._network = printer
        self._socket = connection
        self._timeout = timeout

    def ask(self, query: bytes, wait: float) -> bytes:
        self._socket.settimeout(wait)
        try:
            self._socket.sendall(query)
            answer = self._socket.recv(16)
        except TimeoutError:
            return b""
        finally:
            self._socket.settimeout(self._timeout)
        if not answer:
            raise ConnectionResetError(errno.ECONNRESET, "the printer closed the connection")
        return answer

    def close(self) -> None:
        # Closing outright would reset the connection on a late status answer, and a printer
        # may then drop what it has not printed yet: the job is said to be over, and a thread
        # reads on until the printer closes its end.
        self._network.device = None  # escpos lets go of the connection
        try:
            self._socket.shutdown(socket.SHUT_WR)
        except OSError:
            self._socket.close()
            raise
        threading.Thread(
            target=_linger, args=(self._socket,), name="printer linger", daemon=True
        ).start()

    def abort(self) -> None:
        # A reset: a printer that comes unstuck does not print a job already given up on.
        self._network.device = None
        with contextlib.suppress(OSError):
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
        self._socket.close()


def _linger(connection: socket.socket) -> None:
    deadline = time.monotonic() + LINGER
    with connection, contextlib.suppress(OSError):
        while (left := deadline - time.monotonic()) > 0:
            connection.settimeout(left)
            if not connection.recv(256):
                return


class _SerialLink(Link):
    def __init__(self, printer: Any, timeout: float) -> None:
        super().__init__(printer)
        self._port: Any = printer.device
        self._timeout = timeout

    def write(self, data: bytes) -> None:
        try:
            super().write(data)
        except serial.SerialTimeoutException as exc:
            raise TimeoutError(str(exc)) from exc

    def ask(self, query: bytes, wait: float) -> bytes:
        self._port.reset_input_buffer()
        self._port.timeout = wait
        try:
            self.write(query)
            return bytes(self._port.read(1))
        finally:
            self._port.timeout = self._timeout


class _UsbLink(Link):
    def __init__(self, printer: Any, url: UsbUrl) -> None:
        super().__init__(printer)
        self._device: Any = printer.device
        self._url = url

    def write(self, data: bytes) -> None:
        try:
            super().write(data)
        except usb.core.USBTimeoutError as exc:
            raise TimeoutError(str(exc)) from exc

    def ask(self, query: bytes, wait: float) -> bytes:
        milliseconds = max(1, round(wait * 1000))
        self.write(query)
        try:
            return bytes(self._device.read(self._url.in_ep, 16, milliseconds))
        except usb.core.USBError:  # a timeout, or a printer that has no way back
            return b""


class _LpLink(Link):
    def __init__(self, printer: Any) -> None:
        super().__init__(printer)
        self._lp = printer
        self._process: subprocess.Popen[bytes] = printer.device

    def close(self) -> None:
        super().close()  # closes lp's input and waits for it
        if self._process.returncode:
            raise LinkError(f"refused the job (lp ended with status {self._process.returncode})")

    def abort(self) -> None:
        # lp stopped before the end of its input queues nothing; escpos, closing, would
        # hand over what it had.
        self._process.kill()
        self._process.wait()
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        self._lp.device = False  # closed: escpos would otherwise close it again, when dropped


def open_link(url: PrinterUrl, timeout: float) -> Link:
    """Open the printer ``url`` names; each step waits ``timeout`` seconds at most where the
    connection has a timeout (socket, serial, USB)."""
    if isinstance(url, SocketUrl):
        return _open_socket(url, timeout)
    if isinstance(url, SerialUrl):
        serial_printer: Any = Serial(
            devfile=url.port, baudrate=url.baud, timeout=timeout, dsrdtr=url.dsrdtr
        )
        serial_printer.open()
        port = serial_printer.device
        port.write_timeout = timeout
        port.rtscts = url.rtscts
        return _SerialLink(serial_printer, timeout)
    if isinstance(url, UsbUrl):
        return _open_usb(url, timeout)
    if isinstance(url, FileUrl):
        file_printer: Any = File(devfile=url.path, auto_flush=True)
        file_printer.open()
        return Link(file_printer)
    if isinstance(url, LpUrl):
        return _open_lp(url)
    if isinstance(url, CupsUrl):
        return _open_cups(url)
    if isinstance(url, Win32Url):
        return _open_win32(url)
    raise TypeError(f"no way to open a {type(url).__name__}")


def _open_socket(url: SocketUrl, timeout: float) -> Link:
    connection = socket.create_connection((url.host, url.port), timeout=timeout)
    printer: Any = Network(host=url.host, port=url.port, timeout=timeout)
    printer.device = connection  # connected above: IPv6 too, which Network.open is not
    return _SocketLink(printer, connection, timeout)


def _open_usb(url: UsbUrl, timeout: float) -> Link:
    if not Usb.is_usable():
        raise LinkError("needs the pyusb package, which is not installed")
    printer: Any = Usb(
        idVendor=url.vendor_id,
        idProduct=url.product_id,
        timeout=max(1, round(timeout * 1000)),
        in_ep=url.in_ep,
        out_ep=url.out_ep,
    )
    try:
        printer.open()
    except usb.core.NoBackendError:
        raise LinkError("needs the libusb library, which is not installed") from None
    return _UsbLink(printer, url)


def _open_lp(url: LpUrl) -> Link:
    if not LP.is_usable():
        raise LinkError("is a print queue of the lp command, which Windows does not have")
    printer: Any = LP(printer_name=url.queue)
    try:
        printer.open(job_name=JOB_NAME)
    except FileNotFoundError:
        raise LinkError("needs the lp and lpstat commands (CUPS), which are not here") from None
    except DeviceNotFoundError:
        raise LinkError("is not a print queue on this computer (lpstat -e lists them)") from None
    return _LpLink(printer)


def _open_cups(url: CupsUrl) -> Link:
    if not CupsPrinter.is_usable():
        raise LinkError(
            "needs the pycups package, which is not installed "
            f"(lp://{url.queue} prints through the lp command without it)"
        )
    printer: Any = CupsPrinter(printer_name=url.queue)
    try:
        printer.open(job_name=JOB_NAME)
    except DeviceNotFoundError:
        raise LinkError("is not a CUPS queue that this computer can reach") from None
    return Link(printer)


def _open_win32(url: Win32Url) -> Link:
    if not Win32Raw.is_usable():
        if sys.platform != "win32":
            raise LinkError("prints on Windows only")
        raise LinkError("needs the pywin32 package, which is not installed")
    printer: Any = Win32Raw(printer_name=url.name)
    try:
        printer.open(job_name=JOB_NAME)
    except DeviceNotFoundError:
        raise LinkError("is not a printer Windows knows (see Printers & scanners)") from None
    return Link(printer)
