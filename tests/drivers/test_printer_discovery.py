"""Finding printers: serial ports through pyserial's list, USB printers through a stand-in for
pyusb (absent, without libusb, or with devices), Linux's usblp files, and a real look."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from drivers import printer_discovery
from drivers.printer import parse_printer_url
from drivers.printer_discovery import PrinterCandidate, find_printers, usb_printers, usblp_files


class Endpoint:
    def __init__(self, address: int, attributes: int = 0x02) -> None:  # 2: bulk
        self.bEndpointAddress, self.bmAttributes = address, attributes


class Interface:
    """pyusb's interface: its class, and its endpoints when iterated."""

    def __init__(self, interface_class: int, endpoints: list[Endpoint] | None = None) -> None:
        self.bInterfaceClass = interface_class
        self.endpoints = endpoints or []

    def __iter__(self) -> Iterator[Endpoint]:
        return iter(self.endpoints)


class Device:
    def __init__(
        self,
        vendor: int,
        product: int,
        interfaces: list[Interface],
        names: tuple[str, str] | None = None,
        device_class: int = 0,
    ) -> None:
        self.idVendor, self.idProduct, self.bDeviceClass = vendor, product, device_class
        self._interfaces, self._names = interfaces, names

    def __iter__(self) -> Iterator[list[Interface]]:
        return iter([self._interfaces])  # one configuration

    @property
    def manufacturer(self) -> str:
        if self._names is None:
            raise ValueError("The device has no langid (permission to open it needed)")
        return self._names[0]

    @property
    def product(self) -> str:
        if self._names is None:
            raise ValueError("The device has no langid (permission to open it needed)")
        return self._names[1]


EPSON = Device(
    0x04B8,
    0x0E28,
    [Interface(7, [Endpoint(0x01), Endpoint(0x82)])],
    names=("EPSON", "TM-T20III"),
)
OEM = Device(  # endpoints of its own, names it will not tell without permission
    0x0416,
    0x5011,
    [Interface(7, [Endpoint(0x03), Endpoint(0x81), Endpoint(0x84, attributes=0x03)])],
)
KEYBOARD = Device(0x046D, 0xC31C, [Interface(3, [Endpoint(0x81, attributes=0x03)])])
COMPOSITE = Device(
    0x0519, 0x0003, [Interface(3), Interface(7, [Endpoint(0x02), Endpoint(0x81)])], names=("", "")
)


class NoBackendError(ValueError):
    pass


class USBError(OSError):
    pass


def stand_in_pyusb(devices: list[Device] | None = None, error: Exception | None = None) -> Any:
    core: Any = types.ModuleType("usb.core")
    core.NoBackendError, core.USBError = NoBackendError, USBError

    def find(find_all: bool, custom_match: Any) -> list[Device]:
        assert find_all
        if error is not None:
            raise error
        return [device for device in devices or [] if custom_match(device)]

    core.find = find
    return core


@pytest.fixture
def no_serial_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printer_discovery.list_ports, "comports", list)


@pytest.fixture
def no_usblp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(printer_discovery, "USBLP_FILES", str(tmp_path / "none-*"))


def test_serial_ports_are_listed_with_their_usb_ids(
    monkeypatch: pytest.MonkeyPatch, no_usblp: None
) -> None:
    ports = [
        SimpleNamespace(
            device="/dev/ttyUSB0", description="USB-Serial Controller", vid=0x067B, pid=0x2303
        ),
        SimpleNamespace(device="/dev/ttyS0", description="n/a", vid=None, pid=None),
        SimpleNamespace(device="COM7", description="", vid=0x1A86, pid=0x7523),
    ]
    monkeypatch.setattr(printer_discovery.list_ports, "comports", lambda: ports)
    monkeypatch.setitem(sys.modules, "usb.core", stand_in_pyusb([]))
    found = find_printers()
    assert list(found) == [
        PrinterCandidate("serial:///dev/ttyUSB0", "USB-Serial Controller (USB 067b:2303)"),
        PrinterCandidate("serial:///dev/ttyS0", "/dev/ttyS0"),
        PrinterCandidate("serial://COM7", "USB 1a86:7523"),
    ]
    assert found.notes == []


def test_usb_printers_are_found_by_their_printer_interface(
    monkeypatch: pytest.MonkeyPatch, no_serial_ports: None, no_usblp: None
) -> None:
    monkeypatch.setitem(sys.modules, "usb.core", stand_in_pyusb([EPSON, KEYBOARD, OEM, COMPOSITE]))
    found = find_printers()
    assert list(found) == [
        PrinterCandidate("usb://04b8:0e28", "EPSON TM-T20III USB printer"),
        PrinterCandidate(
            "usb://0416:5011?in_ep=0x81&out_ep=0x03",
            "Winbond (many OEM receipt printers) USB printer",
        ),
        PrinterCandidate("usb://0519:0003?in_ep=0x81&out_ep=0x02", "Star Micronics USB printer"),
    ]
    assert found.notes == []
    for candidate in found:  # each URL opens what was found
        assert parse_printer_url(candidate.url) is not None


def test_a_device_of_the_printer_class_is_a_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        sys.modules, "usb.core", stand_in_pyusb([Device(0x1234, 0x0001, [], device_class=7)])
    )
    notes: list[str] = []
    assert usb_printers(notes) == [PrinterCandidate("usb://1234:0001", "USB printer")]
    assert notes == []


def test_without_pyusb_the_notes_say_so(
    monkeypatch: pytest.MonkeyPatch, no_serial_ports: None, no_usblp: None
) -> None:
    monkeypatch.setitem(sys.modules, "usb.core", None)
    found = find_printers()
    assert list(found) == []
    assert found.notes == ["USB printers could not be listed: the pyusb package is not installed."]


def test_without_libusb_the_notes_say_so(
    monkeypatch: pytest.MonkeyPatch, no_serial_ports: None, no_usblp: None
) -> None:
    monkeypatch.setitem(sys.modules, "usb.core", stand_in_pyusb(error=NoBackendError("No backend")))
    found = find_printers()
    assert list(found) == []
    (note,) = found.notes
    assert note.startswith("USB printers could not be listed: the libusb library is not installed")


def test_a_usb_error_while_listing_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        sys.modules, "usb.core", stand_in_pyusb(error=USBError(13, "Access denied"))
    )
    notes: list[str] = []
    assert usb_printers(notes) == []
    assert notes == ["USB printers could not be listed: [Errno 13] Access denied."]


def test_linux_usblp_files_are_file_printers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("lp1", "lp0", "other"):
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setattr(printer_discovery, "USBLP_FILES", str(tmp_path / "lp*"))
    described = "USB printer device file (Linux usblp driver)"
    expected = [
        PrinterCandidate(f"file://{tmp_path}/lp0", described),
        PrinterCandidate(f"file://{tmp_path}/lp1", described),
    ]
    assert usblp_files() == expected
    if sys.platform.startswith("linux"):
        monkeypatch.setattr(printer_discovery.list_ports, "comports", list)
        monkeypatch.setitem(sys.modules, "usb.core", stand_in_pyusb([]))
        assert list(find_printers()) == expected


def test_a_real_look_around_does_not_fail() -> None:
    found = find_printers()
    for candidate in found:
        assert parse_printer_url(candidate.url) is not None
        assert candidate.description
    assert all(isinstance(note, str) and note.endswith(".") for note in found.notes)
