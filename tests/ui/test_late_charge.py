"""Red team D2 in the window: a payment LevelUp charged late is listed in Needs attention,
and History's Resolve payment offers the manager the choice (keep it while the check owes
it, refund it once it owes nothing)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QLabel

from pos_app.domain import LineItem, TenderStatus
from pos_app.engine import CheckState
from pos_app.engine.outcomes import Lookup
from pos_app.ui.dialogs import ConfirmDialog, ManagerDialog
from pos_app.ui.history import HistoryDialog

SHOTS = os.environ.get("LEVELUP_POS_SHOTS", "")
"""Where to save the dialog's screenshot (docs/screenshots/late-charge.png), when set."""


def charged_late(cashier):
    """The check on screen with a payment presumed not charged, then found charged late (the
    order a normal sale made: what the window does with it is what is tested here)."""
    engine = cashier.till.engine
    sold = engine.open_check()
    sold = engine.edit_check(sold.check_id, lambda c: c.add_item(LineItem("Lunch", 974)))
    sold, paid = engine.pay_levelup(sold.check_id, cashier.code("Ada Card"))
    order = engine._outcomes._gateway.order_details(  # a late order, as LevelUp lists it
        engine.settings.merchant_id, sold.tender(paid).levelup.order_uuid
    )
    cashier.fault(path="/v15/completed_orders", drop="before_commit", times=1)
    record = engine.open_check()
    record = engine.edit_check(record.check_id, lambda c: c.add_item(LineItem("Lunch", 974)))
    record, tender_id = engine.pay_levelup(record.check_id, cashier.code("Ada Card"))
    outcomes = engine._outcomes
    record = outcomes.settle(record, tender_id, Lookup(absent=True))
    assert record.watched
    record = engine._recovery.late.charged(record, tender_id, order)
    return record, tender_id, sold, paid


def test_a_late_charge_is_raised_and_kept_by_a_manager(cashier):
    record, tender_id, _, _ = charged_late(cashier)
    assert record.tender(tender_id).status is TenderStatus.CHARGED_LATE
    assert record.check_id in {r.check_id for r in cashier.till.engine.needing_attention()}
    cashier.click(cashier.window.tenders.history_button)
    history = cashier.dialog(HistoryDialog)
    cashier.wait(lambda: bool(history.records))
    row = next(i for i, r in enumerate(history.records) if r.check_id == record.check_id)
    history.table.selectRow(row)
    assert history.resolve.isEnabled() and history.resolve.text() == "Resolve payment"
    cashier.click(history.resolve)
    confirm = cashier.dialog(ConfirmDialog)
    words = " ".join(label.text() for label in confirm.findChildren(QLabel))
    assert "charged this payment late" in words and "Keep it as this check's payment" in words
    if SHOTS:
        confirm.grab().save(str(Path(SHOTS) / "late-charge.png"))
    cashier.click(confirm.ok)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "9", "9999")
    engine = cashier.till.engine
    cashier.wait(
        lambda: engine.check(record.check_id).tender(tender_id).status is TenderStatus.APPROVED
    )
    assert engine.check(record.check_id).state is CheckState.CLOSED
