"""Printer URLs: every accepted form, and plain words for the rest (a password never echoed)."""

from __future__ import annotations

import pytest

from drivers.printer import PrinterUrlError, parse_printer_url
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

GOOD = [
    ("socket://10.0.0.5", SocketUrl("socket://10.0.0.5", host="10.0.0.5", port=9100)),
    ("socket://10.0.0.5:9101", SocketUrl("socket://10.0.0.5:9101", host="10.0.0.5", port=9101)),
    (
        "  socket://printer.local:1/  ",
        SocketUrl("socket://printer.local:1/", host="printer.local", port=1),
    ),
    ("SOCKET://Bar-1", SocketUrl("SOCKET://Bar-1", host="Bar-1", port=9100)),
    ("socket://[fe80::5]:65535", SocketUrl("socket://[fe80::5]:65535", host="fe80::5", port=65535)),
    ("socket://[::1]", SocketUrl("socket://[::1]", host="::1", port=9100)),
    ("serial:///dev/ttyUSB0", SerialUrl("serial:///dev/ttyUSB0", port="/dev/ttyUSB0")),
    (
        "serial:///dev/ttyUSB0?baud=19200&rtscts=1&dsrdtr=off",
        SerialUrl(
            "serial:///dev/ttyUSB0?baud=19200&rtscts=1&dsrdtr=off",
            port="/dev/ttyUSB0",
            baud=19200,
            rtscts=True,
        ),
    ),
    ("serial://COM3?baud=9600", SerialUrl("serial://COM3?baud=9600", port="COM3")),
    ("usb://04b8:0202", UsbUrl("usb://04b8:0202", vendor_id=0x04B8, product_id=0x0202)),
    (
        "usb://4B8:E15?in_ep=0x81&out_ep=2",
        UsbUrl(
            "usb://4B8:E15?in_ep=0x81&out_ep=2",
            vendor_id=0x04B8,
            product_id=0x0E15,
            in_ep=0x81,
            out_ep=0x02,
        ),
    ),
    ("lp://KITCHEN", LpUrl("lp://KITCHEN", queue="KITCHEN")),
    ("cups://Front_Desk-2", CupsUrl("cups://Front_Desk-2", queue="Front_Desk-2")),
    (
        "win32://EPSON TM-T20III Receipt",
        Win32Url("win32://EPSON TM-T20III Receipt", name="EPSON TM-T20III Receipt"),
    ),
    (
        "win32://%5C%5Cserver%5Creceipts",
        Win32Url("win32://%5C%5Cserver%5Creceipts", name="\\\\server\\receipts"),
    ),
    ("file:///dev/usb/lp0", FileUrl("file:///dev/usb/lp0", path="/dev/usb/lp0")),
    (
        "file:///C:/receipts/out.prn",
        FileUrl("file:///C:/receipts/out.prn", path="C:/receipts/out.prn"),
    ),
    ("file:///tmp/my%20receipts", FileUrl("file:///tmp/my%20receipts", path="/tmp/my receipts")),
]


@pytest.mark.parametrize(("text", "expected"), GOOD, ids=[text for text, _ in GOOD])
def test_an_accepted_url_parses_to_its_printer(text: str, expected: PrinterUrl) -> None:
    parsed = parse_printer_url(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.text == text.strip()


@pytest.mark.parametrize("text", ["", "none", " None ", "NONE"])
def test_none_or_nothing_is_no_printer(text: str) -> None:
    assert parse_printer_url(text) is None


@pytest.mark.parametrize(
    ("text", "described", "scheme"),
    [
        ("socket://10.0.0.5", "printer at 10.0.0.5:9100", "socket"),
        ("socket://[fe80::5]:9101", "printer at [fe80::5]:9101", "socket"),
        ("serial://COM3", "printer on COM3", "serial"),
        ("usb://4b8:202", "USB printer 04b8:0202", "usb"),
        ("lp://KITCHEN", "printer queue KITCHEN", "lp"),
        ("cups://KITCHEN", "CUPS printer KITCHEN", "cups"),
        ("win32://EPSON TM-T20", "Windows printer EPSON TM-T20", "win32"),
        ("file:///dev/usb/lp0", "printer at /dev/usb/lp0", "file"),
    ],
)
def test_each_printer_describes_itself_shortly(text: str, described: str, scheme: str) -> None:
    parsed = parse_printer_url(text)
    assert parsed is not None
    assert parsed.describe() == described
    assert parsed.scheme == scheme


BAD = [
    ("10.0.0.5:9100", "is not a printer URL: use socket://HOST[:PORT]"),
    ("http://printer", "is not a printer URL"),
    ("socket:/10.0.0.5", "is not a printer URL"),
    ("socket://", "name the printer's host"),
    ("socket://10.0.0.5:0", "the port is a number from 1 to 65535, not '0'"),
    ("socket://10.0.0.5:65536", "from 1 to 65535, not '65536'"),
    ("socket://10.0.0.5:", "from 1 to 65535, not ''"),
    ("socket://10.0.0.5:91a", "not '91a'"),
    ("socket://10.0.0.5:٩١٠٠", "from 1 to 65535"),
    ("socket://999.1.1.1", "999.1.1.1 is not an IPv4 address"),
    ("socket://my printer", "'my printer' is not a host name"),
    ("socket://-bad-.local", "is not a host name"),
    ("socket://fe80::5", "write an IPv6 address in brackets"),
    ("socket://[fe80::5", "write an IPv6 address as [fe80::5]:9100"),
    ("socket://[fe80::5]9100", "write an IPv6 address as [fe80::5]:9100"),
    ("socket://[nope]:9100", "'nope' is not an IPv6 address"),
    ("socket://10.0.0.5?timeout=3", "takes no options"),
    ("socket://10.0.0.5#x", "has no # part"),
    ("socket://10.0.0.5 :9100", "is not a host name"),
    ("socket://10.0.0.5\n:9100", "cannot hold control characters"),
    ("serial://", "names its port"),
    ("serial://dev/ttyUSB0", "names its port, serial:///dev/ttyUSB0 or serial://COM3"),
    ("serial:///dev/tty USB0", "names its port"),
    ("serial:///dev/ttyUSB0?baud=1234", "baud is a rate such as 9600, 19200 or 115200"),
    ("serial:///dev/ttyUSB0?baud=fast", "not 'fast'"),
    ("serial:///dev/ttyUSB0?speed=9600", "'speed' is not an option here"),
    ("serial:///dev/ttyUSB0?baud=9600&baud=19200", "baud is given twice"),
    ("serial:///dev/ttyUSB0?baud", "options are written ?name=value"),
    ("serial:///dev/ttyUSB0?rtscts=maybe", "rtscts is 1 or 0 (on or off), not 'maybe'"),
    ("serial:///dev/tty%00USB0", "cannot hold control characters"),
    ("usb://04b8", "hexadecimal vendor and product ids"),
    ("usb://04bg:0202", "hexadecimal vendor and product ids"),
    ("usb://12345:0202", "hexadecimal vendor and product ids"),
    ("usb://0x04b8:0x0202", "hexadecimal vendor and product ids"),
    ("usb://0000:0202", "are not 0000"),
    ("usb://04b8:0202?in_ep=0x01", "in_ep is an endpoint address from 0x81 to 0x8f, not '0x01'"),
    ("usb://04b8:0202?out_ep=0x81", "out_ep is an endpoint address from 0x01 to 0x0f"),
    ("usb://04b8:0202?out_ep=one", "not 'one'"),
    ("usb://04b8:0202?interface=0", "'interface' is not an option here"),
    ("lp://", "name the print queue"),
    ("lp://front desk", "name the print queue"),
    ("cups://a/b", "name the print queue"),
    ("cups://a#b", "name the print queue"),
    ("win32://", "name the Windows printer"),
    ("win32:// EPSON", "name the Windows printer"),
    ("file://dev/usb/lp0", "a whole path, file:///dev/usb/lp0"),
    ("file:///tmp/", "not a folder"),
    ("file:///dev/usb/lp0?x=1", "with no options"),
]


@pytest.mark.parametrize(("text", "words"), BAD, ids=[text for text, _ in BAD])
def test_a_bad_url_is_refused_in_plain_words(text: str, words: str) -> None:
    with pytest.raises(PrinterUrlError) as raised:
        parse_printer_url(text)
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_unknown_url_is_told_the_accepted_forms() -> None:
    with pytest.raises(PrinterUrlError) as raised:
        parse_printer_url("ipp://printer/queue")
    for form in ("socket://", "serial://", "usb://", "lp://", "cups://", "win32://", "file://"):
        assert form in str(raised.value)


@pytest.mark.parametrize(
    "text", ["socket://admin:hunter2@10.0.0.5:9100", "http://admin:hunter2@10.0.0.5/print"]
)
def test_a_password_in_a_url_is_never_repeated(text: str) -> None:
    with pytest.raises(PrinterUrlError) as raised:
        parse_printer_url(text)
    assert "hunter2" not in str(raised.value)
    assert "admin" not in str(raised.value)


def test_a_printer_url_error_is_a_value_error() -> None:
    """Settings validators turn a ValueError into their own message."""
    with pytest.raises(ValueError, match="is not a printer URL"):
        parse_printer_url("printer")


def test_parsed_urls_are_frozen_and_comparable() -> None:
    first, second = parse_printer_url("usb://04b8:0202"), parse_printer_url("usb://04b8:0202")
    assert first == second
    assert hash(first) == hash(second)
    with pytest.raises(AttributeError):
        first.vendor_id = 1  # type: ignore[union-attr]
