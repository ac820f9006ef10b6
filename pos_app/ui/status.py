"""The status bar: scanner, LevelUp reachability, offline queue, unknown payments and sales
that owe money again (red when there are any), register and cashier."""

from __future__ import annotations

from pos_app.engine.staff import StaffMember
from pos_app.ui.problems import Health
from pos_app.ui.qt import QStatusBar, QWidget
from pos_app.ui.widgets import label, restyle


class RegisterStatus(QStatusBar):
    def __init__(self, register_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.scanner = label("Scanner: keyboard")
        self.levelup = label("LevelUp: checking…", "warn")
        self.queue = label("Queue: 0")
        self.unknown = label("Unknown: 0")
        self.owing = label("")
        self.owing.setToolTip("Sold checks that owe money again: see History, Needs attention")
        self.register = label(f"Register {register_id}")
        self.cashier = label("Not signed in", "warn")
        for widget in (self.scanner, self.levelup, self.queue, self.unknown, self.owing):
            widget.setWordWrap(False)
            self.addWidget(widget)
        for widget in (self.register, self.cashier):
            widget.setWordWrap(False)
            self.addPermanentWidget(widget)

    def show_health(self, health: Health) -> None:
        if health.reachable is None:
            self.levelup.setText("LevelUp: checking…")
            restyle(self.levelup, "warn")
        elif health.reachable:
            self.levelup.setText("LevelUp: online")
            restyle(self.levelup, "ok")
        else:
            self.levelup.setText("LevelUp: OFFLINE")
            restyle(self.levelup, "bad")
        self.queue.setText(f"Queued: {health.queued}")
        restyle(self.queue, "bad" if health.queued else "")
        self.unknown.setText(f"Unknown: {health.unknown}")
        restyle(self.unknown, "bad" if health.unknown else "")
        self.owing.setText(f"Owing: {health.owing}" if health.owing else "")
        self.owing.setVisible(bool(health.owing))
        restyle(self.owing, "bad")

    def show_scanner(self, text: str, role: str = "") -> None:
        self.scanner.setText(f"Scanner: {text}")
        restyle(self.scanner, role)

    def show_cashier(self, member: StaffMember | None) -> None:
        if member is None:
            self.cashier.setText("Not signed in")
            restyle(self.cashier, "warn")
        else:
            self.cashier.setText(member.name)
            restyle(self.cashier, "ok")
