"""The X and Z report of one register's business day, as figures: what every rendering (text,
JSON, CSV, PDF, the receipt printer, the Reports screen) shows, and what a Z report keeps in the
journal once taken (:meth:`Report.as_data`, :meth:`Report.from_data`: the stored document is
shown as it was, never counted again).

Money is integer cents. Nothing here is a payment code, a token or an email address; LevelUp
orders are named by a short reference (the first 8 characters of their uuid).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pos_app.domain import TenderKind
from pos_app.engine.drawer import Tally
from pos_app.reports.parts import (
    CashFigures,
    GroupFigures,
    OfflineFigures,
    Reconciliation,
    Reversal,
    TaxLine,
    UnknownPayment,
)

DATA_VERSION = 1
TENDER_ORDER = (
    TenderKind.LEVELUP,
    TenderKind.CASH,
    TenderKind.CREDIT,
    TenderKind.DEBIT,
    TenderKind.OTHER,
)
"""Every tender kind, in the order reports show them (LevelUp first)."""


class ReportKind(StrEnum):
    X = "x"
    """Any time: the day so far; changes nothing."""
    Z = "z"
    """Closes the business day: numbered, one per day, kept as taken."""


@dataclass(frozen=True)
class TenderFigures:
    """One tender kind on the day's sales: the payments that still stand (``amount`` without
    tips, ``count``), their ``tips``, and what was given back on this day (``refunds``).

    For LevelUp also: ``levelup_discount`` (LevelUp's discount the checks took), ``gift_card``
    (spend paid from LevelUp gift cards, tips included) and ``card`` (charged to the
    customers' cards: amount plus tips less gift card)."""

    kind: TenderKind
    amount: int = 0
    count: int = 0
    tips: int = 0
    refunds: Tally = Tally()
    levelup_discount: int = 0
    gift_card: int = 0

    @property
    def card(self) -> int:
        return self.amount + self.tips - self.gift_card

    @property
    def name(self) -> str:
        return TENDER_NAMES[self.kind]

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "amount": self.amount,
            "count": self.count,
            "tips": self.tips,
            "refunds": self.refunds.as_data(),
        }
        if self.kind is TenderKind.LEVELUP:
            data |= {
                "levelup_discount": self.levelup_discount,
                "gift_card": self.gift_card,
                "card": self.card,
            }
        return data

    @classmethod
    def from_data(cls, kind: TenderKind, data: dict[str, Any]) -> TenderFigures:
        return cls(
            kind,
            int(data["amount"]),
            int(data["count"]),
            int(data["tips"]),
            Tally.from_data(data["refunds"]),
            int(data.get("levelup_discount", 0)),
            int(data.get("gift_card", 0)),
        )


TENDER_NAMES = {
    TenderKind.LEVELUP: "LevelUp",
    TenderKind.CASH: "Cash",
    TenderKind.CREDIT: "Credit card",
    TenderKind.DEBIT: "Debit card",
    TenderKind.OTHER: "Other",
}


@dataclass(frozen=True)
class Report:
    """One register's business day.

    Sales figures are over the day's checks sold (a check belongs to the business day it was
    opened on; a Z report ends the day, so checks opened after it belong to the next): gross
    sales are the items' list prices, ``discounts`` the item and check discounts,
    ``levelup_discounts`` LevelUp's, ``returns`` the returned items' value (before tax), and
    ``net_sales`` what is left. Money given back (``reversals``, the tenders' ``refunds``) and
    the drawer (``cash``) count on the day it happened, whichever day the check was sold.
    """

    kind: ReportKind
    business_date: date
    register: str
    taken_at: datetime
    taken_by: str = ""
    number: int | None = None
    """A Z report's number (1, 2, ... on this register); None for an X report."""
    checks: int = 0
    gross_sales: int = 0
    discounts: int = 0
    levelup_discounts: int = 0
    comps: Tally = Tally()
    """Checks comped: how many, and their list prices (also in ``discounts``)."""
    returns: int = 0
    net_sales: int = 0
    tax: int = 0
    tax_by_class: tuple[TaxLine, ...] = ()
    fees: int = 0
    tips: int = 0
    tenders: tuple[TenderFigures, ...] = tuple(TenderFigures(kind) for kind in TENDER_ORDER)
    """Every kind of :data:`TENDER_ORDER`, in that order."""
    reversals: tuple[Reversal, ...] = ()
    offline: OfflineFigures = OfflineFigures()
    unknown: tuple[UnknownPayment, ...] = ()
    by_cashier: tuple[GroupFigures, ...] = ()
    by_hour: tuple[GroupFigures, ...] = ()
    """Each hour (local time) with a sale, in order."""
    open_checks: tuple[str, ...] = ()
    """Numbers of the day's checks still being rung up or paid when the report was taken."""
    cash: CashFigures = CashFigures()
    reconciliation: Reconciliation = Reconciliation()
    notes: tuple[str, ...] = field(default=())
    """Plain-word warnings for whoever reads the report (mismatches, payments not known)."""

    def tender(self, kind: TenderKind) -> TenderFigures:
        return next(t for t in self.tenders if t.kind is kind)

    @property
    def title(self) -> str:
        if self.kind is ReportKind.Z:
            return "Z report" if self.number is None else f"Z report #{self.number}"
        return "X report"

    def as_data(self) -> dict[str, Any]:
        """The JSON form (``levelup-pos report --format json``, and a Z report's journal
        document)."""
        reconciliation = self.reconciliation.as_data()
        return {
            "version": DATA_VERSION,
            "kind": self.kind.value,
            "business_date": self.business_date.isoformat(),
            "register": self.register,
            "taken_at": self.taken_at.isoformat(),
            "taken_by": self.taken_by,
            "number": self.number,
            "checks": self.checks,
            "gross_sales": self.gross_sales,
            "discounts": self.discounts,
            "levelup_discounts": self.levelup_discounts,
            "comps": self.comps.as_data(),
            "returns": self.returns,
            "net_sales": self.net_sales,
            "tax": self.tax,
            "tax_by_class": [{"code": t.code, "amount": t.amount} for t in self.tax_by_class],
            "fees": self.fees,
            "tips": self.tips,
            "tenders": {t.kind.value: t.as_data() for t in self.tenders},
            "reversals": [r.as_data() for r in self.reversals],
            "offline": self.offline.as_data(),
            "unknown": [u.as_data() for u in self.unknown],
            "by_cashier": [g.as_data() for g in self.by_cashier],
            "by_hour": [g.as_data() for g in self.by_hour],
            "open_checks": list(self.open_checks),
            "cash": self.cash.as_data(),
            "levelup_reconciliation": reconciliation,
            "notes": list(self.notes),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        """A report from :meth:`as_data`; raises ``KeyError``/``ValueError`` when malformed."""
        if data.get("version") != DATA_VERSION:
            raise ValueError(f"A report document of version {data.get('version')!r}.")
        return cls(
            kind=ReportKind(data["kind"]),
            business_date=date.fromisoformat(data["business_date"]),
            register=str(data["register"]),
            taken_at=datetime.fromisoformat(data["taken_at"]),
            taken_by=str(data["taken_by"]),
            number=data["number"],
            checks=int(data["checks"]),
            gross_sales=int(data["gross_sales"]),
            discounts=int(data["discounts"]),
            levelup_discounts=int(data["levelup_discounts"]),
            comps=Tally.from_data(data["comps"]),
            returns=int(data["returns"]),
            net_sales=int(data["net_sales"]),
            tax=int(data["tax"]),
            tax_by_class=tuple(TaxLine(t["code"], int(t["amount"])) for t in data["tax_by_class"]),
            fees=int(data["fees"]),
            tips=int(data["tips"]),
            tenders=tuple(
                TenderFigures.from_data(kind, data["tenders"][kind.value]) for kind in TENDER_ORDER
            ),
            reversals=tuple(Reversal.from_data(r) for r in data["reversals"]),
            offline=OfflineFigures.from_data(data["offline"]),
            unknown=tuple(UnknownPayment.from_data(u) for u in data["unknown"]),
            by_cashier=tuple(GroupFigures.from_data(g) for g in data["by_cashier"]),
            by_hour=tuple(GroupFigures.from_data(g) for g in data["by_hour"]),
            open_checks=tuple(str(c) for c in data["open_checks"]),
            cash=CashFigures.from_data(data["cash"]),
            reconciliation=Reconciliation.from_data(data["levelup_reconciliation"]),
            notes=tuple(str(n) for n in data["notes"]),
        )
