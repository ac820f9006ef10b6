"""Take the screenshot of a shift's close from the running app (offscreen): the drawer counted
by denomination after a $150.00 float and two cash sales, coming up short.

Run: ``.venv/bin/python docs/screenshots/take_shifts.py`` (writes the PNG next to this file).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from take import SIZE, pause, shot, wait_for

from pos_app.app.terminal import open_register
from pos_app.domain import CheckState
from pos_app.host.paths import Paths
from pos_app.ui.launch import application
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.session import RegisterSession
from pos_app.ui.shift_dialog import CloseShiftDialog, OpenShiftDialog

COUNT = {2000: "6", 1000: "3", 500: "4", 100: "9", 25: "4", 10: "1", 5: "1", 1: "5"}
"""$180.20 in the drawer, where $180.70 should be: short $0.50."""


def main() -> None:
    application()
    with tempfile.TemporaryDirectory() as home:
        terminal = open_register(Paths(Path(home) / "data"), {}, key_path=Path(home) / "key")
        session = RegisterSession(terminal)
        window, till = session.window, session.till
        session.start()
        window.resize(*SIZE)
        wait_for(lambda: till.cashier is not None)

        session.shifts.open_shift()
        wait_for(lambda: bool(window.dialogs) and isinstance(window.dialogs[-1], OpenShiftDialog))
        opening = window.dialogs[-1]
        assert isinstance(opening, OpenShiftDialog)
        opening.amount.setText("150")
        opening.ok.click()
        wait_for(lambda: window.message.text().startswith("Shift open"))

        for names in (("Burger", "Fries", "Lemonade"), ("Chicken sandwich", "Lemonade")):
            for name in names:
                window.add_item(next(i for i in window.catalog.items if i.name == name))
                wait_for(lambda: till.lane.idle)
            assert till.record is not None
            till.pay_cash(till.record.check.totals.balance_due)
            wait_for(lambda: till.record is not None and till.record.state is CheckState.CLOSED)
            pause(300)
            for receipt in [d for d in window.dialogs if isinstance(d, ReceiptDialog)]:
                receipt.none_button.click()
            wait_for(lambda: not window.dialogs)

        session.shifts.close_shift()
        wait_for(lambda: bool(window.dialogs) and isinstance(window.dialogs[-1], CloseShiftDialog))
        counting = window.dialogs[-1]
        assert isinstance(counting, CloseShiftDialog)
        for denomination, quantity in COUNT.items():
            counting.quantities[denomination].setText(quantity)
        counting.quantities[1].setFocus()
        pause(300)
        shot(window, "shift-close.png", counting)
        print(counting.expected.text(), counting.counted.text(), counting.difference.text())
        counting.reject()
        session.close()
        terminal.close()


if __name__ == "__main__":
    main()
