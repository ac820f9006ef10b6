"""Take the README's screenshots from the running app (offscreen): the register, the
partial-authorization prompt, a manager's void, a payment whose outcome is not known yet, and
a refunded check.

Run: ``.venv/bin/python docs/screenshots/take.py`` (writes the PNGs next to this file).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
from PySide6.QtCore import QEventLoop, QPoint, QTimer
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QWidget

from pos_app.app.terminal import open_register
from pos_app.engine import ApprovalAction
from pos_app.host.paths import Paths
from pos_app.ui.dialogs import ManagerDialog
from pos_app.ui.launch import application
from pos_app.ui.payment import LevelUpDialog
from pos_app.ui.session import RegisterSession

HERE = Path(__file__).parent
SIZE = (1280, 800)


def wait_for(condition: Callable[[], bool], timeout_ms: int = 20_000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    timer.start(5)
    QTimer.singleShot(timeout_ms, loop.quit)
    if not condition():
        loop.exec()
    timer.stop()
    if not condition():
        raise SystemExit("timed out")


def pause(ms: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shot(window: QWidget, name: str, dialog: QDialog | None = None) -> None:
    """The window, with ``dialog`` drawn over it where a window-modal dialog shows."""
    image: QPixmap = window.grab()
    if dialog is not None:
        top = dialog.grab()
        painter = QPainter(image)
        painter.fillRect(image.rect(), QColor(20, 26, 34, 110))
        corner = QPoint((image.width() - top.width()) // 2, (image.height() - top.height()) // 3)
        painter.fillRect(top.rect().translated(corner + QPoint(4, 6)), QColor(0, 0, 0, 60))
        painter.drawPixmap(corner, top)
        painter.end()
    image.save(str(HERE / name))
    print(f"wrote {HERE / name}")


def main() -> None:
    application()
    with tempfile.TemporaryDirectory() as home:
        terminal = open_register(Paths(Path(home) / "data"), {}, key_path=Path(home) / "key")
        session = RegisterSession(terminal)
        window = session.window
        session.start()
        window.resize(*SIZE)
        wait_for(lambda: session.till.cashier is not None)
        customers = session.customers
        assert customers is not None
        wait_for(lambda: "Cora Giftcard" in customers.codes)

        def add(name: str) -> None:
            window.add_item(next(i for i in window.catalog.items if i.name == name))
            wait_for(lambda: session.till.lane.idle)

        # The register: a check being built, a modifier on the burger.
        add("Burger")
        window.check_view.tree.setCurrentItem(window.check_view.tree.topLevelItem(0))
        window.lines.add_modifier(1, window.catalog.modifiers[0])
        wait_for(lambda: session.till.lane.idle)
        add("Fries")
        add("Lemonade")
        window.check_view.tree.setCurrentItem(None)
        window.say("Added Lemonade.")
        pause()
        shot(window, "register.png")

        # Partial authorization: a $5.00 gift card and no card on file.
        window.tenders.pay_with_levelup()
        payment = window.payment
        assert isinstance(payment, LevelUpDialog)
        customers.scanned.emit(customers.codes["Cora Giftcard"])
        wait_for(lambda: payment.state == "answered")
        pause()
        shot(window, "partial-approval.png", payment)
        payment.close_button.click()
        payment.accept()
        wait_for(lambda: not window.dialogs)

        # A manager voids the LevelUp payment: the PIN prompt after a wrong PIN.
        tree = window.check_view.tree
        rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        tree.setCurrentItem(next(r for r in rows if r and r.text(0).startswith("LevelUp")))
        window.operations.void_selected_payment()
        manager = window.dialogs[-1]
        assert isinstance(manager, ManagerDialog)
        manager.staff_id.setText("9")
        manager.pin.setText("1234")
        manager.ok.click()
        wait_for(lambda: manager.error.text() == "Wrong PIN.")
        manager.pin.setText("99")
        manager.reason.setCurrentText("Wrong item rung up")
        pause()
        shot(window, "manager-void.png", manager)
        manager.reject()
        wait_for(lambda: not window.dialogs)

        # A payment whose answer is lost while LevelUp's order lookups fail.
        admin = httpx.Client(base_url=terminal.levelup_url)
        admin.post(
            "/sandbox/faults",
            json={"path": "/v15/completed_orders", "drop": "after_commit", "times": 1},
        )
        for path in ("/v14/*", "/v15/merchants/*"):
            admin.post("/sandbox/faults", json={"path": path, "status": 503})
        session.till.new_check()
        add("Chicken sandwich")
        add("Iced tea")
        window.tenders.pay_with_levelup()
        payment = window.payment
        assert isinstance(payment, LevelUpDialog)
        customers.scanned.emit(customers.codes["Ada Card"])
        wait_for(lambda: payment.state == "answered")
        pause()
        shot(window, "unknown-payment.png", payment)

        # LevelUp answers again: the register finds the order by itself; then a refund.
        admin.delete("/sandbox/faults")
        session.till.watch.settle()
        wait_for(lambda: payment.title.text() == "Approved")
        payment.accept()
        wait_for(lambda: not window.dialogs)
        record = session.till.record
        assert record is not None
        approval = terminal.engine.approve(
            record.check_id,
            ApprovalAction.VOID_CHECK,
            record.check_id,
            staff_id="9",
            pin="9999",
            reason="Wrong order",
        )
        session.till.void_check(record.check_id, approval)
        wait_for(lambda: "refunded" in window.message.text())
        pause()
        shot(window, "refunded-check.png")
        admin.close()
        session.close()
        terminal.close()


if __name__ == "__main__":
    main()
