"""The receipts desk of a real demo register: a paid check's receipt printed, its merchant
copy, a reprint, a refund's receipt, the drawer, slips and the test page, at a fake printer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.app.printing import QueueStatus
from pos_app.app.receipts import ReceiptChoice, ReceiptDesk, ReceiptError, ReceiptStatus
from pos_app.app.terminal import Terminal, open_register, sign_in_to_sandbox
from pos_app.domain import LineItem, TenderKind
from pos_app.engine import ApprovalAction, CheckRecord
from pos_app.host.paths import Paths
from pos_app.host.settings import set_settings
from pos_app.receipts import ReceiptKind
from tests.fake_printer import FakePrinter


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.stop()


def register(tmp_path: Path, **settings: str) -> Terminal:
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    sign_in_to_sandbox(paths, None, {}, key_path=key)
    set_settings(paths, {}, {key.replace("__", "."): value for key, value in settings.items()})
    terminal = open_register(paths, {}, key_path=key)
    terminal.receipts.start()
    return terminal


def sold(terminal: Terminal, kind: TenderKind = TenderKind.CASH) -> CheckRecord:
    engine = terminal.engine
    record = engine.open_check()
    record = engine.edit_check(
        record.check_id, lambda check: check.add_item(LineItem("Falafel wrap", 1095))
    )
    due = record.check.totals.balance_due
    if kind is TenderKind.CASH:
        return engine.pay_cash(record.check_id, due + 405)
    return engine.pay_other(record.check_id, kind, due)


a_problem = QueueStatus(0, "", "")


def waited(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.02)
    raise AssertionError("it did not happen in time")


def test_a_paid_check_prints_its_receipt_with_its_check_number_total_and_change(tmp_path, printer):
    terminal = register(tmp_path, printer__url=printer.url, receipts__merchant="Ada's Cafe")
    try:
        record = sold(terminal)
        told = terminal.receipts.after_payment(record, ReceiptChoice.PRINT, cashier="Cal")
        assert told == "Receipt printing."
        (printout,) = waited(printer.printed)
        assert "Ada's Cafe" in printout.text
        assert record.check.identifier in printout.barcodes
        assert "Falafel wrap" in printout.text
        assert "Change" in printout.text and "$4.05" in printout.text
        assert printout.cuts == 1 and printout.drawer_kicks == []
    finally:
        terminal.close()


def test_card_payments_print_a_merchant_copy_when_the_merchant_wants_one(tmp_path, printer):
    terminal = register(tmp_path, printer__url=printer.url, receipts__merchant_copy="true")
    try:
        terminal.receipts.after_payment(sold(terminal), ReceiptChoice.PRINT, cashier="Cal")
        card = sold(terminal, TenderKind.CREDIT)
        told = terminal.receipts.after_payment(card, ReceiptChoice.NONE, cashier="Cal")
        assert told == "Merchant copy printing."
        printouts = waited(lambda: len(printer.printed()) == 2 and printer.printed())
        assert "MERCHANT COPY" not in printouts[0].text
        assert "MERCHANT COPY" in printouts[1].text
    finally:
        terminal.close()


def test_a_reprint_and_a_refund_receipt_and_the_drawer(tmp_path, printer):
    terminal = register(tmp_path, printer__url=printer.url)
    drawer: list[tuple[bool, str]] = []
    terminal.receipts.subscribe_drawer(lambda opened, message: drawer.append((opened, message)))
    try:
        record = sold(terminal)
        terminal.receipts.reprint(record, cashier="Cal")
        terminal.receipts.open_drawer()
        waited(lambda: drawer)
        assert drawer == [(True, drawer[0][1])]
        approval = terminal.engine.approve(
            None, ApprovalAction.VOID_CHECK, record.check_id, staff_id="9", pin="9999",
            reason="customer changed their mind",
        )  # fmt: skip
        voided = terminal.engine.void_check(record.check_id, approval)
        terminal.receipts.gave_back(voided, record, cashier="Cal")
        printouts = waited(lambda: len(printer.printed()) == 3 and printer.printed())
        kicks = [p for p in printouts if p.drawer_kicks]
        assert [(k.drawer_kicks, k.text.strip()) for k in kicks] == [([2], "")]  # ahead of jobs
        reprint, refund = (p for p in printouts if not p.drawer_kicks)
        assert "REPRINT" in reprint.text
        assert "REFUND" in refund.text and record.check.identifier in refund.barcodes
    finally:
        terminal.close()


def test_slips_and_the_test_page_and_the_status_the_window_shows(tmp_path, printer):
    terminal = register(tmp_path, printer__url=printer.url)
    statuses: list[ReceiptStatus] = []
    terminal.receipts.subscribe(statuses.append)
    try:
        terminal.receipts.slip(ReceiptKind.PAID_OUT, amount=2500, reason="milk", who="Mia")
        terminal.receipts.test_page()
        printouts = waited(lambda: len(printer.printed()) == 2 and printer.printed())
        assert "$25.00" in printouts[0].text and "milk" in printouts[0].text
        assert printer.url.removeprefix("socket://") in printouts[1].text
        printer.paper = "out"
        terminal.receipts.test_page()
        status = waited(
            lambda: statuses and (statuses[-1].printer or a_problem).problem and statuses[-1]
        )
        assert status.printer is not None
        assert status.printer.waiting == 1 and "paper" in status.printer.problem
        assert status.email is None  # email is not set up
    finally:
        terminal.close()


def test_without_a_printer_or_email_the_cashier_is_told_plainly(tmp_path):
    terminal = register(tmp_path)
    try:
        desk: ReceiptDesk = terminal.receipts
        assert not desk.printing and not desk.emailing
        record = sold(terminal)
        with pytest.raises(ReceiptError, match="No receipt printer"):
            desk.after_payment(record, ReceiptChoice.PRINT, cashier="Cal")
        with pytest.raises(ReceiptError, match=r"email\.host"):
            desk.after_payment(record, ReceiptChoice.EMAIL, cashier="Cal", address="a@b.com")
        assert desk.after_payment(record, ReceiptChoice.NONE, cashier="Cal") == "No receipt."
        assert desk.slip(ReceiptKind.NO_SALE, amount=0, reason="change", who="Cal") == ""
        assert desk.preview(record, cashier="Cal").startswith(b"\x89PNG")
    finally:
        terminal.close()
