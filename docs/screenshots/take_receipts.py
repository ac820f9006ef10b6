"""Take the screenshots of receipts and the cash drawer from the running app (offscreen), with
the tests' fake network printer: the receipt choice after a cash payment with its preview, the
receipt preview itself (for the cashier guide), cash paid out, the drawer's cash today, and
the status bar while the printer is out of paper.

Run: ``.venv/bin/python docs/screenshots/take_receipts.py`` (writes the PNGs next to this file).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parents[2]))  # the tests' fake printer
sys.path.insert(0, str(Path(__file__).parent))

from take import HERE, SIZE, pause, shot, wait_for

from pos_app.app.terminal import open_register, sign_in_to_sandbox
from pos_app.domain import CheckState, TenderKind
from pos_app.engine import DRAWER_TARGET, ApprovalAction
from pos_app.host.paths import Paths
from pos_app.host.settings import set_settings
from pos_app.ui.drawer_dialog import CashMoveDialog, DrawerCashDialog
from pos_app.ui.launch import application
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.session import RegisterSession
from tests.fake_printer import FakePrinter

SETTINGS = {
    "receipts.merchant": "Ada's Cafe",
    "receipts.location": "Harbour Street",
    "receipts.address": "12 Harbour Street\nPortsmouth PO1 2AB",
    "receipts.footer": "Thank you! Come back soon.",
    "email.host": "smtp.example.com",
    "email.sender": "receipts@adas-cafe.example",
}


def main() -> None:
    application()
    printer = FakePrinter()
    with tempfile.TemporaryDirectory() as home:
        paths, key = Paths(Path(home) / "data"), Path(home) / "key"
        sign_in_to_sandbox(paths, None, {}, key_path=key)
        set_settings(paths, {}, {**SETTINGS, "printer.url": printer.url})
        terminal = open_register(paths, {}, key_path=key)
        session = RegisterSession(terminal)
        window, till = session.window, session.till
        session.start()
        window.resize(*SIZE)
        wait_for(lambda: till.cashier is not None)

        def add(name: str) -> None:
            window.add_item(next(i for i in window.catalog.items if i.name == name))
            wait_for(lambda: till.lane.idle)

        def closed() -> bool:
            return till.record is not None and till.record.state is CheckState.CLOSED

        # After a cash payment: the receipt choice, its preview made off the GUI thread.
        add("Burger")
        add("Fries")
        add("Lemonade")
        till.pay_cash(2000)
        wait_for(lambda: bool(window.dialogs) and isinstance(window.dialogs[-1], ReceiptDialog))
        choice = window.dialogs[-1]
        assert isinstance(choice, ReceiptDialog)
        wait_for(lambda: "data:image" in choice.preview.text())
        pause(300)
        shot(window, "receipt-dialog.png", choice)
        record = till.record
        assert record is not None
        cashier = till.cashier.name if till.cashier else ""
        (HERE / "receipt-preview.png").write_bytes(
            terminal.receipts.preview(record, cashier=cashier)
        )
        print(f"wrote {HERE / 'receipt-preview.png'}")
        choice.print_button.click()
        wait_for(lambda: not window.dialogs and len(printer.printed()) >= 2)

        # Cash paid out: the amount and the reason, before a manager approves it.
        session.drawer.pay_out()
        paying = window.dialogs[-1]
        assert isinstance(paying, CashMoveDialog)
        paying.amount.setText("25.00")
        paying.reason.setCurrentText("Milk for the coffee")
        pause()
        shot(window, "drawer-paid-out.png", paying)
        paying.reject()
        wait_for(lambda: not window.dialogs)
        assert till.cashier is not None
        for action, cents, reason in (
            (ApprovalAction.PAY_IN, 10000, "Float top-up"),
            (ApprovalAction.PAY_OUT, 2500, "Milk for the coffee"),
        ):
            approval = terminal.engine.approve(
                None, action, DRAWER_TARGET, staff_id="9", pin="9999", reason=reason
            )
            pay = (
                terminal.engine.drawer.pay_in if cents == 10000 else terminal.engine.drawer.pay_out
            )
            pay(till.cashier, cents, reason, approval)

        # What the drawer should hold today.
        session.drawer.drawer_cash()
        figures = window.dialogs[-1]
        assert isinstance(figures, DrawerCashDialog)
        wait_for(lambda: figures.expected.text().startswith("Expected in the drawer"))
        pause()
        shot(window, "drawer-cash.png", figures)
        figures.accept()
        wait_for(lambda: not window.dialogs)

        # The printer runs out of paper: the receipt waits, and the status bar says so.
        printer.paper = "out"
        till.new_check()
        add("Chicken sandwich")
        assert till.record is not None
        till.pay_other(TenderKind.CREDIT, till.record.check.totals.balance_due)
        wait_for(closed)
        wait_for(lambda: bool(window.dialogs))
        receipt = window.dialogs[-1]
        assert isinstance(receipt, ReceiptDialog)
        receipt.print_button.click()
        wait_for(lambda: "waiting" in window.status.printer.text())
        pause(300)
        shot(window, "printer-waiting.png")
        session.close()
        terminal.close()
    printer.stop()


if __name__ == "__main__":
    main()
