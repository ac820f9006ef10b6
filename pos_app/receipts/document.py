"""A receipt as a document: its width and its blocks, laid out once into the fixed-width lines
that both renderings print (ESC/POS bytes, the PNG preview) and that an email carries as text.

A document holds no styling beyond what a receipt printer does: bold, double size ("big",
which counts double width), centring, rules, feeds and a CODE128 barcode. It goes to the
journal as JSON (:meth:`Receipt.as_data`) and comes back with :meth:`Receipt.from_data`, which
refuses anything malformed, so a stored job prints exactly what was laid out.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

DATA_VERSION = 1
WIDTHS = {58: 32, 80: 48}
"""Characters a line (Font A, 12 dots) for each paper width in millimetres."""

_BARCODE_VALUE = re.compile(r"[A-Za-z0-9._-]{1,20}")


class ReceiptKind(StrEnum):
    SALE = "sale"
    REFUND = "refund"
    VOID = "void"
    TEST = "test"
    NO_SALE = "no_sale"
    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"
    SHIFT = "shift"
    """A shift's drawer count: float, expected, counted, over or short."""
    REPORT = "report"
    """An X or Z report, printed on the receipt printer."""


class Copy(StrEnum):
    """Whose copy a printout is; every copy but the customer's says so at its top."""

    CUSTOMER = "customer"
    MERCHANT = "merchant"
    REPRINT = "reprint"


_COPY_HEADINGS = {Copy.MERCHANT: "MERCHANT COPY", Copy.REPRINT: "REPRINT"}


def chars_for(width_mm: int) -> int:
    """Characters a line on paper ``width_mm`` wide (58 → 32, 80 → 48)."""
    try:
        return WIDTHS[width_mm]
    except KeyError:
        raise ValueError(f"Receipt paper is 58 or 80 mm wide, not {width_mm!r} mm.") from None


@dataclass(frozen=True)
class Text:
    """A row of text; ``right`` (an amount) is aligned to the right edge."""

    left: str
    right: str = ""
    bold: bool = False
    big: bool = False
    centred: bool = False


@dataclass(frozen=True)
class Title:
    """A big, bold, centred heading (the store's name, REFUND, TEST PAGE)."""

    text: str


@dataclass(frozen=True)
class Rule:
    """A line of dashes across the paper."""


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.lines, bool) or not 1 <= self.lines <= 10:
            raise ValueError(f"A feed is 1 to 10 blank lines, not {self.lines!r}.")


@dataclass(frozen=True)
class Barcode:
    """A CODE128 barcode of ``value``, with ``value`` printed under it."""

    value: str

    def __post_init__(self) -> None:
        if not _BARCODE_VALUE.fullmatch(self.value):
            raise ValueError(
                f"A receipt barcode holds 1 to 20 letters, digits, '.', '_' or '-', "
                f"not {self.value!r}."
            )


Block = Text | Title | Rule | Feed | Barcode


@dataclass(frozen=True)
class PrintLine:
    """One line as printed: its characters, its style, and the barcode printed above it."""

    text: str
    bold: bool = False
    big: bool = False
    barcode: str | None = None


@dataclass(frozen=True)
class Receipt:
    """A laid-out receipt. ``check_id`` is "" for a test page or a drawer slip; ``width`` is
    in characters; ``created_at`` (when it was made) is kept in UTC."""

    kind: ReceiptKind
    check_id: str
    identifier: str
    width: int
    blocks: tuple[Block, ...]
    created_at: datetime
    copy: Copy = Copy.CUSTOMER
    _lines: tuple[PrintLine, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.width not in WIDTHS.values():
            raise ValueError(f"A receipt is 32 or 48 characters wide, not {self.width!r}.")
        if self.created_at.tzinfo is None:
            raise ValueError("A receipt's time must say its time zone.")
        object.__setattr__(self, "kind", ReceiptKind(self.kind))
        object.__setattr__(self, "copy", Copy(self.copy))
        object.__setattr__(self, "created_at", self.created_at.astimezone(UTC))
        object.__setattr__(self, "_lines", tuple(_lay_out(self)))

    def as_copy(self, copy: Copy) -> Receipt:
        """The same receipt marked as ``copy`` (the merchant's, a reprint)."""
        return replace(self, copy=copy)

    def lines(self) -> tuple[PrintLine, ...]:
        """The lines both renderings print, with their styles."""
        return self._lines

    def text_lines(self) -> list[str]:
        """The exact characters of each printed line (a big line's characters count double)."""
        return [line.text for line in self._lines]

    def text(self) -> str:
        """The receipt as plain text (an email's body)."""
        return "\n".join(self.text_lines()) + "\n"

    def as_data(self) -> dict[str, Any]:
        """The receipt as JSON-ready data (:meth:`from_data` reads it back)."""
        return {
            "version": DATA_VERSION,
            "kind": self.kind.value,
            "check_id": self.check_id,
            "identifier": self.identifier,
            "width": self.width,
            "copy": self.copy.value,
            "created_at": self.created_at.isoformat(),
            "blocks": [_block_data(block) for block in self.blocks],
        }

    @classmethod
    def from_data(cls, data: object) -> Receipt:
        """The receipt :meth:`as_data` gave; a :class:`ValueError` in plain words for data
        that is not one."""
        record = _mapping(data, "A receipt")
        if record.get("version") != DATA_VERSION:
            raise ValueError(f"Receipt data of version {record.get('version')!r} is not known.")
        try:
            created_at = datetime.fromisoformat(_get(record, "created_at", str))
            return cls(
                kind=ReceiptKind(_get(record, "kind", str)),
                check_id=_get(record, "check_id", str),
                identifier=_get(record, "identifier", str),
                width=_get(record, "width", int),
                blocks=tuple(_block(item) for item in _get(record, "blocks", list)),
                created_at=created_at,
                copy=Copy(_get(record, "copy", str)),
            )
        except ValueError as exc:
            raise ValueError(f"Receipt data is not valid: {exc}") from None


# ----- laying out -----------------------------------------------------------------------------


def _lay_out(receipt: Receipt) -> Iterator[PrintLine]:
    width = receipt.width
    heading = _COPY_HEADINGS.get(receipt.copy)
    if heading:
        yield from _text_lines(Text(heading, bold=True, centred=True), width)
    for block in receipt.blocks:
        if isinstance(block, Text):
            yield from _text_lines(block, width)
        elif isinstance(block, Title):
            yield from _text_lines(Text(block.text, bold=True, big=True, centred=True), width)
        elif isinstance(block, Rule):
            yield PrintLine("-" * width)
        elif isinstance(block, Feed):
            yield from (PrintLine("") for _ in range(block.lines))
        else:
            yield PrintLine(block.value.center(width).rstrip(), barcode=block.value)


def _text_lines(row: Text, width: int) -> Iterator[PrintLine]:
    room = width // 2 if row.big else width
    left, right = _printable(row.left), _printable(row.right)
    rows = _wrap(left, room) if left.strip() or not right.strip() else []
    if right.strip():
        if rows and len(rows[-1]) + 1 + len(right) <= room:
            rows[-1] = rows[-1].ljust(room - len(right)) + right
        else:
            rows.extend(line.rjust(room) for line in _wrap(right, room))
    for text in rows:
        shown = text.strip().center(room) if row.centred else text
        yield PrintLine(shown.rstrip(), bold=row.bold, big=row.big)


def _wrap(text: str, room: int) -> list[str]:
    """``text`` in lines of at most ``room`` characters; its indent stays on each line."""
    indent = text[: len(text) - len(text.lstrip())][: room // 2]
    lines = textwrap.wrap(
        text.strip(), room, initial_indent=indent, subsequent_indent=indent + "  "
    )
    return lines or [""]


def _printable(text: str) -> str:
    """``text`` with control characters (which a printer would obey) turned into spaces."""
    return "".join(char if char.isprintable() else " " for char in text)


# ----- as data --------------------------------------------------------------------------------


def _block_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Text):
        return {
            "type": "text",
            "left": block.left,
            "right": block.right,
            "bold": block.bold,
            "big": block.big,
            "centred": block.centred,
        }
    if isinstance(block, Title):
        return {"type": "title", "text": block.text}
    if isinstance(block, Rule):
        return {"type": "rule"}
    if isinstance(block, Feed):
        return {"type": "feed", "lines": block.lines}
    return {"type": "barcode", "value": block.value}


def _block(data: object) -> Block:
    item = _mapping(data, "A receipt block")
    kind = item.get("type")
    if kind == "text":
        return Text(
            left=_get(item, "left", str),
            right=_get(item, "right", str),
            bold=_get(item, "bold", bool),
            big=_get(item, "big", bool),
            centred=_get(item, "centred", bool),
        )
    if kind == "title":
        return Title(_get(item, "text", str))
    if kind == "rule":
        return Rule()
    if kind == "feed":
        return Feed(_get(item, "lines", int))
    if kind == "barcode":
        return Barcode(_get(item, "value", str))
    raise ValueError(f"{kind!r} is not a kind of receipt block")


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a mapping, not {type(data).__name__}.")
    return data


def _get(data: Mapping[str, Any], key: str, kind: type) -> Any:
    if key not in data:
        raise ValueError(f"{key!r} is missing")
    value = data[key]
    # bool is an int: a width of True is as wrong as a bold of 1.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{key!r} must be {kind.__name__}, not {value!r}")
    return value
