"""The parts of a report beside its sales and tenders: tax lines, money given back, offline
and unknown payments, groups (by cashier, by hour), the drawer's cash, and the reconciliation
with LevelUp's orders (:mod:`pos_app.reports.model` holds the whole)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pos_app.domain import TenderKind
from pos_app.engine.drawer import Tally, expected_cash


@dataclass(frozen=True)
class TaxLine:
    """The tax one tax class (``code``, e.g. ``"food"``) charged on the day's sales."""

    code: str
    amount: int


class ReversalKind(StrEnum):
    VOID = "void"
    """A payment given back before or after the check closed (cash, card, an offline one)."""
    REFUND = "refund"
    """A LevelUp payment refunded."""
    RETURN = "return"
    """Items of a closed sale returned."""
    CHECK_VOID = "check_void"
    """A whole check voided."""
    COMP = "comp"
    """A check closed at $0.00 (comped)."""


@dataclass(frozen=True)
class Reversal:
    """Money taken back on this day, or a check comped: which check, how much, who approved."""

    kind: ReversalKind
    at: datetime
    check: str
    """The check's number (``identifier_from_merchant``)."""
    amount: int
    approved_by: str
    """The manager who approved, as ``Name (id)`` ("" when none was needed)."""
    reason: str = ""
    tender_kind: TenderKind | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "check": self.check,
            "amount": self.amount,
            "approved_by": self.approved_by,
            "reason": self.reason,
            "tender_kind": self.tender_kind.value if self.tender_kind else None,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Reversal:
        kind = data.get("tender_kind")
        return cls(
            ReversalKind(data["kind"]),
            datetime.fromisoformat(data["at"]),
            str(data["check"]),
            int(data["amount"]),
            str(data["approved_by"]),
            str(data.get("reason", "")),
            TenderKind(kind) if kind else None,
        )


@dataclass(frozen=True)
class OfflineFigures:
    """LevelUp payments taken offline on the day's checks, by what became of them."""

    forwarded: Tally = Tally()
    declined: Tally = Tally()
    """Declined by LevelUp when forwarded, or expired unsent: the check owes them again."""
    waiting: Tally = Tally()
    """Not forwarded yet, or forwarded with the answer still to come."""

    def as_data(self) -> dict[str, Any]:
        return {
            "forwarded": self.forwarded.as_data(),
            "declined": self.declined.as_data(),
            "waiting": self.waiting.as_data(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> OfflineFigures:
        forwarded, declined, waiting = (
            Tally.from_data(data[k]) for k in ("forwarded", "declined", "waiting")
        )
        return cls(forwarded, declined, waiting)


@dataclass(frozen=True)
class UnknownPayment:
    """A LevelUp payment whose outcome is not known yet (``unknown``, ``completing``)."""

    check: str
    amount: int
    status: str
    at: datetime

    def as_data(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "amount": self.amount,
            "status": self.status,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> UnknownPayment:
        return cls(
            str(data["check"]),
            int(data["amount"]),
            str(data["status"]),
            datetime.fromisoformat(data["at"]),
        )


@dataclass(frozen=True)
class GroupFigures:
    """The sales of one cashier, or of one hour: checks sold and their net sales."""

    label: str
    """The cashier (``Name (id)``, or ``"unknown"``), or the hour (``"09:00"``, local)."""
    checks: int = 0
    net_sales: int = 0

    def as_data(self) -> dict[str, Any]:
        return {"label": self.label, "checks": self.checks, "net_sales": self.net_sales}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> GroupFigures:
        return cls(str(data["label"]), int(data["checks"]), int(data["net_sales"]))


class MismatchKind(StrEnum):
    MISSING_IN_JOURNAL = "missing_in_journal"
    """LevelUp charged an order this register has no payment for."""
    MISSING_AT_LEVELUP = "missing_at_levelup"
    """The journal has a LevelUp payment LevelUp has no order for."""
    AMOUNT_MISMATCH = "amount_mismatch"
    """Both have it, for different amounts."""
    REFUND_MISMATCH = "refund_mismatch"
    """Refunded at one and not at the other."""


@dataclass(frozen=True)
class Mismatch:
    """One disagreement between the journal and LevelUp, in plain words (``text``)."""

    kind: MismatchKind
    text: str
    check: str = ""
    order: str = ""
    """The order's short reference (its uuid's first 8 characters)."""
    journal_amount: int | None = None
    levelup_amount: int | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "check": self.check,
            "order": self.order,
            "journal_amount": self.journal_amount,
            "levelup_amount": self.levelup_amount,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Mismatch:
        return cls(
            MismatchKind(data["kind"]),
            str(data["text"]),
            str(data["check"]),
            str(data["order"]),
            data["journal_amount"],
            data["levelup_amount"],
        )


@dataclass(frozen=True)
class Reconciliation:
    """The day's LevelUp payments matched with the location's orders at LevelUp.

    ``checked`` is False when LevelUp could not be asked (``problem`` says why): the counts
    are then all 0 and the report says so; it blocks nothing."""

    checked: bool = False
    problem: str = ""
    matched: int = 0
    orders: int = 0
    """How many of LevelUp's orders were of this register's day."""
    details: tuple[Mismatch, ...] = ()

    def count(self, kind: MismatchKind) -> int:
        return sum(1 for detail in self.details if detail.kind is kind)

    @property
    def clean(self) -> bool:
        return self.checked and not self.details

    def as_data(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "problem": self.problem,
            "matched": self.matched,
            "orders": self.orders,
            **{kind.value: self.count(kind) for kind in MismatchKind},
            "details": [detail.as_data() for detail in self.details],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Reconciliation:
        return cls(
            bool(data["checked"]),
            str(data["problem"]),
            int(data["matched"]),
            int(data["orders"]),
            tuple(Mismatch.from_data(d) for d in data["details"]),
        )


@dataclass(frozen=True)
class CashFigures:
    """The drawer on this day: what it should hold and its parts (see
    :class:`pos_app.engine.DrawerCash`), and the shifts' counts."""

    opening: int = 0
    taken: Tally = Tally()
    given_back: Tally = Tally()
    paid_in: Tally = Tally()
    paid_out: Tally = Tally()
    no_sales: int = 0
    counted: int | None = None
    """What the shifts closed on the day counted, in all (None: no shift was counted)."""
    over_short: int | None = None
    """Those shifts' counts less what each expected (its float and its own cash moves): over
    when positive, short when negative. A shift still open is not in it."""

    @property
    def expected(self) -> int:
        return expected_cash(self)

    def as_data(self) -> dict[str, Any]:
        return {
            "opening": self.opening,
            "taken": self.taken.as_data(),
            "given_back": self.given_back.as_data(),
            "paid_in": self.paid_in.as_data(),
            "paid_out": self.paid_out.as_data(),
            "no_sales": self.no_sales,
            "expected": self.expected,
            "counted": self.counted,
            "over_short": self.over_short,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CashFigures:
        return cls(
            opening=int(data["opening"]),
            taken=Tally.from_data(data["taken"]),
            given_back=Tally.from_data(data["given_back"]),
            paid_in=Tally.from_data(data["paid_in"]),
            paid_out=Tally.from_data(data["paid_out"]),
            no_sales=int(data["no_sales"]),
            counted=data["counted"],
            over_short=data["over_short"],
        )
