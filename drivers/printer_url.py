"""Receipt printer URLs: which printer, and how it is reached.

- ``socket://HOST[:PORT]``: a network printer's raw port (9100 unless given); HOST is a name,
  an IPv4 address or an IPv6 address in brackets (``socket://[fe80::5]:9100``)
- ``serial://PORT[?baud=9600&rtscts=0&dsrdtr=0]``: ``serial:///dev/ttyUSB0``, ``serial://COM3``
- ``usb://VID:PID[?in_ep=0x82&out_ep=0x01]``: hexadecimal ids, ``usb://04b8:0202``
- ``lp://QUEUE``: a print queue, through the ``lp`` command (CUPS on Linux and macOS)
- ``cups://QUEUE``: a CUPS queue through pycups (which must be installed)
- ``win32://PRINTER NAME``: a Windows printer, raw (Windows with pywin32 only)
- ``file:///dev/usb/lp0``: a device file (or any file, which then holds the bytes)
- ``none`` or nothing: no printer

Parsing only reads the text: nothing is opened.
"""

from __future__ import annotations

import ipaddress
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qsl, unquote

import serial

FORMS = (
    "socket://HOST[:PORT], serial:///dev/ttyUSB0?baud=9600, serial://COM3, usb://VID:PID, "
    "lp://QUEUE, cups://QUEUE, win32://PRINTER NAME, file:///dev/usb/lp0 or none"
)
BAUD_RATES = tuple(rate for rate in serial.Serial.BAUDRATES if rate >= 1200)
_HOST_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_SERIAL_PORT = re.compile(r"/\S+|(?i:COM[1-9][0-9]{0,2})|\\\\\.\\(?i:COM[1-9][0-9]{0,2})")
_HEX_ID = re.compile(r"[0-9A-Fa-f]{1,4}")
_QUEUE = re.compile(r"[!-~]{1,127}")  # CUPS: printable, no space, and not / \ ? # ' "
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DEFAULT_IN_EP, DEFAULT_OUT_EP = 0x82, 0x01
"""The USB endpoints python-escpos reads from and writes to unless told."""
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class PrinterUrlError(ValueError):
    """A printer URL that cannot be used; the message says why, in plain words."""


@dataclass(frozen=True)
class PrinterUrl(ABC):
    """A parsed printer URL; ``text`` is the URL as given."""

    text: str
    scheme: ClassVar[str] = ""
    answers_status: ClassVar[bool] = False
    """True when the connection carries the printer's answers to status queries."""

    @abstractmethod
    def describe(self) -> str:
        """Short words naming the printer, no article: ``printer at 10.0.0.5:9100``."""


@dataclass(frozen=True)
class SocketUrl(PrinterUrl):
    host: str = ""
    port: int = 9100
    scheme: ClassVar[str] = "socket"
    answers_status: ClassVar[bool] = True

    def describe(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"printer at {host}:{self.port}"


@dataclass(frozen=True)
class SerialUrl(PrinterUrl):
    port: str = ""
    baud: int = 9600
    rtscts: bool = False
    dsrdtr: bool = False
    scheme: ClassVar[str] = "serial"
    answers_status: ClassVar[bool] = True

    def describe(self) -> str:
        return f"printer on {self.port}"


@dataclass(frozen=True)
class UsbUrl(PrinterUrl):
    vendor_id: int = 0
    product_id: int = 0
    in_ep: int = DEFAULT_IN_EP
    out_ep: int = DEFAULT_OUT_EP
    scheme: ClassVar[str] = "usb"
    answers_status: ClassVar[bool] = True

    def describe(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"


@dataclass(frozen=True)
class LpUrl(PrinterUrl):
    queue: str = ""
    scheme: ClassVar[str] = "lp"

    def describe(self) -> str:
        return f"printer queue {self.queue}"


@dataclass(frozen=True)
class CupsUrl(PrinterUrl):
    queue: str = ""
    scheme: ClassVar[str] = "cups"

    def describe(self) -> str:
        return f"CUPS printer {self.queue}"


@dataclass(frozen=True)
class Win32Url(PrinterUrl):
    name: str = ""
    scheme: ClassVar[str] = "win32"

    def describe(self) -> str:
        return f"Windows printer {self.name}"


@dataclass(frozen=True)
class FileUrl(PrinterUrl):
    path: str = ""
    scheme: ClassVar[str] = "file"

    def describe(self) -> str:
        return f"printer at {self.path}"


def parse_printer_url(text: str) -> PrinterUrl | None:
    """The printer ``text`` names, or None for ``none`` or nothing.

    Raises :class:`PrinterUrlError`, saying what is wrong, for anything else.
    """
    given = text.strip()
    if given.lower() in ("", "none"):
        return None
    if _CONTROL.search(given):
        raise PrinterUrlError("A printer URL cannot hold control characters (tabs, new lines).")
    scheme, separator, rest = given.partition("://")
    parse = _SCHEMES.get(scheme.lower()) if separator else None
    if parse is None:
        raise PrinterUrlError(f"{_shown(given)} is not a printer URL: use {FORMS}.")
    return parse(given, rest)


def _socket(text: str, rest: str) -> SocketUrl:
    if "@" in rest:  # never echoed: it may hold a password
        raise PrinterUrlError("A socket:// printer URL holds no user name or password.")
    address, query = _split_query(text, rest)
    if query:
        raise PrinterUrlError(f"{text}: a socket:// printer takes no options (after ?).")
    address = address.removesuffix("/")
    if address.startswith("["):
        host, bracket, after = address[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise PrinterUrlError(f"{text}: write an IPv6 address as [fe80::5]:9100.")
        _ipv6(text, host)
    elif address.count(":") > 1:
        raise PrinterUrlError(f"{text}: write an IPv6 address in brackets, [fe80::5]:9100.")
    else:
        host, colon, port = address.partition(":")
        _host(text, host)
        after = colon + port
    return SocketUrl(text, host=host, port=_port(text, after[1:]) if after else 9100)


def _host(text: str, host: str) -> None:
    if not host:
        raise PrinterUrlError(f"{text}: name the printer's host, socket://10.0.0.50:9100.")
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise PrinterUrlError(f"{text}: {host} is not an IPv4 address.") from None
        return
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise PrinterUrlError(
            f"{text}: {host!r} is not a host name (letters, digits, - and dots) or an address."
        )


def _ipv6(text: str, host: str) -> None:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        raise PrinterUrlError(f"{text}: {host!r} is not an IPv6 address.") from None


def _port(text: str, port: str) -> int:
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise PrinterUrlError(f"{text}: the port is a number from 1 to 65535, not {port!r}.")
    return int(port)


def _serial(text: str, rest: str) -> SerialUrl:
    where, query = _split_query(text, rest)
    port = _unquoted(text, where)
    if not _SERIAL_PORT.fullmatch(port):
        raise PrinterUrlError(
            f"{text}: a serial printer URL names its port, serial:///dev/ttyUSB0 or serial://COM3."
        )
    options = _options(text, query, ("baud", "rtscts", "dsrdtr"))
    baud = options.get("baud", "9600")
    if not baud.isascii() or not baud.isdigit() or int(baud) not in BAUD_RATES:
        raise PrinterUrlError(
            f"{text}: baud is a rate such as 9600, 19200 or 115200, not {baud!r}."
        )
    return SerialUrl(
        text,
        port=port,
        baud=int(baud),
        rtscts=_flag(text, options, "rtscts"),
        dsrdtr=_flag(text, options, "dsrdtr"),
    )


def _usb(text: str, rest: str) -> UsbUrl:
    ids, query = _split_query(text, rest)
    vendor, colon, product = ids.partition(":")
    if not (colon and _HEX_ID.fullmatch(vendor) and _HEX_ID.fullmatch(product)):
        raise PrinterUrlError(
            f"{text}: a USB printer is named by its hexadecimal vendor and product ids, "
            "usb://04b8:0202."
        )
    if int(vendor, 16) == 0 or int(product, 16) == 0:
        raise PrinterUrlError(f"{text}: USB vendor and product ids are not 0000.")
    options = _options(text, query, ("in_ep", "out_ep"))
    return UsbUrl(
        text,
        vendor_id=int(vendor, 16),
        product_id=int(product, 16),
        in_ep=_endpoint(text, options, "in_ep", DEFAULT_IN_EP, range(0x81, 0x90)),
        out_ep=_endpoint(text, options, "out_ep", DEFAULT_OUT_EP, range(0x01, 0x10)),
    )


def _endpoint(text: str, options: dict[str, str], name: str, default: int, valid: range) -> int:
    value = options.get(name)
    if value is None:
        return default
    try:
        number = int(value, 0)
    except ValueError:
        number = -1
    if number not in valid:
        raise PrinterUrlError(
            f"{text}: {name} is an endpoint address from {valid[0]:#04x} to {valid[-1]:#04x}, "
            f"not {value!r}."
        )
    return number


def _queue(text: str, rest: str) -> str:
    queue = _unquoted(text, rest)
    if not _QUEUE.fullmatch(queue) or set(queue) & set("/\\?#'\""):
        raise PrinterUrlError(
            f"{text}: name the print queue (as lpstat -e lists it), without spaces or / \\ ? #."
        )
    return queue


def _lp(text: str, rest: str) -> LpUrl:
    return LpUrl(text, queue=_queue(text, rest))


def _cups(text: str, rest: str) -> CupsUrl:
    return CupsUrl(text, queue=_queue(text, rest))


def _win32(text: str, rest: str) -> Win32Url:
    name = _unquoted(text, rest)
    if not name.strip() or name != name.strip() or len(name) > 220:
        raise PrinterUrlError(
            f"{text}: name the Windows printer as Windows lists it, win32://EPSON TM-T20III."
        )
    return Win32Url(text, name=name)


def _file(text: str, rest: str) -> FileUrl:
    path = _unquoted(text, rest)
    if re.match(r"/[A-Za-z]:[/\\]", path):  # file:///C:/receipts/out.prn
        path = path[1:]
    elif not path.startswith("/"):
        raise PrinterUrlError(f"{text}: a file printer URL is a whole path, file:///dev/usb/lp0.")
    if "?" in path or path.endswith(("/", "\\")):
        raise PrinterUrlError(f"{text}: name a device or file (not a folder), with no options.")
    return FileUrl(text, path=path)


def _unquoted(text: str, part: str) -> str:
    value = unquote(part)
    if _CONTROL.search(value):
        raise PrinterUrlError(f"{text}: a printer URL cannot hold control characters.")
    return value


def _split_query(text: str, rest: str) -> tuple[str, str]:
    where, _, query = rest.partition("?")
    if "#" in rest:
        raise PrinterUrlError(f"{text}: a printer URL has no # part.")
    return where, query


def _options(text: str, query: str, known: tuple[str, ...]) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise PrinterUrlError(f"{text}: options are written ?name=value&name=value.") from None
    options: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            raise PrinterUrlError(
                f"{text}: {name!r} is not an option here; the options are {', '.join(known)}."
            )
        if name in options:
            raise PrinterUrlError(f"{text}: {name} is given twice.")
        options[name] = value
    return options


def _flag(text: str, options: dict[str, str], name: str) -> bool:
    value = options.get(name, "0").lower()
    if value not in _TRUE + _FALSE:
        raise PrinterUrlError(f"{text}: {name} is 1 or 0 (on or off), not {value!r}.")
    return value in _TRUE


def _shown(text: str) -> str:
    """``text`` quoted for a message, any user name and password in it left out."""
    return repr(re.sub(r"//[^/@]*@", "//…@", text))


_SCHEMES: dict[str, Callable[[str, str], PrinterUrl]] = {
    "socket": _socket,
    "serial": _serial,
    "usb": _usb,
    "lp": _lp,
    "cups": _cups,
    "win32": _win32,
    "file": _file,
}
