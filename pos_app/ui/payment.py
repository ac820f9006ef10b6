"""Pay with LevelUp: how much (all that is due, an amount, or a share of an even split), the
scan prompt, progress while LevelUp answers, the outcome, and who paid once LevelUp says.

Cancel works until the completed order is sent (the engine asks just before sending it);
from then on the customer may be charged, so Cancel is disabled and the dialog waits for the
answer. A partial approval says exactly what to collect and leads straight into the next
tender (:attr:`LevelUpDialog.collect`). A payment of part of the check leaves the dialog
ready for the next customer's scan, with the next share filled in. A customer may pay by email
instead (:mod:`~pos_app.ui.email_pay`): once they accept in LevelUp, the payment is a scan's.
"""

from __future__ import annotations

from pos_app.domain import TenderKind, TenderStatus, format_cents
from pos_app.engine import CheckRecord, PaymentProblem, RemainderDue
from pos_app.levelup import CustomerToken
from pos_app.ui.email_pay import SCAN_NOT_USED, EmailAsker, EmailEntry, EmailPaying
from pos_app.ui.problems import problem_of
from pos_app.ui.qt import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    Qt,
    QWidget,
    Signal,
)
from pos_app.ui.split import PartAmount
from pos_app.ui.till import Till
from pos_app.ui.widgets import button, dialog_layout, label, restyle


def partial_words(remainder: RemainderDue) -> str:
    """What a partial approval did, in the cashier's words: what LevelUp paid of what was
    asked, the discount it took (which is not a payment), and what is left to collect."""
    paid, asked = format_cents(remainder.paid), format_cents(remainder.asked)
    left = format_cents(remainder.remainder)
    if remainder.discount:
        took = f"LevelUp took a {format_cents(remainder.discount)} discount off the check and "
        return f"{took}paid {paid} of the {asked} left. Collect {left} with another tender."
    return f"LevelUp paid {paid} of {asked}. Collect {left} with another tender."


class LevelUpDialog(EmailPaying, QDialog):
    """LevelUp payments of what the check owes, one customer's scan at a time."""

    collect = Signal(object)  # TenderKind: take the rest with this tender
    finished_payment = Signal()

    def __init__(self, till: Till, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pay with LevelUp")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._till = till
        self._check_id = till.check_id
        self._problems: dict[str, PaymentProblem] = {}
        self._remainders: dict[str, RemainderDue] = {}
        self._unknown: str | None = None
        """The tender whose outcome is not known yet, while this dialog says so."""
        self._approved_tender: str | None = None
        """The last payment approved here: who paid is shown when LevelUp says."""
        self.state = "scan"
        # Connected to this dialog's methods: Qt drops the connections when it is deleted.
        till.bridge.check_updated.connect(self._progress)
        till.bridge.payment_problem.connect(self._problem)
        till.bridge.remainder_due.connect(self._remainder)

        layout = dialog_layout(self, width=520)
        self.title = label("Pay with LevelUp", "heading")
        self.due = label("", "due")
        self.prompt = label("Ask the customer to scan their LevelUp code.", "problem")
        layout.addWidget(self.title)
        layout.addWidget(self.due)
        layout.addWidget(self.prompt)
        self.part_amount = PartAmount(self._due)
        layout.addWidget(self.part_amount)

        self.manual = QWidget()
        manual = QHBoxLayout(self.manual)
        manual.setContentsMargins(0, 0, 0, 0)
        self.code = QLineEdit()
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setPlaceholderText("Or key in the code (LU…LU)")
        self.code.returnPressed.connect(self._keyed)
        keyed = button("Pay", "levelup")
        keyed.clicked.connect(self._keyed)
        manual.addWidget(self.code, 1)
        manual.addWidget(keyed)
        self.entry = EmailEntry(self.code, keyed, self)
        self.asker: EmailAsker | None = None
        self._asked: tuple[str, int | None] = ("", None)
        """The email asked (while the customer decides, and for a try again), and the amount."""
        if till.email_payments is not None:
            manual.addWidget(self.entry.switch)
            self.asker = EmailAsker(till.email_payments, self)
            self.asker.waiting.connect(self._waiting)
            self.asker.accepted.connect(self._accepted)
            self.asker.refused.connect(self._not_asked)
        layout.addWidget(self.manual)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)

        self.lines = label("", "")
        layout.addWidget(self.lines)
        self.error = label("", "error")
        layout.addWidget(self.error)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setVisible(False)
        layout.addWidget(self.detail)

        self.tenders = QWidget()
        tenders = QGridLayout(self.tenders)
        tenders.setContentsMargins(0, 0, 0, 0)
        for column, (text, kind, role) in enumerate(
            (
                ("Cash", TenderKind.CASH, "cash"),
                ("Credit", TenderKind.CREDIT, "card"),
                ("Debit", TenderKind.DEBIT, "card"),
                ("Other", TenderKind.OTHER, "card"),
            )
        ):
            choice = button(text, role)
            choice.clicked.connect(lambda _=False, k=kind: self._collect(k))
            tenders.addWidget(choice, 0, column)
        self.tenders.setVisible(False)
        layout.addWidget(self.tenders)

        row = QHBoxLayout()
        self.details_button = button("Details", "quiet")
        self.details_button.setVisible(False)
        self.details_button.clicked.connect(self._toggle_detail)
        self.retry = button("Try again", "levelup")
        self.retry.setVisible(False)
        self.retry.clicked.connect(self._ask_for_scan)
        self.cancel = button("Cancel", shortcut="Esc")
        self.cancel.clicked.connect(self._cancel)
        self.close_button = button("Done", "primary")
        self.close_button.setVisible(False)
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.details_button)
        row.addStretch()
        row.addWidget(self.retry)
        row.addWidget(self.cancel)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self._ask_for_scan()

    # ----- asking ------------------------------------------------------------------------

    @property
    def waiting_for_scan(self) -> bool:
        return self.state == "scan"

    def _due(self) -> int:
        record = self._till.record
        return record.check.totals.balance_due if record else 0

    def _ask_for_scan(self) -> None:
        self.state = "scan"
        self.due.setText(f"Due {format_cents(self._due())}")
        self.part_amount.fill()
        self.part_amount.setVisible(True)
        self.prompt.setText("Ask the customer to scan their LevelUp code.")
        self.title.setText("Pay with LevelUp")
        restyle(self.title, "heading")
        for widget in (
            self.retry,
            self.close_button,
            self.tenders,
            self.details_button,
            self.detail,
        ):
            widget.setVisible(False)
        self.manual.setVisible(True)
        self.progress.setVisible(False)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.cancel.setEnabled(True)
        self.cancel.setText("Cancel")
        self.lines.setText("")
        self.code.setText(self._asked[0] if self.entry.by_email else "")
        self.code.setFocus()

    def scan(self, label_text: str) -> None:
        """A LevelUp code was scanned while this dialog is on top: it pays what is due when
        the dialog waits for a code, or after a decline or a partial approval (another try,
        or another LevelUp account for the rest); otherwise it is not used, and that is said."""
        if self.state == "scan" or (self.state == "answered" and self._due() > 0):
            self._pay(label_text)
        elif self.state == "asking":
            self.error.setText(SCAN_NOT_USED)
        elif self.state == "paying":
            self.error.setText("LevelUp is still answering: that scan was not used.")
        else:
            self.error.setText("Nothing is due: that scan was not used.")

    def _keyed(self) -> None:
        text = self.code.text().strip()
        if text and self.entry.by_email:
            self._ask(text)
        elif text:
            self._pay(text)

    def _amount(self) -> tuple[bool, int | None]:
        """Whether an amount is chosen, and which (None: all that is due)."""
        choosing = not self.part_amount.isHidden()
        amount = self.part_amount.chosen() if choosing else None
        return not (choosing and amount is None), amount

    def _pay(self, code_text: str) -> None:
        chosen, amount = self._amount()
        if not chosen:
            self.error.setText("That scan was not used: choose the amount first.")
            return
        self._start(code_text, amount)

    def _busy(self, state: str, title: str) -> None:
        """Waiting for LevelUp or the customer: only Cancel and the progress show."""
        self.state = state
        self.error.setText("")
        self.code.clear()
        for widget in (self.manual, self.retry, self.close_button, self.tenders, self.part_amount):
            widget.setVisible(False)
        for widget in (self.details_button, self.detail):
            widget.setVisible(False)
        self.cancel.setVisible(True)
        self.cancel.setEnabled(True)
        self.lines.setText("")
        self.title.setText(title)
        restyle(self.title, "heading")
        self.progress.setVisible(True)

    def _start(self, payer: str | CustomerToken, amount: int | None) -> None:
        self._busy("paying", "Pay with LevelUp")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.prompt.setText("Waiting for LevelUp…")
        self._till.pay_levelup(payer, self._answered, self._refused, amount)

    def _cancel(self) -> None:
        if self.state == "asking" and self.asker is not None:
            self.asker.cancel()
            self.cancel.setEnabled(False)
            self.prompt.setText("Cancelling… (nothing is charged)")
        elif self.state == "paying":
            self._till.cancel_levelup()
            self.cancel.setEnabled(False)
            self.prompt.setText("Cancelling… (LevelUp will charge nothing)")
        else:
            self.reject()

    # ----- progress and outcome ----------------------------------------------------------

    def _progress(self, record: CheckRecord) -> None:
        if record.check_id != self._check_id:
            return
        if self._approved_tender is not None and record.info(self._approved_tender).payer:
            self._show_lines(record, self._approved_tender)  # LevelUp said who paid
        waited = self._unknown
        if self.state == "answered" and waited and not record.tender(waited).status.is_pending:
            self._answered((record, waited))  # the register asked again and LevelUp answered
            return
        if self.state != "paying":
            return
        if any(
            t.kind is TenderKind.LEVELUP and t.status is TenderStatus.COMPLETING
            for t in record.check.tenders
        ):
            self.cancel.setEnabled(False)
            self.prompt.setText("LevelUp is charging the customer… (this cannot be cancelled)")

    def _problem(self, event: PaymentProblem) -> None:
        self._problems[event.tender_id] = event

    def _remainder(self, event: RemainderDue) -> None:
        self._remainders[event.tender_id] = event

    def _refused(self, error: Exception) -> None:
        """The engine would not even start the payment (a bad code, nothing due)."""
        self._ask_for_scan()
        self.error.setText(problem_of(error).message)

    def _answered(self, result: tuple[CheckRecord, str]) -> None:
        record, tender_id = result
        tender = record.tender(tender_id)
        self.state = "answered"
        self._unknown = tender_id if tender.status.is_pending else None
        self.progress.setVisible(False)
        self.manual.setVisible(False)
        self.part_amount.setVisible(False)
        self.cancel.setVisible(False)
        self.close_button.setText("Done")
        status = tender.status
        if status in (TenderStatus.APPROVED, TenderStatus.PARTIALLY_APPROVED):
            self._approved(record, tender_id)
        elif status is TenderStatus.QUEUED:
            due = record.check.totals.balance_due
            self._outcome(
                "Accepted offline",
                "outcome-partial",
                f"LevelUp can't be reached: {format_cents(tender.amount)} will be charged when "
                "it is back.",
            )
            self.due.setText(f"Due {format_cents(due)}" if due else "Paid (offline)")
            self.tenders.setVisible(bool(due))
            self.close_button.setVisible(True)
        elif status is TenderStatus.DECLINED:
            note = record.info(tender_id).note
            self._outcome("Not paid", "outcome-bad", note)
            self._show_detail(tender_id)
            self.retry.setVisible(True)
            self.tenders.setVisible(True)  # or take another tender straight away
            self.close_button.setText("Close")
            self.close_button.setVisible(True)
        else:
            self._outcome(
                "Outcome not known yet",
                "outcome-bad",
                f"{format_cents(tender.shown_amount)} asked, outcome unknown: checking with "
                "LevelUp. The register asks again every few seconds and shows the answer here; "
                "you may close this and serve the next customer meanwhile.",
            )
            self.due.setText(f"{format_cents(tender.shown_amount)} asked")
            self._show_detail(tender_id)
            self.close_button.setVisible(True)
        self.finished_payment.emit()
        self.close_button.setDefault(True)

    def _show_lines(self, record: CheckRecord, tender_id: str) -> None:
        """What the payment brought: who paid (once LevelUp says), discount, gift card, tip."""
        tender = record.tender(tender_id)
        detail = tender.levelup
        info = record.info(tender_id)
        lines = [f"Paid by {info.payer}"] if info.payer else []
        if info.by_email:
            lines.append(f"By email: {info.by_email}")
        if detail and detail.discount_amount:
            lines.append(f"LevelUp discount  −{format_cents(detail.discount_amount)}")
        if detail and detail.gift_card_amount:
            lines.append(f"Gift card  {format_cents(detail.gift_card_amount)}")
        if tender.tip:
            lines.append(f"Tip  {format_cents(tender.tip)}")
        self.lines.setText("\n".join(lines))

    def _approved(self, record: CheckRecord, tender_id: str) -> None:
        tender = record.tender(tender_id)
        self._approved_tender = tender_id
        self._show_lines(record, tender_id)
        remainder = self._remainders.get(tender_id)
        if remainder is not None:
            self._outcome("Partly approved", "outcome-partial", partial_words(remainder))
            self.due.setText(f"Due {format_cents(remainder.remainder)}")
            self.tenders.setVisible(True)
            return
        paid = f"LevelUp paid {format_cents(tender.amount)}."
        self._outcome("Approved", "outcome-ok", paid)
        due = record.check.totals.balance_due
        self.due.setText(f"Due {format_cents(due)}" if due else "Paid in full")
        self.close_button.setVisible(True)
        if due:  # it paid part: the next customer scans for the next share, or another tender
            self.state = "scan"
            self.prompt.setText(f"{paid} Next: the next customer scans, or take another tender.")
            self.part_amount.share_paid()
            for widget in (self.part_amount, self.manual, self.tenders):
                widget.setVisible(True)

    def _outcome(self, title: str, role: str, message: str) -> None:
        self.title.setText(title)
        restyle(self.title, role)
        self.prompt.setText(message)

    def _show_detail(self, tender_id: str) -> None:
        problem = self._problems.get(tender_id)
        if problem and problem.detail:
            self.detail.setPlainText(problem.detail)
            self.details_button.setVisible(True)

    def _toggle_detail(self) -> None:
        self.detail.setVisible(not self.detail.isVisible())

    def _collect(self, kind: TenderKind) -> None:
        self.accept()
        self.collect.emit(kind)

    def reject(self) -> None:
        """Escape or closing the window: never while LevelUp is being asked; a customer asked
        by email is no longer waited for."""
        if self.state == "asking" and self.asker is not None:
            self.asker.cancel()
        if self.state != "paying":
            super().reject()
