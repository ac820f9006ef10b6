"""Which receipt printers this computer can see, each with the URL that prints on it.

:func:`find_printers` lists serial ports (``serial://``; a serial port may or may not have a
printer on it), USB devices with a printer interface (``usb://VID:PID``, through pyusb when
a libusb backend is installed) and, on Linux, the kernel's USB printer files
(``file:///dev/usb/lp0``). What it found is a list; its ``notes`` say, in plain words, what it
could not look through and why (USB without libusb, say). Nothing is opened or printed.
"""

from __future__ import annotations

import contextlib
import glob
import importlib
import sys
from dataclasses import dataclass
from typing import Any

from serial.tools import list_ports

from drivers.printer_url import DEFAULT_IN_EP, DEFAULT_OUT_EP

USBLP_FILES = "/dev/usb/lp*"
"""Where Linux's usblp driver puts USB printers' device files."""
PRINTER_CLASS = 7
"""The USB interface class of printers."""
PRINTER_VENDORS = {
    0x04B8: "Epson",
    0x0519: "Star Micronics",
    0x1504: "Bixolon",
    0x1D90: "Citizen",
    0x2730: "Citizen",
    0x154F: "SNBC",
    0x0DD4: "Custom",
    0x0416: "Winbond (many OEM receipt printers)",
    0x0FE6: "ICS Advent (many OEM receipt printers)",
}
_BULK = 0x02


@dataclass(frozen=True)
class PrinterCandidate:
    """A device that may be a receipt printer, and the printer URL for it."""

    url: str
    description: str


class Printers(list[PrinterCandidate]):
    """The candidates found; ``notes`` says what could not be looked through, and why."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []


def find_printers() -> Printers:
    """Serial ports, USB printers and (Linux) usblp device files, in that order."""
    found = Printers()
    try:
        found += serial_printers()
    except OSError as exc:
        found.notes.append(f"Serial ports could not be listed: {exc}.")
    found += usb_printers(found.notes)
    if sys.platform.startswith("linux"):
        found += usblp_files()
    return found


def serial_printers() -> list[PrinterCandidate]:
    """Every serial port (pyserial's list), described with its USB ids where it has them."""
    candidates = []
    for port in list_ports.comports():
        described = port.description if port.description not in (None, "", "n/a") else ""
        ids = f"USB {port.vid:04x}:{port.pid:04x}" if port.vid is not None else ""
        words = f"{described} ({ids})" if described and ids else described or ids or port.device
        candidates.append(PrinterCandidate(url=f"serial://{port.device}", description=words))
    return candidates


def usb_printers(notes: list[str]) -> list[PrinterCandidate]:
    """USB devices with a printer interface; why they could not be listed goes to ``notes``."""
    try:
        core: Any = importlib.import_module("usb.core")
    except ImportError:
        notes.append("USB printers could not be listed: the pyusb package is not installed.")
        return []
    try:
        devices = list(core.find(find_all=True, custom_match=_is_printer))
    except core.NoBackendError:
        notes.append(
            "USB printers could not be listed: the libusb library is not installed "
            "(on Linux a USB printer may still show as a file:///dev/usb/lp0 device file)."
        )
        return []
    except (OSError, core.USBError) as exc:
        notes.append(f"USB printers could not be listed: {exc}.")
        return []
    return [_usb_candidate(device) for device in devices]


def usblp_files() -> list[PrinterCandidate]:
    """The device files of Linux's usblp driver."""
    return [
        PrinterCandidate(
            url=f"file://{path}", description="USB printer device file (Linux usblp driver)"
        )
        for path in sorted(glob.glob(USBLP_FILES))
    ]


def _interfaces(device: Any) -> list[Any]:
    return [interface for configuration in device for interface in configuration]


def _is_printer(device: Any) -> bool:
    try:
        interfaces = _interfaces(device)
    except (OSError, ValueError, NotImplementedError):
        interfaces = []
    return device.bDeviceClass == PRINTER_CLASS or any(
        interface.bInterfaceClass == PRINTER_CLASS for interface in interfaces
    )


def _usb_candidate(device: Any) -> PrinterCandidate:
    vendor, product = int(device.idVendor), int(device.idProduct)
    url = f"usb://{vendor:04x}:{product:04x}"
    endpoints = _endpoints(device)
    if endpoints != (DEFAULT_IN_EP, DEFAULT_OUT_EP):
        url += f"?in_ep={endpoints[0]:#04x}&out_ep={endpoints[1]:#04x}"
    names = []
    for attribute in ("manufacturer", "product"):
        # read from the device: needs the permission to open it
        with contextlib.suppress(OSError, ValueError, NotImplementedError):
            names.append(str(getattr(device, attribute) or ""))
    described = " ".join(filter(None, names)) or PRINTER_VENDORS.get(vendor, "")
    return PrinterCandidate(url=url, description=f"{described} USB printer".strip())


def _endpoints(device: Any) -> tuple[int, int]:
    """The bulk in and out endpoint addresses of the printer interface (escpos's defaults
    where there is none)."""
    found_in, found_out = DEFAULT_IN_EP, DEFAULT_OUT_EP
    for interface in _interfaces(device):
        if interface.bInterfaceClass != PRINTER_CLASS:
            continue
        for endpoint in interface:
            if endpoint.bmAttributes & 0x03 != _BULK:
                continue
            if endpoint.bEndpointAddress & 0x80:
                found_in = int(endpoint.bEndpointAddress)
            else:
                found_out = int(endpoint.bEndpointAddress)
        break
    return found_in, found_out
