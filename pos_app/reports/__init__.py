"""The register's reports: the X and Z report of a business day, reconciled with LevelUp, and
their renderings (text, CSV, PDF, the receipt printer)."""

from pos_app.engine.drawer import Tally
from pos_app.reports.model import TENDER_ORDER, Report, ReportKind, TenderFigures
from pos_app.reports.parts import (
    CashFigures,
    GroupFigures,
    Mismatch,
    MismatchKind,
    OfflineFigures,
    Reconciliation,
    Reversal,
    ReversalKind,
    TaxLine,
    UnknownPayment,
)

__all__ = [
    "TENDER_ORDER",
    "CashFigures",
    "GroupFigures",
    "Mismatch",
    "MismatchKind",
    "OfflineFigures",
    "Reconciliation",
    "Report",
    "ReportKind",
    "Reversal",
    "ReversalKind",
    "Tally",
    "TaxLine",
    "TenderFigures",
    "UnknownPayment",
]
