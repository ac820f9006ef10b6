"""The receipt choice: the receipt's preview and three big buttons, Print, Email and No
receipt, the merchant's default (``receipts.default``) taking Enter. Email asks for the
customer's address here and checks it; the address leaves the dialog only in
:attr:`ReceiptDialog.chosen`, and the field is cleared once it is sent on.

Escape is "No receipt". So is a scan while the dialog waits for a choice: the cashier has
moved on to the next customer, whose scan the window handles once this closes (not while an
address is being typed: then the scan waits for the choice). A receipt not taken is
reprinted or emailed from History.
"""

from __future__ import annotations

import base64

from pos_app.app.receipts import ReceiptChoice
from pos_app.receipts.mail import check_email
from pos_app.ui.qt import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    Qt,
    QWidget,
    Signal,
)
from pos_app.ui.widgets import button, dialog_layout, label

PREVIEW_WIDTH = 384
"""How wide the preview is shown, in pixels (58 mm paper's printed width; 80 mm is scaled)."""
PREVIEW_HEIGHT = 360


class ReceiptDialog(QDialog):
    """Print, email or no receipt; :attr:`chosen` carries the choice once, however the dialog
    closes. ``cannot_print`` / ``cannot_email`` say why a choice is unavailable (``""``: it is
    available); ``cannot_email=None`` offers no email at all (a refund's receipt)."""

    chosen = Signal(object, str)  # ReceiptChoice, the address ("" unless emailed)

    def __init__(
        self,
        heading: str,
        detail: str,
        *,
        default: ReceiptChoice,
        cannot_print: str,
        cannot_email: str | None,
        preview: bool = True,
        none_text: str = "No receipt",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receipt")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.decided = False
        layout = dialog_layout(self, width=PREVIEW_WIDTH + 60)
        layout.addWidget(label(heading, "heading"))
        self.detail = label(detail, "due")
        self.detail.setVisible(bool(detail))
        layout.addWidget(self.detail)
        self.preview = label("Making the receipt…", "preview")
        self.preview.setWordWrap(False)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview_area = QScrollArea()
        self.preview_area.setWidget(self.preview)
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setFixedSize(PREVIEW_WIDTH + 40, PREVIEW_HEIGHT)
        self.preview_area.setVisible(preview)
        layout.addWidget(self.preview_area)
        row = QHBoxLayout()
        self.print_button = self._choice("Print", cannot_print, ReceiptChoice.PRINT, row)
        self.email_button = self._choice("Email", cannot_email or "", ReceiptChoice.EMAIL, row)
        self.email_button.setVisible(cannot_email is not None)
        self.none_button = self._choice(none_text, "", ReceiptChoice.NONE, row)
        layout.addLayout(row)
        self.email_row = QWidget()
        email = QHBoxLayout(self.email_row)
        email.setContentsMargins(0, 0, 0, 0)
        self.address = QLineEdit()
        self.address.setPlaceholderText("The customer's email address")
        self.send = button("Send", "primary")
        self.send.clicked.connect(self._send)
        email.addWidget(self.address, 1)
        email.addWidget(self.send)
        self.email_row.setVisible(False)
        layout.addWidget(self.email_row)
        self.note = label("", "subtle")
        self.note.setVisible(False)
        layout.addWidget(self.note)
        self.error = label("", "error")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = {
            ReceiptChoice.PRINT: self.print_button,
            ReceiptChoice.EMAIL: self.email_button,
            ReceiptChoice.NONE: self.none_button,
        }
        first = buttons[default]
        if not (first.isEnabled() and not first.isHidden()):
            first = self.none_button
        first.setDefault(True)
        first.setFocus()
        self.default_button = first

    def _choice(
        self, text: str, why_not: str, choice: ReceiptChoice, row: QHBoxLayout
    ) -> QPushButton:
        widget = button(text, "receipt", tip=why_not)
        widget.setEnabled(not why_not)
        widget.clicked.connect(lambda: self.take(choice))
        row.addWidget(widget)
        return widget

    @property
    def asking_address(self) -> bool:
        """The address field is open: the cashier is busy with this customer."""
        return not self.email_row.isHidden()

    def gives_way_to_scan(self) -> bool:
        """A scan now means the cashier moved on (see the module's docstring)."""
        return not self.asking_address

    def show_preview(self, png: bytes) -> None:
        """Show the receipt as the printer prints it (``png`` from the desk's preview)."""
        data = base64.b64encode(png).decode("ascii")
        self.preview.setText(f'<img src="data:image/png;base64,{data}" width="{PREVIEW_WIDTH}">')

    def preview_failed(self) -> None:
        self.preview.setText("The preview could not be made.\nThe receipt prints as usual.")

    def tell(self, text: str) -> None:
        """Something the cashier should know meanwhile (the drawer did not open)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def take(self, choice: ReceiptChoice) -> None:
        if choice is ReceiptChoice.EMAIL:
            self.ask_address()
        elif choice is ReceiptChoice.NONE:
            self.reject()
        else:
            self._decide(choice, "")
            self.accept()

    def ask_address(self) -> None:
        self.email_row.setVisible(True)
        self.default_button.setDefault(False)
        self.send.setDefault(True)
        self.default_button = self.send
        self.address.setFocus()

    def _send(self) -> None:
        try:
            address = check_email(self.address.text())
        except ValueError as refused:
            self.error.setText(str(refused))
            self.error.setVisible(True)
            self.address.setFocus()
            return
        self.address.clear()
        self._decide(ReceiptChoice.EMAIL, address)
        self.accept()

    def reject(self) -> None:
        """Escape, No receipt, or the window closing it for a scan."""
        self.address.clear()
        self._decide(ReceiptChoice.NONE, "")
        super().reject()

    def _decide(self, choice: ReceiptChoice, address: str) -> None:
        if not self.decided:
            self.decided = True
            self.chosen.emit(choice, address)
