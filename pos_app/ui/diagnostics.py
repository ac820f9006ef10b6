"""The maintainer's view: recent problems with their full detail, the journal's figures,
scanner events, versions, a connection check, and a support bundle (redacted) to copy."""

from __future__ import annotations

import json
import platform
import sqlite3
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from pos_app import __version__
from pos_app.host.logs import LOG_FILE, scrub
from pos_app.levelup.diagnosis import check_connection
from pos_app.ui.widgets import button, dialog_layout, label

if TYPE_CHECKING:
    from pos_app.ui.launch import RegisterSession

LOG_LINES_IN_BUNDLE = 200


def versions() -> dict[str, str]:
    return {
        "levelup-pos": __version__,
        "python": sys.version.split()[0],
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def journal_figures(session: RegisterSession) -> dict[str, Any]:
    """Counted on the engine lane (the journal's thread)."""
    terminal = session.terminal
    engine = terminal.engine
    path = terminal.paths.journal_file
    return {
        "file": str(path),
        "size_bytes": path.stat().st_size if path.exists() else 0,
        "events": terminal.journal.event_count(),
        "unsettled_checks": len(terminal.journal.unsettled()),
        "unfinished_payments": {
            status.value: count for status, count in sorted(engine.unfinished().items())
        },
    }


def support_bundle(session: RegisterSession, figures: dict[str, Any]) -> str:
    """What a support desk asks for, as JSON, with every credential and code masked."""
    terminal = session.terminal
    log_file = terminal.paths.log_dir / LOG_FILE
    try:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        tail = []
    bundle = {
        "made_at": datetime.now(UTC).isoformat(),
        "versions": versions(),
        "register": terminal.config.register_.id,
        "settings": terminal.config.model_dump(mode="json", by_alias=True),
        "levelup_url": terminal.levelup_url,
        "health": session.till.watch.health.__dict__,
        "journal": figures,
        "recent_problems": [
            {"at": p.at.isoformat(), "message": p.message, "detail": p.detail}
            for p in session.till.recent_problems
        ],
        "scanner_events": list(session.scanner_log),
        "log_tail": tail[-LOG_LINES_IN_BUNDLE:],
    }
    return scrub(json.dumps(bundle, indent=1, default=str))


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
        about = QPlainTextEdit("\n".join(f"{k}: {v}" for k, v in versions().items()))
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
        session.till.lane.run(lambda: journal_figures(session), self._counted, owner=self)

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
            lambda: check_connection(terminal.client, terminal.config.levelup.location_id),
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
        session.helpers.run(lambda: support_bundle(session, figures), self._copied, owner=self)

    def _copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied.setText(f"Copied ({len(text):,} characters). Paste it into the ticket.")
