"""What scanners are plugged in: serial ports and HID devices, likely scanners marked.

A HID device on the POS barcode scanner usage page (0x8C) is a scanner; so, probably, is any
device of a vendor that makes scanners. Serial ports are listed with their USB ids. HID devices
are enumerated on the one hidapi thread (:mod:`drivers.hid_thread`), as every hidapi call is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from serial.tools import list_ports

from drivers.hid_scanner import POS_USAGE_PAGE
from drivers.hid_thread import run_in_hid_thread

EnumerateHid = Callable[[], Iterable[Mapping[str, Any]]]

SCANNER_VENDORS = {
    0x0C2E: "Honeywell (Metrologic)",
    0x0536: "Honeywell (Hand Held Products)",
    0x05E0: "Zebra (Symbol)",
    0x05F9: "Datalogic",
    0x1EAB: "Newland",
    0x0483: "STMicroelectronics (many OEM scanners)",
    0x1A86: "QinHeng (CH340, many OEM scanners)",
    0x0C2F: "Code Corporation",
    0x1504: "Bixolon / OEM",
    0x2DD6: "Zebra",
}


@dataclass(frozen=True)
class Found:
    """A device that may be a scanner, with the URL that opens it."""

    url: str
    kind: str  # "serial" or "hid"
    description: str
    vendor_id: int | None
    product_id: int | None
    likely_scanner: bool
    reason: str

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("vendor_id", "product_id"):
            if data[key] is not None:
                data[key] = f"{data[key]:04x}"
        return data


def serial_ports() -> list[Found]:
    found = []
    for port in list_ports.comports():
        vendor = SCANNER_VENDORS.get(port.vid or -1)
        found.append(
            Found(
                url=f"serial://{port.device}",
                kind="serial",
                description=port.description or port.device,
                vendor_id=port.vid,
                product_id=port.pid,
                likely_scanner=vendor is not None,
                reason=f"made by {vendor}" if vendor else "",
            )
        )
    return found


def hid_devices(enumerate_hid: EnumerateHid | None = None) -> list[Found]:
    """HID devices, enumerated on the hidapi thread (``enumerate_hid`` stands in for
    ``hid.enumerate`` in tests; it is called on that thread too)."""
    found = []
    for device in run_in_hid_thread(_enumerate, enumerate_hid):
        vendor_id, product_id = device.get("vendor_id"), device.get("product_id")
        pos = device.get("usage_page") == POS_USAGE_PAGE
        vendor = SCANNER_VENDORS.get(vendor_id or -1)
        mode = "pos" if pos else "keyboard"
        found.append(
            Found(
                url=f"hid://{vendor_id:04x}:{product_id:04x}?mode={mode}",
                kind="hid",
                description=" ".join(
                    filter(None, [device.get("manufacturer_string"), device.get("product_string")])
                )
                or "HID device",
                vendor_id=vendor_id,
                product_id=product_id,
                likely_scanner=pos or vendor is not None,
                reason="HID POS barcode scanner"
                if pos
                else (f"made by {vendor}" if vendor else ""),
            )
        )
    return found


def _enumerate(enumerate_hid: EnumerateHid | None) -> list[Mapping[str, Any]]:
    """On the hidapi thread: every HID device, or none when hidapi is not installed."""
    if enumerate_hid is None:
        try:
            import hid
        except ImportError:
            return []
        enumerate_hid = hid.enumerate
    return list(enumerate_hid())
