"""Opening a scanner by URL: the scheme picks the transport (as pyserial's ``serial_for_url``).

- ``serial://PORT?baud=9600&bytesize=8&parity=N&stopbits=1&rtscts=0&suffix=CRLF&prefix=%02&gap=0.05``
  (``serial:///dev/ttyACM0`` or ``serial://COM3``)
- ``hid://VID:PID?serial=...&mode=pos|keyboard`` (hexadecimal ids: ``hid://0c2e:0b61``)
- ``fake://?codes=A,B&interval=0.2`` or ``fake:///path/to/script``

(``keyboard://``, the wedge, is not opened here: the window feeds
:class:`drivers.wedge.BurstDetector` with its own key events.)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, unquote_to_bytes, urlsplit

from drivers.fake import FakeScanner, pause_of, read_script
from drivers.hid_scanner import HidapiTransport, HidScanner
from drivers.scanner import Listener, Scanner
from drivers.serial_scanner import SerialScanner


class ScannerUrlError(ValueError):
    """A scanner URL that names no scanner this library can open; the message says why."""


def open_scanner(url: str, listener: Listener | None = None) -> Scanner:
    """A scanner for ``url``, not yet opened (call ``open``, ``claim``, ``enable``)."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if parts.scheme == "serial":
        return _serial(unquote(parts.netloc + parts.path), query, listener)
    if parts.scheme == "hid":
        return _hid(parts.netloc + parts.path, query, listener)
    if parts.scheme == "fake":
        return _fake(unquote(parts.path), query, url, listener)
    raise ScannerUrlError(
        f"{url!r}: a scanner URL starts with serial://, hid:// or fake:// "
        "(keyboard-wedge scanners need no URL)."
    )


def _serial(port: str, query: dict[str, str], listener: Listener | None) -> SerialScanner:
    if not port:
        raise ScannerUrlError("A serial scanner URL names its port: serial:///dev/ttyACM0.")
    try:
        return SerialScanner(
            port,
            baudrate=int(query.get("baud", "9600")),
            bytesize=int(query.get("bytesize", "8")),
            parity=query.get("parity", "N").upper(),
            stopbits=float(query.get("stopbits", "1")),
            rtscts=query.get("rtscts", "0") in ("1", "true", "yes"),
            suffix=query.get("suffix", "").upper() or None,
            prefix=unquote_to_bytes(query.get("prefix", "")),
            gap=float(query["gap"]) if "gap" in query else None,
            listener=listener,
        )
    except ValueError as exc:
        raise ScannerUrlError(f"serial://{port}: {exc}") from None


def _hid(ids: str, query: dict[str, str], listener: Listener | None) -> HidScanner:
    try:
        vendor, product = (int(part, 16) for part in ids.split(":"))
    except ValueError:
        raise ScannerUrlError(
            f"hid://{ids}: a HID scanner is named by hexadecimal vendor and product ids, "
            "hid://0c2e:0b61."
        ) from None
    mode = query.get("mode", "pos")
    if mode not in ("pos", "keyboard"):
        raise ScannerUrlError(f"hid://{ids}: mode is pos or keyboard, not {mode!r}.")
    transport = HidapiTransport(vendor, product, query.get("serial") or None)
    return HidScanner(transport, f"hid:{ids}", keyboard=mode == "keyboard", listener=listener)


def _fake(path: str, query: dict[str, str], url: str, listener: Listener | None) -> FakeScanner:
    try:
        if path:
            steps = read_script(Path(path))
        else:
            interval = pause_of(query.get("interval", "0.5"))
            steps = [(interval, code) for code in query.get("codes", "").split(",") if code]
    except OSError as exc:
        raise ScannerUrlError(f"{url}: {exc.strerror}") from None
    except ValueError as exc:
        raise ScannerUrlError(f"{url}: {exc}") from None
    return FakeScanner(steps, "fake", listener)
