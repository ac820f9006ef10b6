"""The Reports screen in the register window, against the register's own report desk and its
embedded sandbox: a manager's PIN to open it, the day's X report with its charts, the Z report
that closes the day (once), past days, open checks and LevelUp mismatches said in red, print
and save, and a window that keeps answering while a report is counted."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QColor

from pos_app.app import DEMO_STAFF
from pos_app.domain import CheckState, TenderKind, format_cents
from pos_app.engine import EventKind
from pos_app.engine.staff import Role
from pos_app.reports import GroupFigures, Report, ReportKind
from pos_app.ui.dialogs import ConfirmDialog, ManagerDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.report_chart import (
    TENDER_COLOURS,
    HourChart,
    TenderChart,
    dollars,
    hour_slots,
    tender_shares,
)
from pos_app.ui.reports_screen import ReportsScreen
from tests.reports.sample import sample_report

[(CASHIER_ID, _, _, CASHIER_PIN)] = [s for s in DEMO_STAFF if s[2] is Role.CASHIER]
[(MANAGER_ID, MANAGER_NAME, _, MANAGER_PIN)] = [s for s in DEMO_STAFF if s[2] is Role.ADMIN]
MANAGER = f"{MANAGER_NAME} ({MANAGER_ID})"


def sell(cashier, name: str = "Burger") -> None:
    """A check of one item, paid by card, its receipt declined."""
    cashier.tap_item(name)
    cashier.till.pay_other(TenderKind.CREDIT, cashier.record.check.totals.balance_due)
    cashier.wait(lambda: cashier.record.state is CheckState.CLOSED)
    if cashier.window.dialogs and isinstance(cashier.window.dialogs[-1], ReceiptDialog):
        cashier.window.dialogs[-1].reject()
    cashier.wait(lambda: not cashier.window.dialogs)


def choose_reports(cashier) -> ManagerDialog:
    [action] = [
        a
        for a in cashier.window.tenders.more_actions.actions()
        if isinstance(a, QAction) and a.text() == "Reports…"
    ]
    action.trigger()
    return cashier.dialog(ManagerDialog)


def open_screen(cashier) -> ReportsScreen:
    """More… → Reports…, the manager's PIN, and the report counted."""
    cashier.enter_pin(choose_reports(cashier), MANAGER_ID, MANAGER_PIN)
    screen = cashier.dialog(ReportsScreen)
    cashier.wait(lambda: screen.report is not None and not screen.busy)
    return screen


def take_z(cashier, screen: ReportsScreen) -> str:
    """Take Z report…, confirmed and approved; what the confirmation said."""
    cashier.click(screen.take_z)
    confirm = cashier.dialog(ConfirmDialog)
    text = confirm.findChildren(type(screen.told))[1].text()
    cashier.click(confirm.ok)
    cashier.enter_pin(cashier.dialog(ManagerDialog), MANAGER_ID, MANAGER_PIN)
    cashier.wait(lambda: not screen.busy and isinstance(cashier.window.dialogs[-1], ReportsScreen))
    return text


def shown(screen: ReportsScreen) -> Report:
    assert screen.report is not None
    return screen.report


def test_only_a_manager_opens_reports_and_sees_the_day_so_far(cashier):
    sell(cashier)
    manager = choose_reports(cashier)
    cashier.enter_pin(manager, CASHIER_ID, CASHIER_PIN)
    cashier.wait(lambda: "manager must approve" in manager.error.text())
    assert not any(isinstance(d, ReportsScreen) for d in cashier.window.dialogs)
    refused = cashier.session.terminal.journal.audit_trail(frozenset({EventKind.APPROVAL_REFUSED}))
    assert [e["data"]["action"] for e in refused] == ["view_reports"]
    cashier.enter_pin(manager, MANAGER_ID, MANAGER_PIN)
    screen = cashier.dialog(ReportsScreen)
    cashier.wait(lambda: screen.report is not None and not screen.busy)
    report = screen.report
    assert report.kind is ReportKind.X
    assert report.business_date == cashier.session.terminal.reports.business_day()
    assert report.checks == 1 and report.taken_by == MANAGER
    assert screen.heading.text().startswith("X report · ")
    assert screen.tiles.values["net"].text() == format_cents(report.net_sales) != "$0.00"
    assert screen.tiles.values["checks"].text() == "1"
    assert MANAGER in screen.subtitle.text() and "day still open" in screen.subtitle.text()
    assert "LevelUp: no orders" in screen.subtitle.text()
    seen = cashier.session.terminal.journal.audit_trail(frozenset({EventKind.APPROVAL}))
    assert [e["data"]["action"] for e in seen] == ["view_reports"]
    assert [s.tender.kind for s in screen.tenders.shares] == [TenderKind.LEVELUP, TenderKind.CREDIT]
    assert [s.percent for s in screen.tenders.shares] == [0, 100]
    assert [g.checks for g in screen.hours.slots if g.checks] == [1]
    assert screen.problems.isHidden()
    assert screen.take_z.isEnabled() and not screen.following.isEnabled()


def test_the_z_report_closes_the_day_once_and_past_days_show_it_as_taken(cashier):
    sell(cashier)
    screen = open_screen(cashier)
    day = screen.day
    assert day is not None
    question = take_z(cashier, screen)
    after = day + timedelta(days=1)
    assert "closes" in question and "once per day" in question
    assert f"{after:%A} {after.day} {after:%B}" in question  # what follows
    z = shown(screen)
    assert z.kind is ReportKind.Z and z.number == 1 and z.business_date == day
    assert z.taken_by == MANAGER and z.checks == 1
    assert screen.heading.text().startswith("Z report #1 · ")
    assert "is closed; new checks belong to" in screen.told.text()
    assert not screen.take_z.isEnabled()  # one per day
    assert screen.today == after == cashier.session.terminal.reports.business_day()
    cashier.click(screen.following)
    cashier.wait(lambda: not screen.busy and screen.day == after)
    assert shown(screen).kind is ReportKind.X and shown(screen).checks == 0
    assert screen.take_z.isEnabled()
    cashier.click(screen.previous)
    cashier.wait(lambda: not screen.busy and screen.day == day)
    assert screen.report == z  # the Z report as it was taken, not counted again
    closed = cashier.session.terminal.journal.audit_trail(frozenset({EventKind.DAY_CLOSED}))
    assert len(closed) == 1


def test_open_checks_are_said_in_red_and_the_z_report_refused_with_why(cashier):
    cashier.tap_item("Fries")  # still being rung up
    number = cashier.record.check.identifier
    screen = open_screen(cashier)
    assert shown(screen).open_checks == (number,)
    assert not screen.problems.isHidden()
    assert f"Still open: check {number}" in screen.problems.text()
    assert screen.problems.property("role") == "error"
    assert screen.take_z.isEnabled()  # said, not blocked here: the desk says why
    take_z(cashier, screen)
    assert "still open" in screen.told.text()
    assert screen.told.property("role") == "error"
    assert shown(screen).kind is ReportKind.X
    assert cashier.session.terminal.reports.taken() == []


def test_mismatches_with_levelup_are_said_in_plain_words_in_red(cashier):
    screen = open_screen(cashier)
    report = sample_report()
    screen.show_report(report)
    lines = screen.problem_lines()
    assert [m.text for m in report.reconciliation.details] == lines[:2]
    assert "outcome is not known yet" in lines[2]
    assert "LevelUp charged $12.40" in screen.problems.text()
    assert screen.problems.property("role") == "error"
    many = replace(report, notes=tuple(f"Note {n}." for n in range(6)))
    screen.show_report(many)
    assert len(screen.problem_lines()) == 8
    shown = screen.problems.text().splitlines()
    assert shown[:4] == [f"⚠ {line}" for line in screen.problem_lines()[:4]]
    assert shown[4] == "⚠ …and 4 more: see LevelUp reconciliation and Notes below."
    details = screen.details.widget()
    assert details is not None
    texts = [w.text() for w in details.findChildren(type(screen.told))]
    assert "Note 5." in texts
    assert "Short" in texts and "-$2.00" in texts  # counted $665.19 of $667.19
    assert "LevelUp reconciliation" in texts
    assert not screen.take_z.isEnabled()  # a Z report on show


def test_print_and_save_the_report(cashier, tmp_path):
    sell(cashier)
    screen = open_screen(cashier)
    cashier.click(screen.print_button)
    cashier.wait(lambda: not screen.busy)
    assert screen.told.text() == "No receipt printer is set for this register."
    assert screen.told.property("role") == "error"
    screen.save_to(tmp_path / "day.pdf", "pdf")
    cashier.wait(lambda: not screen.busy)
    assert (tmp_path / "day.pdf").read_bytes().startswith(b"%PDF")
    assert screen.told.text() == f"Saved {tmp_path / 'day.pdf'}."
    screen.save_to(tmp_path / "day.csv", "csv")
    cashier.wait(lambda: not screen.busy)
    rows = (tmp_path / "day.csv").read_text().splitlines()
    assert (
        f"Sales,Net sales,{format_cents(shown(screen).net_sales)[1:]},{shown(screen).net_sales},,"
        in rows
    )


def test_the_window_answers_while_the_report_is_counted(cashier):
    cashier.fault(path="/v14/locations/*/orders", latency_ms=2500, times=1)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(50)
    cashier.enter_pin(choose_reports(cashier), MANAGER_ID, MANAGER_PIN)
    screen = cashier.dialog(ReportsScreen)
    assert screen.busy and screen.told.text().startswith("Counting today…")
    assert not screen.progress.isHidden() and not screen.print_button.isEnabled()
    started = len(ticks)
    cashier.wait(lambda: screen.report is not None and not screen.busy, timeout=20_000)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks[started:], ticks[started + 1 :], strict=False)]
    assert len(gaps) > 30 and max(gaps) < 0.5  # the GUI thread never waited on LevelUp
    assert screen.progress.isHidden() and screen.print_button.isEnabled()


# ----- the charts ---------------------------------------------------------------------------


def test_hours_stand_on_an_even_time_line():
    sample = sample_report().by_hour
    assert [g.label for g in hour_slots(sample)] == [f"{h:02d}:00" for h in range(7, 20)]
    gappy = [GroupFigures("09:00", 2, 900), GroupFigures("12:00", 1, 450)]
    slots = hour_slots(gappy, least=3)
    assert [(g.label, g.net_sales) for g in slots] == [
        ("09:00", 900),
        ("10:00", 0),
        ("11:00", 0),
        ("12:00", 450),
    ]
    early = hour_slots([GroupFigures("02:00", 1, 1)])
    assert (early[0].label, early[-1].label) == ("00:00", "07:00")
    assert hour_slots([]) == []


def test_the_tender_mix_puts_levelup_first_with_shares_of_the_day():
    shares = tender_shares(sample_report())
    assert [s.tender.kind for s in shares] == [
        TenderKind.LEVELUP,
        TenderKind.CASH,
        TenderKind.CREDIT,
        TenderKind.DEBIT,
    ]
    assert [s.percent for s in shares] == [56, 24, 15, 6]
    empty = Report(ReportKind.X, sample_report().business_date, "1", datetime.now(UTC))
    assert [(s.tender.kind, s.percent) for s in tender_shares(empty)] == [(TenderKind.LEVELUP, 0)]
    assert (dollars(48_900), dollars(49), dollars(150), dollars(-150)) == (
        "$489",
        "$0",
        "$2",
        "-$2",
    )


def colours(widget) -> set[str]:
    image = widget.grab().toImage()
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }


def test_the_charts_draw_their_bars(qtbot):
    report = sample_report()
    hours, tenders = HourChart(), TenderChart()
    for chart in (hours, tenders):
        qtbot.addWidget(chart)
        chart.resize(600, 240)
    hours.show_hours(report.by_hour)
    tenders.show_report(report)
    assert {"#2f6fde", "#174a9c"} <= colours(hours)  # the bars, the busiest hour darker
    assert hours.note == "busiest 12:00"
    drawn = colours(tenders)
    assert {TENDER_COLOURS[k] for k in (TenderKind.LEVELUP, TenderKind.CASH)} <= drawn
    assert TENDER_COLOURS[TenderKind.OTHER] not in drawn  # no such payment on the day
    hours.show_hours([])
    assert "#2f6fde" not in colours(hours)
