"""Finding scanners: HID devices through a stand-in for hid.enumerate, and serial ports."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from drivers import discovery
from drivers.discovery import Found, hid_devices, serial_ports
from drivers.hid_scanner import HidScanner
from drivers.url import open_scanner

POS_SCANNER = {
    "path": b"/dev/hidraw3",
    "vendor_id": 0x05E0,
    "product_id": 0x1900,
    "serial_number": "S123",
    "manufacturer_string": "Symbol",
    "product_string": "DS2208",
    "usage_page": 0x8C,
    "usage": 0x02,
    "interface_number": 1,
}
HONEYWELL_KEYBOARD = {
    "path": b"/dev/hidraw4",
    "vendor_id": 0x0C2E,
    "product_id": 0x0B61,
    "serial_number": "",
    "manufacturer_string": "Honeywell Imaging & Mobility",
    "product_string": "",
    "usage_page": 0x01,
    "usage": 0x06,
    "interface_number": 0,
}
MOUSE = {
    "path": b"/dev/hidraw0",
    "vendor_id": 0x046D,
    "product_id": 0xC077,
    "serial_number": "",
    "manufacturer_string": "Logitech",
    "product_string": "USB Optical Mouse",
    "usage_page": 0x01,
    "usage": 0x02,
    "interface_number": 0,
}
NAMELESS = {"vendor_id": 0x1234, "product_id": 0x0005, "usage_page": 0xFF00, "usage": 0x01}


def enumerate_stub(*devices: dict) -> Callable[[], list[dict]]:
    return lambda: [dict(d) for d in devices]


def test_a_hid_pos_scanner_is_likely_and_opened_in_pos_mode():
    (found,) = hid_devices(enumerate_stub(POS_SCANNER))
    assert found == Found(
        url="hid://05e0:1900?mode=pos",
        kind="hid",
        description="Symbol DS2208",
        vendor_id=0x05E0,
        product_id=0x1900,
        likely_scanner=True,
        reason="HID POS barcode scanner",
    )


def test_a_scanner_vendors_keyboard_device_is_likely_in_keyboard_mode():
    (found,) = hid_devices(enumerate_stub(HONEYWELL_KEYBOARD))
    assert found.likely_scanner
    assert found.url == "hid://0c2e:0b61?mode=keyboard"
    assert "Honeywell" in found.reason
    assert found.description == "Honeywell Imaging & Mobility"


def test_a_pos_page_device_of_an_unknown_vendor_is_still_a_scanner():
    device = {**MOUSE, "usage_page": 0x8C, "usage": 0x02}
    (found,) = hid_devices(enumerate_stub(device))
    assert found.likely_scanner
    assert found.url == "hid://046d:c077?mode=pos"


def test_a_mouse_is_not_a_scanner():
    (found,) = hid_devices(enumerate_stub(MOUSE))
    assert not found.likely_scanner
    assert found.reason == ""
    assert found.url == "hid://046d:c077?mode=keyboard"
    assert found.description == "Logitech USB Optical Mouse"


def test_every_device_is_listed_in_order_and_nameless_ones_get_a_description():
    found = hid_devices(enumerate_stub(MOUSE, POS_SCANNER, HONEYWELL_KEYBOARD, NAMELESS))
    assert [f.likely_scanner for f in found] == [False, True, True, False]
    assert [f.kind for f in found] == ["hid"] * 4
    assert found[3].description == "HID device"


def test_no_devices():
    assert hid_devices(enumerate_stub()) == []


@pytest.mark.parametrize(
    ("device", "name", "keyboard"),
    [(POS_SCANNER, "hid:05e0:1900", False), (HONEYWELL_KEYBOARD, "hid:0c2e:0b61", True)],
)
def test_the_url_found_opens_a_scanner_of_that_mode(device, name, keyboard):
    (found,) = hid_devices(enumerate_stub(device))
    scanner = open_scanner(found.url)
    assert isinstance(scanner, HidScanner)
    assert scanner.device == name
    assert scanner._keyboard is keyboard


def test_as_json_gives_ids_as_four_hex_digits():
    (pos, mouse) = hid_devices(enumerate_stub({**POS_SCANNER, "product_id": 0x0001}, MOUSE))
    data = pos.as_json()
    assert data["vendor_id"] == "05e0"
    assert data["product_id"] == "0001"
    assert data["likely_scanner"] is True
    assert data["url"] == "hid://05e0:0001?mode=pos"
    assert mouse.as_json()["product_id"] == "c077"
    json.dumps(data)  # serialisable as it is


def test_as_json_keeps_missing_ids_missing():
    found = Found("serial:///dev/ttyS0", "serial", "ttyS0", None, None, False, "")
    assert found.as_json()["vendor_id"] is None
    assert found.as_json()["product_id"] is None


def test_serial_ports_on_this_machine():
    for found in serial_ports():
        assert isinstance(found, Found)
        assert found.kind == "serial"
        assert found.url.startswith("serial://")
        assert isinstance(found.description, str)
        assert found.description
        assert found.vendor_id is None or isinstance(found.vendor_id, int)
        assert found.product_id is None or isinstance(found.product_id, int)
        assert isinstance(found.likely_scanner, bool)
        json.dumps(found.as_json())


def test_serial_ports_mark_scanner_vendors(monkeypatch):
    ports = [
        SimpleNamespace(device="/dev/ttyACM0", description="", vid=0x0C2E, pid=0x0B61),
        SimpleNamespace(device="/dev/ttyS0", description="ttyS0", vid=None, pid=None),
        SimpleNamespace(device="COM3", description="USB Serial", vid=0x0403, pid=0x6001),
    ]
    monkeypatch.setattr(discovery.list_ports, "comports", lambda: ports)
    acm, ttys, ftdi = serial_ports()
    assert acm.url == "serial:///dev/ttyACM0"
    assert acm.likely_scanner
    assert "Honeywell" in acm.reason
    assert acm.description == "/dev/ttyACM0"
    assert acm.as_json()["vendor_id"] == "0c2e"
    assert ttys.url == "serial:///dev/ttyS0"
    assert not ttys.likely_scanner
    assert ftdi.url == "serial://COM3"
    assert not ftdi.likely_scanner
