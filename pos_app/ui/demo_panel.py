"""The demo register's customers: each button "scans" that customer's LevelUp code, as if
the customer held their phone to the scanner. Their codes come from the sandbox's admin API
and are never shown."""

from __future__ import annotations

from typing import Any

from pos_app.app.sandbox_admin import SandboxAdmin
from pos_app.domain import format_cents
from pos_app.ui.lane import Lane
from pos_app.ui.qt import QScrollArea, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal
from pos_app.ui.widgets import button, label


def demo_customers(sandbox_url: str) -> list[dict[str, Any]]:
    """The sandbox's customers with their payment codes (loopback admin API)."""
    with SandboxAdmin(sandbox_url) as admin:
        return admin.customers()


def describe(customer: dict[str, Any]) -> str:
    """What paying with this customer shows off, in a few short words."""
    parts = []
    if customer.get("discount_amount"):
        parts.append(f"{format_cents(customer['discount_amount'])} credit")
    if customer.get("gift_card_amount"):
        parts.append(f"{format_cents(customer['gift_card_amount'])} gift card")
    if customer.get("tip_percent"):
        parts.append(f"tips {customer['tip_percent']}%")
    if customer.get("tip_amount"):
        parts.append(f"tips {format_cents(customer['tip_amount'])}")
    if customer.get("card_declines"):
        parts.append("card declines")
    elif not customer.get("card"):
        parts.append("no card")
    return " + ".join(parts) or "card pays in full"


class DemoCustomers(QScrollArea):
    """Buttons that scan a demo customer's code."""

    scanned = Signal(str)

    def __init__(self, sandbox_url: str, lane: Lane, parent: QWidget | None = None) -> None:
        """The customers are asked of the sandbox by :meth:`load`."""
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self._layout = QVBoxLayout(inner)
        self._layout.addWidget(
            label(
                "Tap a customer to scan their LevelUp code, as at the counter, or type their "
                "email in Pay with LevelUp → By email…",
                "subtle",
            )
        )
        self._status = label("Loading the sandbox's customers…", "subtle")
        self._layout.addWidget(self._status)
        self._layout.addStretch()
        self.setWidget(inner)
        self.codes: dict[str, str] = {}
        self._url, self._lane = sandbox_url, lane

    def load(self) -> None:
        self._lane.run(lambda: demo_customers(self._url), self._show, self._failed, owner=self)

    def _show(self, customers: list[dict[str, Any]]) -> None:
        self._status.setVisible(False)
        for customer in customers:
            name = customer["name"]
            self.codes[name] = customer["payment_token_data"]
            email = customer.get("email", "")
            choice = button(f"{name}\n{describe(customer)}\n{email}", "customer")
            choice.setMinimumWidth(0)
            choice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            choice.setToolTip(f"{name}: {describe(customer)}; pays by email as {email}")
            choice.setObjectName(f"customer:{name}")
            choice.clicked.connect(lambda _=False, n=name: self.scanned.emit(self.codes[n]))
            self._layout.insertWidget(self._layout.count() - 1, choice)

    def _failed(self, error: Exception) -> None:
        self._status.setText(f"The sandbox's customers could not be loaded ({error}).")
