"""Take the screenshot of a payment by email from the running app (offscreen): the cashier has
asked a demo customer, and the register waits for them to accept in their LevelUp app.

Run: ``.venv/bin/python docs/screenshots/take_pay_by_email.py`` (writes the PNG next to this
file).
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
from pos_app.host.paths import Paths
from pos_app.ui.launch import application
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.session import RegisterSession


def main() -> None:
    application()
    with tempfile.TemporaryDirectory() as home:
        terminal = open_register(Paths(Path(home) / "data"), {}, key_path=Path(home) / "key")
        terminal.email_payments.timeout = 120
        session = RegisterSession(terminal)
        window, till = session.window, session.till
        session.start()
        window.resize(*SIZE)
        wait_for(lambda: till.cashier is not None)
        for name in ("Burger", "Fries", "Lemonade"):
            window.add_item(next(i for i in window.catalog.items if i.name == name))
            wait_for(lambda: till.lane.idle)
        window.tenders.levelup.click()
        wait_for(lambda: bool(window.dialogs) and isinstance(window.dialogs[-1], LevelUpDialog))
        payment = window.dialogs[-1]
        assert isinstance(payment, LevelUpDialog)
        payment.entry.switch.click()
        payment.code.setText("ada.card@customers.example")
        payment._keyed()
        wait_for(lambda: payment.prompt.text().endswith(" left)"))
        pause(1100)  # the countdown under way, before the demo customer accepts at 2 s
        shot(window, "pay-by-email.png", payment)
        print(payment.prompt.text())
        wait_for(lambda: payment.state == "answered")
        payment.accept()
        session.close()
        terminal.close()


if __name__ == "__main__":
    main()
