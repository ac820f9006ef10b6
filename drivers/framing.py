"""Cutting a scanner's byte stream into codes, apart from any I/O.

A serial scanner sends each code followed by a suffix (CR, LF, CR LF or TAB; all accepted
unless one is chosen), sometimes preceded by a configured prefix, in as many reads as the
port pleases. :class:`LineFramer` reassembles them; a scanner configured without a suffix is
served by the inter-byte timeout (:meth:`LineFramer.tick` ends a code after ``gap`` seconds
of silence). Bytes that a barcode never holds (control characters, non-ASCII) make the code a
framing error instead of a code: line noise must never reach the register as a scan.
"""

from __future__ import annotations

from dataclasses import dataclass

SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t"}
_TERMINATORS = frozenset(b"\r\n\t")
MAX_CODE = 512
"""Longer runs without a terminator are noise (a QR code a POS reads is far shorter)."""


@dataclass(frozen=True)
class Frame:
    raw: bytes
    label: str


@dataclass(frozen=True)
class FramingError:
    raw: bytes
    reason: str


Output = Frame | FramingError


def is_code_bytes(data: bytes) -> bool:
    """Whether ``data`` could be a barcode's text: printable ASCII, at least one byte."""
    return bool(data) and all(0x20 <= b <= 0x7E for b in data)


def described(raw: bytes) -> str:
    """``raw`` for a technician, without its content (it may be most of a payment code)."""
    bad = next((i for i, b in enumerate(raw) if not 0x20 <= b <= 0x7E), None)
    return f"{len(raw)} bytes" + ("" if bad is None else f", byte 0x{raw[bad]:02x} at {bad}")


class LineFramer:
    """Feed bytes as they arrive; get back the codes (and framing errors) they complete.

    ``suffix`` is one of :data:`SUFFIXES` to accept only that terminator, or ``None`` for any
    of them. ``prefix`` is stripped when present. ``gap`` (seconds) ends a code after that much
    silence, for scanners with no suffix; ``None`` waits for a terminator.
    """

    def __init__(
        self, suffix: str | None = None, prefix: bytes = b"", gap: float | None = None
    ) -> None:
        if suffix is not None and suffix not in SUFFIXES:
            raise ValueError(f"Unknown suffix {suffix!r}: use one of {', '.join(SUFFIXES)}.")
        if gap is not None and not gap > 0:
            raise ValueError(f"The gap ending a code must be more than 0 seconds, not {gap}.")
        self._suffix = SUFFIXES[suffix] if suffix else None
        self._prefix = prefix
        self._gap = gap
        self._buffer = bytearray()
        self._last: float | None = None
        self._after_cr = False
        self._discarding = False  # after an over-long run, until the next terminator

    def feed(self, data: bytes, now: float) -> list[Output]:
        out: list[Output] = []
        if (
            self._gap is not None
            and self._buffer
            and self._last is not None
            and (now - self._last > self._gap)
        ):
            out.extend(self._finish())
        self._last = now
        for byte in data:
            after_cr, self._after_cr = self._after_cr, byte == 0x0D
            if self._ends_code(byte):
                if byte == 0x0A and self._suffix == b"\r\n":
                    if not after_cr:  # an LF alone where CR LF ends codes: not a clean code
                        raw = bytes(self._buffer) + b"\n"
                        self._buffer.clear()
                        out.append(FramingError(raw, "a line feed without its carriage return"))
                    continue  # else the LF of a CR LF: the CR already ended the code
                if self._discarding:
                    self._discarding = False
                    self._buffer.clear()
                    continue
                out.extend(self._finish())
            elif not self._discarding:
                self._buffer.append(byte)
                if len(self._buffer) > MAX_CODE:
                    raw = bytes(self._buffer)
                    self._buffer.clear()
                    self._discarding = True
                    out.append(FramingError(raw, f"no terminator after {MAX_CODE} bytes"))
        return out

    def tick(self, now: float) -> list[Output]:
        """Call when no byte came: ends a pending code after ``gap`` seconds of silence."""
        if self._gap is None or not self._buffer or self._last is None:
            return []
        if now - self._last < self._gap:
            return []
        return self._finish()

    @property
    def pending(self) -> bool:
        return bool(self._buffer)

    def _ends_code(self, byte: int) -> bool:
        if self._suffix is None:
            return byte in _TERMINATORS
        if self._suffix == b"\r\n":
            return byte in (0x0D, 0x0A)
        return byte == self._suffix[0]

    def _finish(self) -> list[Output]:
        raw = bytes(self._buffer)
        self._buffer.clear()
        if not raw:
            return []
        body = raw[len(self._prefix) :] if self._prefix and raw.startswith(self._prefix) else raw
        if not body:
            return []
        if not is_code_bytes(body):
            return [FramingError(raw, "control or non-ASCII bytes (line noise?)")]
        return [Frame(raw, body.decode("ascii"))]
