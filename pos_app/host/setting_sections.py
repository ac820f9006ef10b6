"""The sections of the register's settings (``[levelup]``, ``[register]``, …): one pydantic
model each, with its defaults, limits and what each key means. :mod:`pos_app.host.settings`
puts them together and reads and writes the layers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pos_app.levelup import PRODUCTION_URL
from pos_app.levelup.calls import check_http_url

EMBEDDED = "embedded"

# Limits are in cents or counts; a billion is past any real store and keeps typos out.
NonNegative = Annotated[int, Field(ge=0, le=10**9)]


class Section(BaseModel):
    """A settings section: unknown keys refused, every change validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LevelUpSettings(Section):
    enabled: bool = True
    """Whether the LevelUp tender is offered (turned off without reinstalling)."""
    base_url: str = PRODUCTION_URL
    """LevelUp's address, or ``embedded`` for a demo sandbox run by the register."""
    location_id: Annotated[int, Field(ge=1)] | None = None
    merchant_id: Annotated[int, Field(ge=1)] | None = None
    demo: bool = False
    email_wait: Annotated[int, Field(ge=10, le=900)] = 120
    """Seconds a payment by email waits for the customer to accept the register's request in
    their LevelUp app; then it gives up, having charged nothing."""

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value == EMBEDDED:
            return value
        try:
            return check_http_url(value).rstrip("/")
        except ValueError as exc:
            raise ValueError(f"{exc} (or 'embedded')") from None


class RegisterSettings(Section):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, coerce_numbers_to_str=True)
    """A register id may be written ``id = 3``: it is the text ``"3"``."""

    id: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")] = "1"
    tax_rate: Annotated[Decimal, Field(decimal_places=4)] = Decimal("8.875")
    comp_needs_manager: bool = True
    """A $0 check (every item comped or discounted away) closes with a manager's approval;
    off, the cashier's reason is enough."""

    @field_validator("tax_rate")
    @classmethod
    def _rate(cls, value: Decimal) -> Decimal:
        if not Decimal(0) <= value <= Decimal(100):
            raise ValueError("must be a percentage from 0 to 100")
        return value


class ScannerSettings(Section):
    url: str = ""
    """The scanner to open (``serial:///dev/ttyACM0``, ``hid://0c2e:0b61``); empty: none."""


class OfflineSettings(Section):
    enabled: bool = False
    max_order: NonNegative = 0
    max_total: NonNegative = 0
    max_count: NonNegative = 0
    max_age_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 24


class DisplaySettings(Section):
    customer: Literal["auto", "on", "off"] = "auto"
    """The customer-facing display: ``auto`` on a second screen when there is one, ``on``
    always (a window of its own when there is one screen), ``off`` never."""


class DiscountSettings(Section):
    max_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal(20)
    max_amount: NonNegative = 1000
    """In cents. The check's discounts together, up to both limits, are given by a cashier
    alone (from the presets); beyond either, a manager approves."""


class PrinterSettings(Section):
    url: str = "none"
    """The receipt printer (``socket://10.0.0.50:9100``, ``serial:///dev/ttyUSB0?baud=19200``,
    ``usb://04b8:0202``, ``cups://NAME``, ``win32://NAME``, ``file:///dev/usb/lp0``) or
    ``none``; the cash drawer is opened through it. Checked by :mod:`drivers.printer`."""
    width: Literal[58, 80] = 80
    """The paper's width in millimetres: 58 mm prints 32 characters a line, 80 mm 48."""
    codepage: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{2,16}$")] = "CP437"
    """The printer's character table for text that is not ASCII (as python-escpos names it)."""
    cut: bool = True
    """Cut the paper after each receipt (printers with a cutter)."""
    drawer: bool = True
    """A cash drawer hangs off the printer: it is opened when cash is taken or given back."""
    drawer_pin: Literal[2, 5] = 2
    """The drawer-kick connector pin the drawer is wired to (2 on most drawers)."""
    timeout: Annotated[float, Field(gt=0, le=60)] = 5.0
    """Seconds to wait for the printer to connect or take a receipt before it counts as off."""

    @field_validator("url")
    @classmethod
    def _printer_url(cls, value: str) -> str:
        from drivers.printer_url import PrinterUrlError, parse_printer_url

        try:
            parse_printer_url(value)
        except PrinterUrlError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()


class ReceiptSettings(Section):
    default: Literal["print", "email", "none"] = "print"
    """The choice picked for the cashier after a payment (Enter takes it)."""
    ask: bool = True
    """Ask the cashier after each payment; off, the default is done without asking."""
    merchant_copy: bool = False
    """Print a second copy, for the merchant, when a card (credit or debit) paid."""
    merchant: Annotated[str, Field(max_length=64)] = ""
    """The store's name at the top of the receipt."""
    location: Annotated[str, Field(max_length=64)] = ""
    address: Annotated[str, Field(max_length=300)] = ""
    """The store's address; ``\\n`` (or a TOML multi-line string) starts a new line."""
    footer: Annotated[str, Field(max_length=300)] = "Thank you!"


class EmailSettings(Section):
    host: str = ""
    """The merchant's SMTP server for emailed receipts; empty: receipts are not emailed."""
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "tls", "none"] = "starttls"
    """``starttls`` (port 587), ``tls`` (port 465), or ``none`` (a relay on this network)."""
    user: str = ""
    """The SMTP login; its password is in the secret store (``levelup-pos email password``)."""
    sender: str = ""
    """The From address of receipts (the SMTP login when empty)."""
    timeout: Annotated[float, Field(gt=0, le=120)] = 20.0


class StoreSettings(Section):
    url: str = ""
    """The store server, ``postgresql://USER@HOST:5432/DB`` (TLS options such as
    ``?sslmode=verify-full`` pass through); empty: this register works alone. Its password is
    in the secret store (``levelup-pos store password``)."""
    ship_every: Annotated[float, Field(gt=0, le=3600)] = 2.0
    """Seconds between shipping the journal's new events to the store server."""
    batch: Annotated[int, Field(ge=1, le=10_000)] = 500
    """Events per batch."""

    @field_validator("url")
    @classmethod
    def _store_url(cls, value: str) -> str:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError (refused) for a port that is not a number
        if value and not (parts.scheme == "postgresql" and parts.hostname and parts.path[1:]):
            raise ValueError("a store URL is postgresql://USER@HOST[:PORT]/DATABASE")
        if parts.password is not None or "password" in parse_qs(parts.query):
            raise ValueError("a store URL holds no password: it goes in the secret store")
        return value
