"""The Reports screen (More… → Reports…, a manager's PIN): the business day's X report, or its
Z report once taken, as figures and two charts; the Z report taken from here; the report
printed or saved as PDF or CSV. Every report is counted off the GUI thread (the journal, then
LevelUp's orders): the screen says "Counting…" meanwhile and the window keeps answering.

Open checks and disagreements with LevelUp are said in red, in plain words; they block
nothing here (the desk refuses a Z report while checks are open, and says why)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from pos_app.app.receipts import ReceiptError
from pos_app.app.reports import ReportDesk, ReportError
from pos_app.engine import DAY_TARGET, ApprovalAction, ManagerApproval
from pos_app.reports import Report, ReportKind
from pos_app.reports.text import clock, mask_text
from pos_app.ui.dialogs import ConfirmDialog
from pos_app.ui.lane import Lane
from pos_app.ui.operations import ManagerActions
from pos_app.ui.problems import problem_of
from pos_app.ui.qt import QDialog, QFileDialog, QHBoxLayout, QProgressBar, Qt, QVBoxLayout
from pos_app.ui.register import RegisterWindow
from pos_app.ui.report_chart import HourChart, TenderChart
from pos_app.ui.report_figures import FigureList, FigureTiles
from pos_app.ui.widgets import button, label, restyle

T = TypeVar("T")
VIEW_REASONS = ["End of day", "Shift change", "Checking the day so far"]
PROBLEMS_SHOWN = 4
FILE_KINDS = {"pdf": "PDF files (*.pdf)", "csv": "CSV files (*.csv)"}


def open_reports(window: RegisterWindow, desk: ReportDesk, lane: Lane) -> None:
    """Ask a manager's approval to see the reports, then open the screen on today's X report,
    counted on ``lane``."""
    window.operations.approve_then(
        None,
        ApprovalAction.VIEW_REPORTS,
        DAY_TARGET,
        "See this register's reports: the day's sales, tenders, cash and LevelUp "
        "reconciliation, and take the Z report.",
        lambda approval: lane.run(
            lambda: desk.authorize(approval),
            lambda _: window.open_dialog(ReportsScreen(desk, lane, window, approval.manager)),
            lambda error: window.say(str(error), bad=True),
        ),
        reasons=VIEW_REASONS,
    )


def long_date(day: date) -> str:
    """``Wednesday 2 December 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """``Wednesday 2 December``."""
    return f"{day:%A} {day.day} {day:%B}"


class ReportsScreen(QDialog):
    """One business day's report; :attr:`report` is the one on show (None while the first is
    counted)."""

    def __init__(self, desk: ReportDesk, lane: Lane, window: RegisterWindow, manager: str) -> None:
        """``manager``: who approved (``Name (id)``), named on the X reports as taking them."""
        super().__init__(window)
        self.setWindowTitle("Reports")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(min(1220, window.width() - 40), min(760, window.height() - 30))
        self._desk, self._lane, self._window, self._manager = desk, lane, window, manager
        self._operations = ManagerActions(window, self)
        self.report: Report | None = None
        self.day: date | None = None
        """The business day on show (None: today's, before the first report came)."""
        self.today: date | None = None
        self.busy = False
        self._asked = 0
        layout = QVBoxLayout(self)
        layout.addLayout(self._top())
        self.problems = label("", "error")
        self.problems.setVisible(False)
        layout.addWidget(self.problems)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(self._charts(), 3)
        self.details = FigureList()
        self.details.setMinimumWidth(360)
        columns.addWidget(self.details, 2)
        layout.addLayout(columns, 1)
        layout.addLayout(self._buttons())
        self.show_day(None)

    # ----- building -----------------------------------------------------------------------

    def _top(self) -> QVBoxLayout:
        top = QVBoxLayout()
        top.setSpacing(2)
        row = QHBoxLayout()
        self.heading = label("Reports", "heading")
        row.addWidget(self.heading, 1)
        self.previous = button("◀ Previous day", tip="The day before")
        self.previous.clicked.connect(self.previous_day)
        self.following = button("Next day ▶", tip="The day after")
        self.following.clicked.connect(self.next_day)
        self.to_today = button("Today")
        self.to_today.clicked.connect(lambda: self.show_day(None))
        for widget in (self.previous, self.following, self.to_today):
            row.addWidget(widget)
        top.addLayout(row)
        state = QHBoxLayout()
        self.subtitle = label("", "subtle")
        state.addWidget(self.subtitle, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(False)
        state.addWidget(self.progress)
        top.addLayout(state)
        return top

    def _charts(self) -> QVBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(10)
        self.tiles = FigureTiles()
        left.addWidget(self.tiles)
        self.hours = HourChart()
        left.addWidget(self.hours, 1)
        self.tenders = TenderChart()
        left.addWidget(self.tenders)
        return left

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.take_z = button("Take Z report…", "danger", tip="Close the business day")
        self.take_z.clicked.connect(self.ask_z)
        self.print_button = button("Print")
        self.print_button.clicked.connect(self.print_report)
        self.save_pdf = button("Save PDF…")
        self.save_pdf.clicked.connect(lambda: self.save_as("pdf"))
        self.save_csv = button("Save CSV…")
        self.save_csv.clicked.connect(lambda: self.save_as("csv"))
        self.told = label("", "subtle")
        close = button("Close", "primary", shortcut="Esc")
        close.clicked.connect(self.accept)
        for widget in (self.take_z, self.print_button, self.save_pdf, self.save_csv):
            row.addWidget(widget)
        row.addWidget(self.told, 1)
        row.addWidget(close)
        return row

    # ----- days ---------------------------------------------------------------------------

    def show_day(self, day: date | None) -> None:
        """Count and show ``day``'s report (None: the day to close next, which is today's
        unless a day with sales is still open, such as last night's after midnight): its Z
        report when it was taken, else an X report as of now."""
        desk, manager = self._desk, self._manager

        def count() -> tuple[date, Report]:
            today = desk.business_day()
            wanted = day or desk.day_to_close()
            taken = next((r for r in desk.taken() if r.business_date == wanted), None)
            return today, taken or desk.x_report(wanted, taken_by=manager)

        when = "today" if day is None else short_date(day)
        self._work(f"Counting {when}… (the journal, then LevelUp's orders)", count, self._shown)

    def previous_day(self) -> None:
        if self.day is not None:
            self.show_day(self.day - timedelta(days=1))

    def next_day(self) -> None:
        if self.day is not None and self.today is not None and self.day < self.today:
            self.show_day(self.day + timedelta(days=1))

    def _shown(self, counted: tuple[date, Report]) -> None:
        self.today, report = counted
        self.show_report(report)

    # ----- the report ---------------------------------------------------------------------

    def show_report(self, report: Report) -> None:
        """Show ``report``'s figures, charts and problems."""
        self.report, self.day = report, report.business_date
        if self.today is None or self.today < report.business_date:
            self.today = report.business_date
        self.heading.setText(f"{report.title} · {long_date(report.business_date)}")
        taken = "Taken" if report.kind is ReportKind.Z else "As of"
        by = f" by {report.taken_by}" if report.taken_by else ""
        closed = "day closed" if report.kind is ReportKind.Z else "day still open"
        check = report.reconciliation
        matched = ""
        if check.clean:
            orders = "no orders" if not check.orders else f"all {check.orders} orders match"
            matched = f" · LevelUp: {orders}"
        self.subtitle.setText(
            f"Register: {report.register} · {closed} · {taken} {clock(report.taken_at)}{by}"
            + matched
        )
        self.tiles.show_report(report)
        self.hours.show_hours(report.by_hour)
        self.tenders.show_report(report)
        self._show_problems()
        self.details.show_report(report)
        self._enable()

    def problem_lines(self) -> list[str]:
        """What is wrong with the report on show, in plain words (what shows in red)."""
        report = self.report
        if report is None:
            return []
        lines = []
        if report.open_checks:
            lines.append(
                f"Still open: check {', '.join(report.open_checks)}. Finish or void them before "
                "taking the Z report."
            )
        check = report.reconciliation
        if not check.checked:
            lines.append(f"LevelUp's orders were not checked: {check.problem or 'no answer'}")
        lines += [mismatch.text for mismatch in check.details]
        lines += [note for note in report.notes if note not in lines]
        return [mask_text(line) for line in lines]

    def _show_problems(self) -> None:
        """The first :data:`PROBLEMS_SHOWN` problems in red (the charts stay in sight); the
        rest are in the figures' lists."""
        lines = self.problem_lines()
        shown = [f"⚠ {line}" for line in lines[:PROBLEMS_SHOWN]]
        if len(lines) > PROBLEMS_SHOWN:
            more = len(lines) - PROBLEMS_SHOWN
            shown.append(f"⚠ …and {more} more: see LevelUp reconciliation and Notes below.")
        self.problems.setText("\n".join(shown))
        self.problems.setVisible(bool(lines))

    def _enable(self) -> None:
        report, idle = self.report, not self.busy
        day, today = self.day, self.today
        self.previous.setEnabled(idle and day is not None)
        self.following.setEnabled(idle and day is not None and today is not None and day < today)
        self.to_today.setEnabled(idle and (report is None or day != today))
        is_x = report is not None and report.kind is ReportKind.X
        self.take_z.setEnabled(idle and is_x)
        for widget in (self.print_button, self.save_pdf, self.save_csv):
            widget.setEnabled(idle and report is not None)
        self.progress.setVisible(self.busy)

    # ----- the Z report -------------------------------------------------------------------

    def ask_z(self) -> None:
        """Confirm, then a manager's approval of ``CLOSE_DAY``, then take the Z report of the
        day on show."""
        day = self.day
        if day is None or self.report is None or self.report.kind is not ReportKind.X:
            return
        after = day + timedelta(days=1)
        confirm = ConfirmDialog(
            "Take the Z report?",
            f"This closes {short_date(day)} for register {self.report.register}. The Z report is "
            "numbered and kept as it is taken; it is taken once per day and cannot be undone. "
            f"Checks started after it belong to the next business day ({short_date(after)}).",
            "Take Z report",
            self,
        )
        confirm.accepted.connect(lambda: self._approve_z(day))
        self._window.open_dialog(confirm)

    def _approve_z(self, day: date) -> None:
        self._operations.approve_then(
            None,
            ApprovalAction.CLOSE_DAY,
            DAY_TARGET,
            f"Take the Z report of {short_date(day)}: it closes the business day for this "
            "register.",
            lambda approval: self._take_z(day, approval),
            reasons=["End of day"],
        )

    def _take_z(self, day: date, approval: ManagerApproval) -> None:
        desk = self._desk

        def take() -> tuple[date, Report]:
            report = desk.z_report(approval, day)
            return desk.business_day(), report

        def taken(counted: tuple[date, Report]) -> None:
            self._shown(counted)
            self._tell(
                f"{counted[1].title} taken: {short_date(day)} is closed; new checks belong to "
                f"{short_date(counted[0])}.",
                False,
            )

        self._work("Taking the Z report… (LevelUp's orders, then the journal)", take, taken)

    # ----- out ----------------------------------------------------------------------------

    def print_report(self) -> None:
        report = self.report
        if report is not None:
            self._work("Printing…", lambda: self._desk.print_report(report), self._said)

    def save_as(self, fmt: str) -> None:
        """Ask where to save the report on show as ``fmt`` (``pdf`` or ``csv``), then save."""
        report = self.report
        if report is None:
            return
        kind = "z" if report.kind is ReportKind.Z else "x"
        suggested = Path.home() / f"{kind}-report-{report.business_date.isoformat()}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Save the report as {fmt.upper()}", str(suggested), FILE_KINDS[fmt]
        )
        if path:
            self.save_to(Path(path), fmt)

    def save_to(self, path: Path, fmt: str) -> None:
        """Save the report on show to ``path`` as ``fmt`` (off the GUI thread)."""
        report = self.report
        if report is not None:
            self._work(
                f"Saving {path.name}…",
                lambda: self._desk.save(report, path, fmt),
                lambda _: self._said(f"Saved {path}."),
            )

    # ----- work off the GUI thread --------------------------------------------------------

    def _work(self, doing: str, job: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run ``job`` on the lane, saying ``doing`` meanwhile; only the newest job's answer
        is shown (a day asked for and then another)."""
        self._asked += 1
        asked = self._asked
        self.busy = True
        self._tell(doing, False)
        self._enable()

        def finished(callback: Callable[[], None]) -> None:
            if asked == self._asked:
                self.busy = False
                self._tell("", False)
                callback()
                self._enable()

        self._lane.run(
            job,
            lambda value: finished(lambda: done(value)),
            lambda error: finished(lambda: self._failed(error)),
            owner=self,
        )

    def _said(self, text: str) -> None:
        self._tell(text, False)

    def _failed(self, error: Exception) -> None:
        known = isinstance(error, (ReportError, ReceiptError))
        self._tell(str(error) if known else problem_of(error).message, True)

    def _tell(self, text: str, bad: bool) -> None:
        self.told.setText(text)
        restyle(self.told, "error" if bad else "subtle")
