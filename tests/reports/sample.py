"""A report with every part filled in, for the renderings' tests and screenshots."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pos_app.domain import TenderKind
from pos_app.reports import (
    CashFigures,
    GroupFigures,
    Mismatch,
    MismatchKind,
    OfflineFigures,
    Reconciliation,
    Report,
    ReportKind,
    Reversal,
    ReversalKind,
    Tally,
    TaxLine,
    TenderFigures,
    UnknownPayment,
)

DAY = date(2026, 12, 2)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 2, hour, minute, tzinfo=UTC)


def sample_report(kind: ReportKind = ReportKind.Z) -> Report:
    return Report(
        kind=kind,
        business_date=DAY,
        register="Front counter",
        taken_at=at(22, 5),
        taken_by="Morgan Manager (m1)",
        number=12 if kind is ReportKind.Z else None,
        checks=143,
        gross_sales=214_350,
        discounts=6_120,
        levelup_discounts=2_300,
        comps=Tally(1_250, 2),
        returns=899,
        net_sales=205_031,
        tax=16_402,
        tax_by_class=(TaxLine("food", 14_910), TaxLine("alcohol", 1_492)),
        fees=1_500,
        tips=3_845,
        tenders=(
            TenderFigures(TenderKind.LEVELUP, 121_410, 81, 2_990, Tally(1_299, 1), 2_300, 10_000),
            TenderFigures(TenderKind.CASH, 52_118, 38, 0, Tally(899, 1)),
            TenderFigures(TenderKind.CREDIT, 31_902, 17, 855, Tally()),
            TenderFigures(TenderKind.DEBIT, 12_003, 6, 0, Tally()),
            TenderFigures(TenderKind.OTHER, 0, 0, 0, Tally()),
        ),
        reversals=(
            Reversal(
                ReversalKind.REFUND,
                at(13, 12),
                "2612020041",
                1_299,
                "Morgan Manager (m1)",
                "Wrong order",
                TenderKind.LEVELUP,
            ),
            Reversal(
                ReversalKind.RETURN,
                at(15, 40),
                "2612020077",
                899,
                "Morgan Manager (m1)",
                "Cold fries",
                TenderKind.CASH,
            ),
            Reversal(
                ReversalKind.COMP, at(17, 2), "2612020101", 1_250, "Morgan Manager (m1)", "Birthday"
            ),
        ),
        offline=OfflineFigures(Tally(4_350, 3), Tally(1_120, 1), Tally(0, 0)),
        unknown=(UnknownPayment("2612020130", 1_575, "unknown", at(20, 31)),),
        by_cashier=(
            GroupFigures("Casey Cashier (c1)", 98, 140_220),
            GroupFigures("Dana Cashier (c2)", 45, 64_811),
        ),
        by_hour=tuple(
            GroupFigures(f"{hour:02d}:00", checks, sales)
            for hour, checks, sales in (
                (7, 6, 5_200),
                (8, 11, 10_150),
                (9, 9, 8_800),
                (10, 8, 9_300),
                (11, 21, 32_650),
                (12, 30, 48_900),
                (13, 19, 30_100),
                (14, 7, 9_400),
                (15, 5, 6_021),
                (16, 6, 8_410),
                (17, 10, 17_300),
                (18, 8, 14_900),
                (19, 3, 3_900),
            )
        ),
        open_checks=(),
        cash=CashFigures(
            15_000,
            Tally(52_118, 38),
            Tally(899, 1),
            Tally(2_000, 1),
            Tally(1_500, 1),
            2,
            66_519,
            -200,
        ),
        reconciliation=Reconciliation(
            checked=True,
            matched=80,
            orders=81,
            details=(
                Mismatch(
                    MismatchKind.MISSING_IN_JOURNAL,
                    "LevelUp charged $12.40 (order 3f9a1c2e) for check 2612020088, "
                    "and this register has no such payment.",
                    "2612020088",
                    "3f9a1c2e",
                    None,
                    1_240,
                ),
                Mismatch(
                    MismatchKind.MISSING_AT_LEVELUP,
                    "Check 2612020130 has a LevelUp payment of $15.75 whose outcome is "
                    "not known, and LevelUp has no order for it.",
                    "2612020130",
                    "",
                    1_575,
                    None,
                ),
            ),
        ),
        notes=("1 LevelUp payment's outcome is not known yet: see Unknown payments.",),
    )
