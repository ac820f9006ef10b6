"""Take the screenshots of the counter's screens from the running app (offscreen): choices for
an item, price check, a discount beyond the cashier's limits, holding a check, splitting a
check between LevelUp customers, returning items, and the customer display.

Run: ``.venv/bin/python docs/screenshots/take_counter.py`` (writes the PNGs next to this file).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from PySide6.QtWidgets import QPushButton
from take import SIZE, pause, shot, wait_for

from pos_app.app.terminal import open_register
from pos_app.domain import CheckState, TenderKind
from pos_app.host.paths import Paths
from pos_app.ui.discount_dialog import DiscountDialog
from pos_app.ui.launch import application
from pos_app.ui.recall import HoldDialog
from pos_app.ui.session import RegisterSession


def main() -> None:
    application()
    with tempfile.TemporaryDirectory() as home:
        environ = {"LEVELUP_POS_DISPLAY_CUSTOMER": "on"}
        terminal = open_register(Paths(Path(home) / "data"), environ, key_path=Path(home) / "k")
        session = RegisterSession(terminal)
        window = session.window
        session.start()
        window.resize(*SIZE)
        wait_for(lambda: session.till.cashier is not None)
        customers = session.customers
        assert customers is not None
        wait_for(lambda: "Ada Card" in customers.codes)

        def add(name: str) -> None:
            window.entry.enter(next(i for i in window.catalog.items if i.name == name))
            wait_for(lambda: session.till.lane.idle)

        add("Burger")
        add("Fries")
        window.menu.quantity.press("2")
        window.menu.quantity.times()
        add("Latte")
        pause(300)
        shot(window, "modifiers.png", window.dialogs[-1])
        window.dialogs[-1].reject()
        wait_for(lambda: not window.dialogs)

        display = session.display
        if display is not None:
            display.resize(1024, 640)
            pause()
            shot(display, "customer-display.png")

        window.menu.price_check.toggle.click()
        add("Latte")
        pause(300)
        shot(window, "price-check.png")
        window.menu.price_check.toggle.click()

        window.lines.check_discount.click()
        dialog = window.dialogs[-1]
        assert isinstance(dialog, DiscountDialog)
        preset = next(b for b in dialog.findChildren(QPushButton) if "50%" in b.text())
        preset.click()
        dialog.reason.setCurrentText("Staff meal")
        pause()
        shot(window, "discount.png", dialog)
        dialog.reject()
        wait_for(lambda: not window.dialogs)

        window.tenders.tabs.hold.click()
        hold = window.dialogs[-1]
        assert isinstance(hold, HoldDialog)
        hold.name.setText("Table 4")
        pause()
        shot(window, "hold.png", hold)
        hold.reject()
        wait_for(lambda: not window.dialogs)

        window.tenders.pay_with_levelup()
        payment = window.payment
        assert payment is not None
        payment.part_amount.splitter.even.click()
        customers.scanned.emit(customers.codes["Ada Card"])
        wait_for(lambda: payment.title.text() == "Approved" and "Paid by" in payment.lines.text())
        pause()
        shot(window, "split-next-share.png", payment)
        payment.reject()
        wait_for(lambda: not window.dialogs)

        session.till.new_check()
        add("Burger")
        add("Fries")
        session.till.pay_other(TenderKind.CREDIT, 1000)
        wait_for(lambda: session.till.lane.idle)
        session.till.pay_cash(500)
        wait_for(
            lambda: (
                session.till.record is not None and session.till.record.state is CheckState.CLOSED
            )
        )
        window.open_history()
        history = window.dialogs[-1]
        wait_for(lambda: len(history.records) >= 2)
        history.table.selectRow(0)
        history.returns.click()
        returns = history.return_dialog
        [b for b in returns.findChildren(QPushButton) if b.text() == "+"][1].click()
        pause()
        shot(window, "return-items.png", returns)
        returns.reject()
        session.close()
        terminal.close()


if __name__ == "__main__":
    main()
