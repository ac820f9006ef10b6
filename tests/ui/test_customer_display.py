"""The customer-facing display: the check as the customer sees it, live, on a second screen
or a window of its own, and never a payment code or anything about the staff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from shiboken6 import isValid

from pos_app.app import DEMO_STAFF
from pos_app.engine import CheckState
from pos_app.ui.customer_display import CustomerDisplay
from pos_app.ui.dialogs import CashDialog
from pos_app.ui.payment import LevelUpDialog
from tests.ui.conftest import register_window

ROOT = Path(__file__).resolve().parents[2]


def seen(display: CustomerDisplay) -> list[str]:
    """Every text the customer can read on the display."""
    rows = [display.lines.topLevelItem(i) for i in range(display.lines.topLevelItemCount())]
    texts = [f"{row.text(0)} {row.text(1)}" for row in rows if row is not None]
    return texts + [
        label.text() for label in display.findChildren(QLabel) if label.isVisibleTo(display)
    ]


def test_the_display_follows_the_check_from_the_first_item_to_thank_you(qtbot, tmp_path):
    with register_window(qtbot, tmp_path, display__customer="on") as cashier:
        display = cashier.session.display
        assert display is not None
        cashier.wait(display.isVisible)  # one screen: a window of its own
        assert display.prompt.text() == "Welcome"
        assert not display.isActiveWindow()  # the cashier's keys stay with the register
        cashier.tap_item("Burger")
        cashier.tap_item("Fries")
        assert [row.split(" $")[0] for row in seen(display)[:2]] == ["Burger", "Fries"]
        assert display.totals["Total"][1].text() == "$13.55"
        assert display.due.text() == "Due $13.55"
        assert display.prompt.text() == "Scan your LevelUp code"
        cashier.click(cashier.window.tenders.cash)
        cash = cashier.dialog(CashDialog)
        cashier.click(cashier.button(cash, "$20.00"))
        cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
        assert display.prompt.text() == "Thank you! Your change: $6.45"
        assert "Paid with Cash $13.55" in seen(display)
        cashier.click(cashier.window.tenders.new_check)
        assert display.prompt.text() == "Welcome" and display.lines.topLevelItemCount() == 0
    assert not isValid(display) or not display.isVisible()  # closed with the session


def test_a_levelup_payment_shows_no_code_and_nothing_about_the_staff(qtbot, tmp_path):
    with register_window(qtbot, tmp_path, display__customer="on") as cashier:
        display = cashier.session.display
        assert display is not None
        cashier.tap_item("Salad")
        cashier.tap_item("Cookie")
        code = cashier.code("Cora Giftcard")
        cashier.scan_customer("Cora Giftcard")  # $5.00 of gift card: part of the check
        payment = cashier.dialog(LevelUpDialog)
        cashier.wait(lambda: payment.state == "answered")
        due = cashier.record.check.totals.balance_due
        assert "Paid with LevelUp $5.00" in seen(display)
        assert display.due.text() == f"Due ${due / 100:.2f}"
        assert display.prompt.text() == "Scan your LevelUp code"  # another code may pay the rest
        texts = " ".join(seen(display))
        assert code not in texts and code[2:-2] not in texts
        for _, name, _, _ in DEMO_STAFF:
            assert name not in texts
        assert cashier.record.check.identifier not in texts
        assert "approved" not in texts.lower() and "gift card" not in texts.lower()


def test_while_levelup_answers_the_customer_is_asked_to_wait(qtbot, tmp_path):
    with register_window(qtbot, tmp_path, display__customer="on") as cashier:
        display = cashier.session.display
        assert display is not None
        cashier.tap_item("Coffee")
        cashier.fault(path="/v15/completed_orders", latency_ms=1500, times=1)
        cashier.scan_customer("Ada Card")
        payment = cashier.dialog(LevelUpDialog)
        cashier.wait(lambda: display.prompt.text() == "One moment, please…")
        cashier.wait(lambda: payment.state == "answered")
        assert display.prompt.text() == "Thank you!"


def test_without_levelup_the_display_asks_for_no_code(qtbot, tmp_path):
    with register_window(
        qtbot, tmp_path, display__customer="on", levelup__enabled="false"
    ) as cashier:
        display = cashier.session.display
        assert display is not None
        cashier.tap_item("Coffee")
        assert display.due.text() == "Due $2.99"
        assert display.prompt.text() == ""


def test_auto_stays_hidden_with_one_screen_and_off_makes_none(qtbot, tmp_path):
    with register_window(qtbot, tmp_path / "auto", display__customer="auto") as cashier:
        display = cashier.session.display
        assert display is not None
        cashier.tap_item("Coffee")
        assert not display.isVisible()
        assert display.prompt.text() == "Scan your LevelUp code"  # kept up to date all the same
    with register_window(qtbot, tmp_path / "off", display__customer="off") as cashier:
        assert cashier.session.display is None
        assert not cashier.window.findChildren(CustomerDisplay)


def test_keys_and_scans_reach_the_register_while_the_display_shows(qtbot, tmp_path):
    with register_window(qtbot, tmp_path, display__customer="on") as cashier:
        display = cashier.session.display
        assert display is not None
        assert display.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
        cashier.wait(display.isVisible)
        search = cashier.window.menu.search
        search.setFocus()
        cashier.wait(lambda: QApplication.focusWidget() is search)
        cashier.type_slowly("cof")  # the cashier types; the display took none of it
        assert search.text() == "cof"
        search.clear()
        cashier.tap_item("Coffee")
        cashier.type_fast(cashier.code("Ada Card"))  # a wedge scanner reads the customer's code
        payment = cashier.dialog(LevelUpDialog)
        cashier.wait(lambda: payment.state == "answered")
        assert cashier.record.state is CheckState.CLOSED
        assert display.prompt.text() == "Thank you!"


TWO_SCREENS = {
    "screens": [
        {"name": "register", "x": 0, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96},
        {"name": "customer", "x": 1024, "y": 0, "width": 800, "height": 600, "logicalDpi": 96},
    ]
}

ON_TWO_SCREENS = """
import json, os, sys
from pathlib import Path
from pos_app.app.terminal import open_register
from pos_app.host.paths import Paths
from pos_app.ui.launch import application, register_session
from pos_app.ui.qt import QGuiApplication

app = application()
register_screen = [s for s in QGuiApplication.screens() if s.name() == "register"][0]
terminal = open_register(Paths(Path(sys.argv[1])), os.environ, key_path=Path(sys.argv[2]))
session = register_session(terminal)
session.window.setGeometry(register_screen.availableGeometry())
session.start()
for _ in range(50):
    app.processEvents()
display = session.display
print(json.dumps({
    "visible": display.isVisible(),
    "full_screen": display.isFullScreen(),
    "screen": display.screen().name(),
    "register": session.window.screen().name(),
}))
session.close()
terminal.close()
"""


def test_auto_goes_full_screen_on_the_second_screen(tmp_path):
    """With two screens (Qt's offscreen platform, set up with two), ``auto`` puts the display
    on the one the register is not on."""
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps(TWO_SCREENS))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
        "LEVELUP_POS_DISPLAY_CUSTOMER": "auto",
    }
    data, key = tmp_path / "register", tmp_path / "secret.key"
    result = subprocess.run(
        [sys.executable, "-c", ON_TWO_SCREENS, str(data), str(key)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "visible": True,
        "full_screen": True,
        "screen": "customer",
        "register": "register",
    }
