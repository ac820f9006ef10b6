"""The maintainer's view: recent problems with their full detail, the journal's figures,
scanner events, versions, a connection check, and a support bundle (redacted) to copy. What
they say is made without Qt (:mod:`pos_app.app.support`); this dialog shows it."""

from __future__ import annotations

from typing import Any

from pos_app.app.support import check_connection, journal_figures, support_bundle, versions
from pos_app.ui.qt import (
    QDialog,
    QGuiApplication,
    QHBoxLayout,
    QListWidget,
    QPlainTextEdit,
    Qt,
    QTabWidget,
    QWidget,
    binding_versions,
)
from pos_app.ui.session import RegisterSession
from pos_app.ui.widgets import button, dialog_layout, label


def bundle_of(session: RegisterSession, figures: dict[str, Any]) -> str:
    """The session's support bundle (it reads the log: keep it off the GUI thread)."""
    till = session.till
    return support_bundle(
        session.terminal,
        figures,
        health=vars(till.watch.health),
        problems=list(till.recent_problems),
        scanner_events=list(session.scanner_log),
        binding=binding_versions(),
    )


class DiagnosticsDialog(QDialog):
    def __init__(self, session: RegisterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Diagnostics")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(900, 620)
        self._session = session
        self.figures: dict[str, Any] = {}
        layout = dialog_layout(self, resizable=True)
        layout.addWidget(label("Diagnostics", "heading"))
        tabs = QTabWidget()
        layout.addWidget(tabs, 1)

        problems = QWidget()
        problems_layout = QHBoxLayout(problems)
        self.problems = QListWidget()
        self.problem_detail = QPlainTextEdit()
        self.problem_detail.setReadOnly(True)
        for problem in session.till.recent_problems:
            local = problem.at.astimezone().strftime("%H:%M:%S")
            self.problems.addItem(f"{local}  {problem.message}")
        self.problems.currentRowChanged.connect(self._show_problem)
        problems_layout.addWidget(self.problems, 1)
        problems_layout.addWidget(self.problem_detail, 1)
        tabs.addTab(problems, f"Recent problems ({len(session.till.recent_problems)})")

        self.journal = QPlainTextEdit("Counting…")
        self.journal.setReadOnly(True)
        tabs.addTab(self.journal, "Journal")
        scanner = QPlainTextEdit("\n".join(session.scanner_log) or "No scanner events yet.")
        scanner.setReadOnly(True)
        tabs.addTab(scanner, "Scanner")
        self.connection = QPlainTextEdit("Press “Check connection” to test LevelUp step by step.")
        self.connection.setReadOnly(True)
        tabs.addTab(self.connection, "Connection")
        about = QPlainTextEdit(
            "\n".join(f"{k}: {v}" for k, v in versions(binding_versions()).items())
        )
        about.setReadOnly(True)
        tabs.addTab(about, "Versions")
        self.tabs = tabs

        row = QHBoxLayout()
        self.check = button("Check connection")
        self.check.clicked.connect(self._check_connection)
        self.copy = button("Copy support bundle", "primary")
        self.copy.clicked.connect(self._copy_bundle)
        self.copied = label("", "subtle")
        close = button("Close", shortcut="Esc")
        close.clicked.connect(self.accept)
        row.addWidget(self.check)
        row.addWidget(self.copy)
        row.addWidget(self.copied, 1)
        row.addWidget(close)
        layout.addLayout(row)
        terminal = session.terminal
        session.till.lane.run(lambda: journal_figures(terminal), self._counted, owner=self)

    def _show_problem(self, row: int) -> None:
        problems = list(self._session.till.recent_problems)
        if 0 <= row < len(problems):
            problem = problems[row]
            self.problem_detail.setPlainText(
                f"{problem.message}\n\n{problem.detail or '(no further detail)'}"
            )

    def _counted(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        self.journal.setPlainText("\n".join(f"{k}: {v}" for k, v in figures.items()))

    def _check_connection(self) -> None:
        terminal = self._session.terminal
        self.connection.setPlainText("Checking…")
        self.tabs.setCurrentWidget(self.connection)
        self._session.helpers.run(
            lambda: check_connection(terminal),
            lambda steps: self.connection.setPlainText(
                "\n".join(("✔ " if step.ok else "✘ ") + step.text for step in steps)
            ),
            lambda error: self.connection.setPlainText(f"The check itself failed: {error}"),
            owner=self,
        )

    def _copy_bundle(self) -> None:
        """Made off the GUI thread (it reads the log), then put on the clipboard."""
        session, figures = self._session, self.figures
        self.copied.setText("Collecting…")
        session.helpers.run(lambda: bundle_of(session, figures), self._copied, owner=self)

    def _copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied.setText(f"Copied ({len(text):,} characters). Paste it into the ticket.")
