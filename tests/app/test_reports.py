"""The X and Z reports of a real demo register: a demo day with every LevelUp outcome, cash and
card, a void, a refund and a return, against the embedded sandbox; the report agrees with
``journal export`` and with the sandbox's own orders, and a Z report closes the day once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.app.demo import run_demo
from pos_app.app.terminal import Terminal, open_register, sign_in_to_sandbox
from pos_app.domain import LineItem, TenderKind, TenderStatus
from pos_app.engine import (
    DAY_TARGET,
    ApprovalAction,
    CheckState,
    DayAlreadyClosed,
    EngineError,
    IllegalTransition,
)
from pos_app.host.paths import Paths
from pos_app.journal.export import export_document
from pos_app.reports import MismatchKind, ReportKind, ReversalKind

MANAGER = {"staff_id": "9", "pin": "9999"}


def register(tmp_path: Path) -> Terminal:
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key)
    return open_register(paths, {}, key_path=key)


def approval(terminal: Terminal, action: ApprovalAction, target: str, check: str | None = None):
    return terminal.engine.approve(check, action, target, **MANAGER, reason="Test")


def cash_sale(terminal: Terminal, price: int = 1095):
    engine = terminal.engine
    record = engine.open_check()
    record = engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("Wrap", price)))
    return engine.pay_cash(record.check_id, record.check.totals.balance_due + 5)


@pytest.fixture
def day(tmp_path):
    """A demo day: 12 scripted LevelUp checkouts, a cash sale voided, a LevelUp one refunded."""
    terminal = register(tmp_path)
    try:
        run_demo(terminal.engine, terminal.levelup_url, 12, seed=7)
        voided = cash_sale(terminal)
        terminal.engine.void_check(
            voided.check_id,
            approval(terminal, ApprovalAction.VOID_CHECK, voided.check_id, voided.check_id),
        )
        cash_sale(terminal, 450)
        paid = [
            r
            for r in terminal.journal.records()
            if r.state is CheckState.CLOSED
            and any(
                t.kind is TenderKind.LEVELUP and t.status is TenderStatus.APPROVED
                for t in r.check.tenders
            )
        ]
        refunded = paid[0]
        terminal.engine.void_check(
            refunded.check_id,
            approval(terminal, ApprovalAction.VOID_CHECK, refunded.check_id, refunded.check_id),
        )
        yield terminal
    finally:
        terminal.close()


def test_the_x_report_agrees_with_journal_export_and_the_sandbox_orders(day):
    report = day.reports.x_report()
    export = export_document(day.journal.checks_of_day(report.business_date))["checks"]
    standing = {"APPROVED", "PARTIALLY_APPROVED", "QUEUED", "FORWARDING", "REFUNDING"}
    amounts: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for check in export:
        for tender in check["tenders"]:
            if tender["state"] in standing:
                kind = tender["card_type"] or tender["kind"]
                amounts[kind] += tender["amount"]
                counts[kind] += 1
    data = report.as_data()
    for kind in ("levelup", "cash", "credit", "debit", "other"):
        assert data["tenders"][kind]["amount"] == amounts[kind], kind
        assert data["tenders"][kind]["count"] == counts[kind], kind
    sold = [c for c in export if c["state"] in ("CLOSED", "BALANCE_DUE", "REFUNDED")]
    assert data["checks"] == len(sold)
    # A sale voided after it closed is taken back from sales and tax on the day of the void.
    assert data["tax"] == sum(c["tax"] for c in sold if c["state"] != "REFUNDED")
    assert data["net_sales"] + data["tax"] + data["fees"] == sum(amounts.values())
    assert data["tips"] == sum(
        t["tip"] for c in export for t in c["tenders"] if t["state"] in standing
    )

    orders = [
        o
        for o in day.client.location_orders(day.config.levelup.location_id)
        if (o.identifier_from_merchant or "").startswith(f"{report.business_date:%y%m%d}")
    ]
    rec = data["levelup_reconciliation"]
    assert rec["checked"] and rec["orders"] == len(orders) > 0
    assert rec["matched"] == len(orders)
    assert (rec["missing_in_journal"], rec["missing_at_levelup"], rec["amount_mismatch"]) == (
        0,
        0,
        0,
    )
    at_levelup = sum(o.spend_amount or 0 for o in orders if not o.is_refunded)
    levelup = report.tender(TenderKind.LEVELUP)
    assert at_levelup == levelup.amount + levelup.levelup_discount

    kinds = [r.kind for r in report.reversals]
    assert ReversalKind.CHECK_VOID in kinds and ReversalKind.REFUND in kinds
    assert all(r.approved_by == "Demo Manager (9)" for r in report.reversals)
    assert report.tender(TenderKind.LEVELUP).refunds.count == 1
    assert report.cash.given_back.count == 1
    assert report.by_hour and sum(g.checks for g in report.by_hour) == report.checks


def test_a_z_report_is_taken_once_and_the_next_checks_belong_to_the_next_day(day):
    today = day.reports.business_day()
    z = day.reports.z_report(approval(day, ApprovalAction.CLOSE_DAY, DAY_TARGET))
    assert z.kind is ReportKind.Z and z.number == 1 and z.business_date == today
    assert day.reports.z_of(today) == z
    with pytest.raises(DayAlreadyClosed, match="cannot be taken twice"):
        day.reports.z_report(approval(day, ApprovalAction.CLOSE_DAY, DAY_TARGET), today)
    after = cash_sale(day)
    tomorrow = today + timedelta(days=1)
    assert after.check.identifier.startswith(f"{tomorrow:%y%m%d}")
    assert day.reports.business_day() == tomorrow
    # Counting the closed day again changes nothing: the sale after it is the next day's.
    assert day.reports.x_report(today).checks == z.checks
    assert day.reports.x_report(tomorrow, reconcile_orders=False).checks == 1


def test_a_z_report_is_refused_while_a_check_of_the_day_is_open(tmp_path):
    terminal = register(tmp_path)
    try:
        record = terminal.engine.open_check()
        terminal.engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("Tea", 250)))
        with pytest.raises(EngineError, match="still open"):
            terminal.reports.z_report(approval(terminal, ApprovalAction.CLOSE_DAY, DAY_TARGET))
        assert terminal.reports.taken() == []
        x = terminal.reports.x_report(reconcile_orders=False)
        assert x.open_checks == (record.check.identifier,)
        assert any("still open" in note for note in x.notes)
    finally:
        terminal.close()


def test_a_payment_charged_at_levelup_but_missing_here_is_reported_in_plain_words(day):
    report = day.reports.x_report()
    # Forget one approved LevelUp payment's order: as if LevelUp charged a check we lost.
    record = next(
        r
        for r in day.journal.checks_of_day(report.business_date)
        if r.state is CheckState.CLOSED
        and any(
            t.kind is TenderKind.LEVELUP and t.status is TenderStatus.APPROVED
            for t in r.check.tenders
        )
    )
    from pos_app.reports.reconciliation import reconcile

    orders = list(day.client.location_orders(day.config.levelup.location_id))
    others = [r for r in day.journal.checks_of_day(report.business_date) if r is not record]
    result = reconcile(
        [r for r in others if r.check_id != record.check_id],
        orders,
        register=day.config.register_.id,
        details=lambda uuid: day.client.order_details(day.config.levelup.merchant_id, uuid),
    )
    missing = [d for d in result.details if d.kind is MismatchKind.MISSING_IN_JOURNAL]
    assert len(missing) == sum(
        1
        for t in record.check.tenders
        if t.kind is TenderKind.LEVELUP and t.status is TenderStatus.APPROVED
    )
    assert record.check.identifier in missing[0].text and "no such payment" in missing[0].text


def test_a_report_prints_on_the_receipt_printer_and_is_refused_without_one(tmp_path):
    from pos_app.app.receipts import ReceiptError
    from pos_app.host.settings import set_settings
    from tests.fake_printer import FakePrinter

    printer = FakePrinter()
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key)
    terminal = open_register(paths, {}, key_path=key)
    try:
        cash_sale(terminal)
        report = terminal.reports.x_report(reconcile_orders=False)
        with pytest.raises(ReceiptError, match="No receipt printer"):
            terminal.reports.print_report(report)
    finally:
        terminal.close()
    set_settings(paths, {}, {"printer.url": printer.url})
    terminal = open_register(paths, {}, key_path=key)
    try:
        terminal.receipts.start()
        assert terminal.reports.print_report(report) == "Receipt printing."
        terminal.receipts.drain(10)
        (printout,) = printer.printed()
        assert "X report" in printout.text and "$10.95" in printout.text
    finally:
        terminal.close()
        printer.stop()


def test_a_sale_voided_the_next_day_is_taken_back_on_that_day(tmp_path):
    terminal = register(tmp_path)
    try:
        sale = cash_sale(terminal, 2000)
        today = terminal.reports.business_day()
        z = terminal.reports.z_report(approval(terminal, ApprovalAction.CLOSE_DAY, DAY_TARGET))
        assert z.net_sales == 2000
        terminal.engine.void_check(
            sale.check_id,
            approval(terminal, ApprovalAction.VOID_CHECK, sale.check_id, sale.check_id),
        )
        after = terminal.reports.x_report(today + timedelta(days=1), reconcile_orders=False)
        assert (after.checks, after.returns, after.net_sales) == (0, 2000, -2000)
        assert after.tax == -sale.check.totals.tax
        assert after.tender(TenderKind.CASH).refunds.amount == sale.check.totals.grand_total
        assert terminal.reports.z_of(today) == z  # the closed day is as it was taken
    finally:
        terminal.close()


def test_nothing_is_added_to_a_closed_day_and_the_json_masks_what_was_typed(tmp_path):
    terminal = register(tmp_path)
    try:
        empty = terminal.engine.open_check()  # left open on screen, empty, at the Z
        terminal.reports.z_report(approval(terminal, ApprovalAction.CLOSE_DAY, DAY_TARGET))
        with pytest.raises(IllegalTransition, match="Z report was taken"):
            terminal.engine.edit_check(empty.check_id, lambda c: c.add_item(LineItem("Tea", 250)))
        assert terminal.engine.days.is_closed(empty)
        sale = cash_sale(terminal)
        terminal.engine.void_check(
            sale.check_id,
            terminal.engine.approve(
                sale.check_id,
                ApprovalAction.VOID_CHECK,
                sale.check_id,
                **MANAGER,
                reason="refund for ada@example.com",
            ),
        )
        from pos_app.app.reports import render

        report = terminal.reports.x_report(reconcile_orders=False)
        assert "ada@example.com" in str(report.as_data())  # typed by the manager
        assert b"ada@example.com" not in render(report, "json")
    finally:
        terminal.close()


def test_a_z_report_waits_for_a_payment_whose_outcome_is_not_known(tmp_path):
    terminal = register(tmp_path)
    try:
        sale = cash_sale(terminal)
        terminal.engine.void_tender(
            sale.check_id,
            sale.check.tenders[0].tender_id,
            approval(
                terminal,
                ApprovalAction.VOID_TENDER,
                sale.check.tenders[0].tender_id,
                sale.check_id,
            ),
        )
        assert terminal.engine.check(sale.check_id).state is CheckState.BALANCE_DUE
        with pytest.raises(EngineError, match="money to settle"):
            terminal.reports.z_report(approval(terminal, ApprovalAction.CLOSE_DAY, DAY_TARGET))
        assert terminal.reports.taken() == []
    finally:
        terminal.close()


def test_a_z_report_taken_after_midnight_closes_the_nights_day(tmp_path):
    from datetime import UTC, datetime, time

    from pos_app.engine import Engine

    terminal = register(tmp_path)
    try:
        cash_sale(terminal)  # tonight's sale
        night = terminal.reports.business_day()
        after_midnight = datetime.combine(night + timedelta(days=1), time(0, 30)).astimezone(UTC)
        engine: Engine = terminal.engine
        engine.days._recorder.clock = lambda: after_midnight  # the clock passes midnight
        assert terminal.reports.day_to_close() == night
        z = terminal.reports.z_report(approval(terminal, ApprovalAction.CLOSE_DAY, DAY_TARGET))
        assert z.business_date == night and z.checks == 1
    finally:
        terminal.close()
