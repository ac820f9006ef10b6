"""Take the Reports screen's screenshot from the running app (offscreen): a demo register
sells a few checks (LevelUp, cash, card), then a manager opens Reports on the day.

Run: ``.venv/bin/python docs/screenshots/take_reports.py`` (writes ``reports-screen.png``
next to this file); ``--sample`` shows the tests' full sample report instead of the demo day.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parents[2]))  # the tests' sample report
sys.path.insert(0, str(Path(__file__).parent))

from take import SIZE, pause, shot, wait_for

from pos_app.app.terminal import open_register
from pos_app.domain import CheckState, TenderKind
from pos_app.host.paths import Paths
from pos_app.ui.launch import application
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.reports_screen import ReportsScreen
from pos_app.ui.session import RegisterSession
from tests.reports.sample import sample_report

SALES = [
    (["Burger", "Fries", "Lemonade"], "Ada Card"),
    (["Coffee"], "cash"),
    (["Burger", "Burger"], "card"),
    (["Fries", "Lemonade"], "Gia Tips-fifteen"),
    (["Coffee", "Coffee"], "cash"),
    (["Cheeseburger", "Onion rings"], "Ben Discount"),
    (["Chicken sandwich", "Salad"], "card"),
    (["Veggie wrap", "Coffee"], "Hal Tips-a-dollar"),
    (["Cheeseburger"], "cash"),
]


def main() -> None:
    application()
    with tempfile.TemporaryDirectory() as home:
        terminal = open_register(Paths(Path(home) / "data"), {}, key_path=Path(home) / "key")
        session = RegisterSession(terminal)
        window, till = session.window, session.till
        session.start()
        window.resize(*SIZE)
        wait_for(lambda: till.cashier is not None)
        customers = session.customers
        assert customers is not None

        def done_with_receipt() -> None:
            wait_for(lambda: till.record is not None and till.record.state is CheckState.CLOSED)

            def no_receipt() -> bool:  # the LevelUp answer is done with; no receipt
                top = window.dialogs[-1] if window.dialogs else None
                if isinstance(top, LevelUpDialog) and top.state == "answered":
                    top.accept()
                elif isinstance(top, ReceiptDialog):
                    top.reject()
                return top is None

            wait_for(no_receipt)
            wait_for(lambda: not window.dialogs and till.lane.idle)

        if "--sample" not in sys.argv:
            for items, how in SALES:
                for name in items:
                    window.add_item(next(i for i in window.catalog.items if i.name == name))
                    wait_for(lambda: till.lane.idle)
                due = till.record.check.totals.balance_due if till.record else 0
                if how == "cash":
                    till.pay_cash(due)
                elif how == "card":
                    till.pay_other(TenderKind.CREDIT, due)
                else:
                    codes = customers.codes
                    wait_for(lambda: how in codes)  # noqa: B023 - waited for at once
                    customers.scanned.emit(codes[how])
                done_with_receipt()
        screen = ReportsScreen(terminal.reports, session.helpers, window, "Demo Manager (9)")
        window.open_dialog(screen)
        wait_for(lambda: screen.report is not None and not screen.busy)
        if "--sample" in sys.argv:
            screen.show_report(sample_report())
        pause(300)
        shot(window, "reports-screen.png", screen)
        session.close()
        terminal.close()


if __name__ == "__main__":
    main()
