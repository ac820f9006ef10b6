"""The window's receipts, printer and cash drawer, through the register's receipts desk.

It watches the till: when a payment closes the check on screen, the receipt is offered
(:mod:`pos_app.ui.receipt_dialog`), once any dialog open then (the LevelUp dialog showing its
answer) has closed; a scan made meanwhile means the cashier moved on, so no receipt. A
register with neither a printer nor email asks nothing. When a
command of this window takes cash or gives money back (a void, a refund, a return), the drawer
opens; when money went back, the refund's receipt is offered. History reprints and emails
through here, and the drawer's actions print their slips.

Every desk call runs on the receipts lane: the desk journals, renders pictures and wakes the
printer, none of which the GUI thread may wait for, and the engine lane is not held up by a
preview. The desk's news (its queues, drawer kicks) comes back through :class:`ReceiptBridge`.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from typing import Protocol

from pos_app.app.receipts import ReceiptChoice, ReceiptDesk, ReceiptError, ReceiptStatus
from pos_app.domain import TenderKind, format_cents
from pos_app.engine import CheckRecord, CheckState, DrawerMovement
from pos_app.receipts import ReceiptKind
from pos_app.ui.bridge import ReceiptBridge
from pos_app.ui.lane import Lane
from pos_app.ui.qt import QDialog, QObject, QTimer, QWidget
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.till import Till

log = logging.getLogger(__name__)

REMEMBERED = 2000
"""How many checks' last known state is kept, to tell what a command changed (more than a
busy day's History lists)."""
"""What the desk loads with its first receipt (python-escpos, Pillow, python-barcode)."""
NO_PRINTER = "No receipt printer is set here (printer.url is none)."
NO_EMAIL = "Email is not set up at this register (email.host)."

Tell = Callable[[str, bool], None]
"""``tell(text, bad)``: say something where the cashier is looking."""


class Counter(Protocol):
    """What the receipts need of the window: its till, its dialogs and waiting scans, and a
    line to tell."""

    @property
    def till(self) -> Till: ...
    @property
    def dialogs(self) -> list[QDialog]: ...
    @property
    def pending_scans(self) -> deque[str]: ...
    def say(self, text: str, *, bad: bool = False) -> None: ...
    def open_dialog(self, dialog: QDialog) -> None: ...


class ReceiptFlow(QObject):
    """Receipts offered after payments and refunds, the drawer opened for cash, reprints,
    emails and slips; ``parent``: the widget the dialogs open over (the window)."""

    def __init__(self, desk: ReceiptDesk, window: Counter, parent: QWidget) -> None:
        super().__init__(parent)
        self.desk = desk
        self._window, self._parent, self._till = window, parent, window.till
        self.lane = Lane("receipts", self)
        self.lane.unhandled.connect(self._failed)
        self.events = ReceiptBridge(desk)
        self.events.drawer_done.connect(self._drawer_done)
        self.dialog: ReceiptDialog | None = None
        """The receipt choice on screen, if any."""
        self._shown: CheckRecord | None = None
        self._settled: OrderedDict[str, CheckRecord] = OrderedDict()
        """Each check as the last command (or History) left it: what the next one changes."""
        self._waiting: CheckRecord | None = None
        self._waiting_on: QDialog | None = None
        self._drawer_problem = ""
        self._till.check_changed.connect(self._on_screen)
        self._till.recorded.connect(self._recorded)

    def start(self) -> None:
        """Start the printer's and the email's queues, and show their state."""
        self.lane.run(self._start, self.events.status_changed.emit)

    def _start(self) -> ReceiptStatus:
        self.desk.start()
        return self.desk.status()

    def close(self) -> None:
        self.events.close()
        self.lane.close()

    def retry(self) -> None:
        """Try the waiting receipts now (the status bar was clicked)."""
        self.desk.retry_now()

    def remember(self, records: Iterable[CheckRecord]) -> None:
        """Checks as History shows them: what a refund from there gives back is told from them."""
        for record in records:
            self._keep(record)

    # ----- watching the till ------------------------------------------------------------

    def _on_screen(self, record: CheckRecord | None) -> None:
        before, self._shown = self._shown, record
        if record is None:
            return
        if record.check_id in self._settled:
            self._settled.move_to_end(record.check_id)  # the check on screen is kept
        else:
            self._keep(record)
        if (
            before is not None
            and before.check_id == record.check_id
            and before.state.takes_payments
            and record.state is CheckState.CLOSED
            and record.check.tenders
        ):
            self._paid(record)

    def _recorded(self, record: CheckRecord) -> None:
        before = self._settled.get(record.check_id)
        self._keep(record)
        if before is None:
            return
        taken = {t.tender_id for t in before.check.tenders}
        if any(
            t.kind is TenderKind.CASH and t.status.is_paid and t.tender_id not in taken
            for t in record.check.tenders
        ) or _cash_back(record) > _cash_back(before):
            self.open_drawer_for_cash()
        if _back(record) > _back(before):
            self._refunded(record, before)

    def _keep(self, record: CheckRecord) -> None:
        self._settled[record.check_id] = record
        self._settled.move_to_end(record.check_id)
        while len(self._settled) > REMEMBERED:
            self._settled.popitem(last=False)

    # ----- after a payment --------------------------------------------------------------

    def _paid(self, record: CheckRecord) -> None:
        if not (self.desk.printing or self.desk.emailing):
            return  # no receipt can be had here: nothing to ask
        settings = self.desk.settings.receipts
        default = ReceiptChoice(settings.default)
        if not settings.ask and default is not ReceiptChoice.EMAIL and self._can(default):
            self._after_payment(record, default)
            return
        self._waiting = record
        QTimer.singleShot(0, self._offer_when_free)  # after the drawer opens for its cash

    def _offer_when_free(self, *_: object) -> None:
        record = self._waiting
        if record is None:
            return
        if self._window.pending_scans or self._till.check_id != record.check_id:
            self._waiting = self._waiting_on = None  # the cashier moved on
            self._after_payment(record, ReceiptChoice.NONE)
            return
        if self._window.dialogs:
            top = self._window.dialogs[-1]
            if top is not self._waiting_on:
                self._waiting_on = top
                top.finished.connect(self._offer_when_free)
            return
        self._waiting = self._waiting_on = None
        totals = record.check.totals
        change = totals.change_due
        detail = (
            f"Change {format_cents(change)}"
            if change
            else "Paid " + format_cents(totals.grand_total)
        )
        self._choose(
            record,
            f"Check {record.check.identifier} paid — receipt?",
            detail,
            ReceiptChoice(self.desk.settings.receipts.default),
            lambda choice, address: self._after_payment(record, choice, address),
        )

    def _after_payment(self, record: CheckRecord, choice: ReceiptChoice, address: str = "") -> None:
        cashier = self._cashier()
        self.lane.run(
            lambda: self.desk.after_payment(record, choice, cashier=cashier, address=address),
            lambda told: self._told(record, told),
            self._failed,
        )

    def _told(self, record: CheckRecord, told: str) -> None:
        problem, self._drawer_problem = self._drawer_problem, ""
        if problem:
            self._window.say(f"{problem} {told}", bad=True)
        elif told != "No receipt.":
            self._window.say(f"Check {record.check.identifier}: {told}")

    # ----- after money went back -----------------------------------------------------------

    def _refunded(self, record: CheckRecord, before: CheckRecord) -> None:
        if not self.desk.printing:
            return
        settings = self.desk.settings.receipts
        default = ReceiptChoice.NONE if settings.default == "none" else ReceiptChoice.PRINT
        if not settings.ask:
            if default is ReceiptChoice.PRINT:
                self._gave_back(record, before)
            return
        cash = _cash_back(record) - _cash_back(before)
        dialog = ReceiptDialog(
            f"Check {record.check.identifier}: money given back — receipt?",
            f"Give back {format_cents(cash)} cash" if cash else "",
            default=default,
            cannot_print="",
            cannot_email=None,
            preview=False,
            parent=self._parent,
        )
        dialog.chosen.connect(
            lambda choice, _: (
                self._gave_back(record, before) if choice is ReceiptChoice.PRINT else None
            )
        )
        self._open(dialog)

    def _gave_back(self, record: CheckRecord, before: CheckRecord) -> None:
        cashier = self._cashier()
        self.lane.run(
            lambda: self.desk.gave_back(record, before, cashier=cashier),
            lambda told: self._told(record, told),
            self._failed,
        )

    # ----- from History ---------------------------------------------------------------------

    def reprint(self, record: CheckRecord, tell: Tell, *, owner: QObject | None = None) -> None:
        cashier = self._cashier()
        self.lane.run(
            lambda: self.desk.reprint(record, cashier=cashier),
            lambda told: tell(told, False),
            lambda error: self._failed(error, tell),
            owner=owner,
        )

    def email(self, record: CheckRecord, tell: Tell, *, owner: QObject | None = None) -> None:
        """Ask for the customer's address, then email them the receipt of ``record``."""
        if not self.desk.emailing:
            tell(NO_EMAIL, True)
            return
        cashier = self._cashier()

        def chosen(choice: ReceiptChoice, address: str) -> None:
            if choice is ReceiptChoice.EMAIL:
                self.lane.run(
                    lambda: self.desk.email(record, address, cashier=cashier),
                    lambda told: tell(told, False),
                    lambda error: self._failed(error, tell),
                    owner=owner,
                )

        dialog = self._choose(
            record,
            f"Email the receipt of check {record.check.identifier}",
            "",
            ReceiptChoice.EMAIL,
            chosen,
            none_text="Cancel",
        )
        dialog.print_button.setVisible(False)

    # ----- the drawer -------------------------------------------------------------------

    @property
    def kicks_drawer(self) -> bool:
        """The cash drawer hangs on a receipt printer here, so the register opens it."""
        return self.desk.printing and self.desk.settings.printer.drawer

    def open_drawer_for_cash(self) -> None:
        """Open the drawer for cash taken or given back, when it hangs on a printer."""
        if self.kicks_drawer:
            self._drawer_problem = ""
            self.lane.run(self.desk.open_drawer)

    def drawer_moved(self, movement: DrawerMovement, kind: ReceiptKind, who: str) -> None:
        """A no-sale, pay-in or pay-out was recorded: open the drawer, print its slip."""

        def job() -> str:
            self.desk.open_drawer()
            return self.desk.slip(kind, amount=movement.amount, reason=movement.reason, who=who)

        self._drawer_problem = ""
        self.lane.run(job, None, self._failed)

    def _drawer_done(self, opened: bool, message: str) -> None:
        if opened:
            return
        self._drawer_problem = message
        self._window.say(message, bad=True)
        if self.dialog is not None:
            self.dialog.tell(message)

    # ----- plumbing ---------------------------------------------------------------------

    def _choose(
        self,
        record: CheckRecord,
        heading: str,
        detail: str,
        default: ReceiptChoice,
        then: Callable[[ReceiptChoice, str], None],
        *,
        none_text: str = "No receipt",
    ) -> ReceiptDialog:
        """The receipt choice with ``record``'s preview, made on the lane."""
        dialog = ReceiptDialog(
            heading,
            detail,
            default=default,
            cannot_print="" if self.desk.printing else NO_PRINTER,
            cannot_email="" if self.desk.emailing else NO_EMAIL,
            none_text=none_text,
            parent=self._parent,
        )
        dialog.chosen.connect(then)
        if default is ReceiptChoice.EMAIL and self.desk.emailing:
            dialog.ask_address()
        self._open(dialog)
        cashier = self._cashier()
        self.lane.run(
            lambda: self.desk.preview(record, cashier=cashier),
            dialog.show_preview,
            lambda error: _no_preview(dialog, error),
            owner=dialog,
        )
        return dialog

    def _open(self, dialog: ReceiptDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _: self._closed(dialog))
        self._window.open_dialog(dialog)

    def _closed(self, dialog: ReceiptDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _can(self, choice: ReceiptChoice) -> bool:
        if choice is ReceiptChoice.PRINT:
            return self.desk.printing
        return choice is ReceiptChoice.NONE or self.desk.emailing

    def _cashier(self) -> str:
        cashier = self._till.cashier
        return cashier.name if cashier is not None else ""

    def _failed(self, error: Exception, tell: Tell | None = None) -> None:
        if not isinstance(error, ReceiptError):
            self._till.fail(error)
        elif tell is not None:
            tell(str(error), True)
        else:
            self._window.say(str(error), bad=True)


def _no_preview(dialog: ReceiptDialog, error: Exception) -> None:
    log.warning("The receipt preview could not be made", exc_info=error)
    dialog.preview_failed()


def _cash_back(record: CheckRecord) -> int:
    return sum(t.returned for t in record.check.tenders if t.kind is TenderKind.CASH)


def _back(record: CheckRecord) -> int:
    return sum(t.returned for t in record.check.tenders)
