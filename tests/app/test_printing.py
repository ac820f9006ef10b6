"""The print queue against a fake network printer on loopback: every receipt printed once and
in order, through a printer that is off, out of paper, open or drops the job; jobs that survive
a crash; the cash drawer opened now or not at all."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet

from pos_app.app.printing import NO_PRINTER_DRAWER, NoPrinter, PrintQueue, QueueStatus
from pos_app.engine import EventKind
from pos_app.host.settings import PrinterSettings
from pos_app.journal import SqliteJournal
from pos_app.journal.receipts import JobState, ReceiptJobs
from pos_app.receipts.document import Receipt, ReceiptKind, Text, Title
from tests.fake_printer import FakePrinter
from tests.journal.test_receipt_jobs import saved_check

AT = datetime(2026, 11, 23, 12, tzinfo=UTC)
KEY = Fernet.generate_key()


def a_receipt(name: str, check_id: str = "c1") -> Receipt:
    """A receipt whose last line, ``name``, tells it apart from every other."""
    blocks = (Title("Ada's Cafe"), Text("Lunch special", "$10.00"), Text("TOTAL", "$10.89"))
    return Receipt(ReceiptKind.SALE, check_id, "2611230001", 48, (*blocks, Text(name)), AT)


def until(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.01)
    raise AssertionError("it did not happen in time")


def copies(printer: FakePrinter, name: str) -> int:
    """How many whole receipts ``name`` the printer printed (its last line printed, cut)."""
    return sum(1 for p in printer.printed() if name in p.lines and p.cuts == 1)


class Register:
    """A journal, its receipt jobs, a print queue on ``printer``, and what the queue told."""

    def __init__(self, tmp_path, printer: FakePrinter | None, **options) -> None:
        self.journal = SqliteJournal(tmp_path / "journal.sqlite3", KEY, "3")
        if not self.journal.load("c1"):
            saved_check(self.journal)
        self.jobs = ReceiptJobs(self.journal)
        self.statuses: list[QueueStatus] = []
        self.drawer: list[tuple[bool, str]] = []
        url = printer.url if printer else "none"
        settings = PrinterSettings(url=url, timeout=0.5, **options.pop("settings", {}))
        self.queue = PrintQueue(
            self.jobs,
            settings,
            retry_after=options.pop("retry_after", 0.05),
            on_change=self.statuses.append,
            on_drawer=lambda opened, message: self.drawer.append((opened, message)),
            **options,
        )
        self.queue.start()

    def close(self) -> None:
        self.queue.close()
        self.journal.close()


@pytest.fixture
def printer():
    fake = FakePrinter()
    yield fake
    fake.stop()


@pytest.fixture
def register(tmp_path, printer):
    opened: list[Register] = []

    def open_register(**options) -> Register:
        made = Register(tmp_path, printer, **options)
        opened.append(made)
        return made

    yield open_register
    for made in opened:
        made.close()


def test_a_receipt_is_journaled_then_printed_once(register, printer):
    till = register()
    job_id = till.queue.submit(a_receipt("RECEIPT-1"))
    until(lambda: copies(printer, "RECEIPT-1") == 1)
    until(lambda: till.jobs.print_job(job_id).state is JobState.PRINTED)
    [printout] = printer.printed()
    assert "Lunch special" in printout.text
    assert printout.drawer_kicks == []
    kinds = [e["kind"] for e in till.journal.events_of("c1")]
    assert kinds[-2:] == [EventKind.RECEIPT_QUEUED, EventKind.RECEIPT_PRINTED]
    until(lambda: till.queue.status() == QueueStatus(0, "", f"printer at {printer.url[9:]}"))
    time.sleep(0.2)
    assert copies(printer, "RECEIPT-1") == 1


def test_a_printer_that_is_off_holds_the_receipt_until_it_is_back(register, printer):
    printer.stop()
    till = register()
    job_id = till.queue.submit(a_receipt("RECEIPT-1"))
    status = until(lambda: till.queue.status().problem and till.queue.status())
    assert status.waiting == 1
    assert status.problem.startswith(f"The printer at {printer.url[9:]} ")
    assert "refused the connection" in status.problem
    until(lambda: till.jobs.print_job(job_id).attempts >= 2)
    printer.start()
    until(lambda: copies(printer, "RECEIPT-1") == 1)
    until(lambda: till.statuses[-1].problem == "" and till.statuses[-1].waiting == 0)
    assert any(s.waiting == 1 and "refused" in s.problem for s in till.statuses)
    time.sleep(0.2)
    assert copies(printer, "RECEIPT-1") == 1


@pytest.mark.parametrize(
    ("trouble", "words"),
    [({"paper": "out"}, "is out of paper."), ({"cover_open": True}, "is open.")],
)
def test_out_of_paper_or_an_open_cover_is_told_and_nothing_prints_meanwhile(
    register, printer, trouble, words
):
    for name, value in trouble.items():
        setattr(printer, name, value)
    till = register()
    till.queue.submit(a_receipt("RECEIPT-1"))
    status = until(lambda: till.queue.status().problem and till.queue.status())
    assert status.problem.endswith(words)
    assert f"printer at {printer.url[9:]}" in status.problem
    assert printer.printed() == []
    printer.paper, printer.cover_open = "ok", False
    till.queue.retry_now()
    until(lambda: copies(printer, "RECEIPT-1") == 1)
    until(lambda: till.queue.status().problem == "")


def test_low_paper_prints_and_says_so(register, printer):
    printer.paper = "low"
    till = register()
    till.queue.submit(a_receipt("RECEIPT-1"))
    until(lambda: copies(printer, "RECEIPT-1") == 1)
    until(lambda: till.queue.status().problem.endswith("is low on paper."))


def test_a_job_dropped_midway_is_printed_again_whole(register, printer):
    printer.drop_after = 40
    till = register()
    job_id = till.queue.submit(a_receipt("RECEIPT-1"))
    until(lambda: till.jobs.print_job(job_id).attempts >= 1)
    problem = till.jobs.print_job(job_id).last_problem
    assert problem.startswith(f"The printer at {printer.url[9:]}")
    assert "connection" in problem
    printer.drop_after = None
    until(lambda: copies(printer, "RECEIPT-1") == 1)
    whole = [p for p in printer.printed() if "RECEIPT-1" in p.lines]
    assert len(whole) == 1
    assert whole[0].lines[-1].strip() == "RECEIPT-1"
    assert all("RECEIPT-1" not in p.text for p in printer.printed() if p.cuts == 0)


def test_receipts_print_in_the_order_they_came_and_none_overtakes_a_waiting_one(register, printer):
    printer.stop()
    till = register()
    for n in range(1, 4):
        till.queue.submit(a_receipt(f"RECEIPT-{n}"))
    until(lambda: till.queue.status().waiting == 3 and till.queue.status().problem)
    printer.start()
    until(lambda: len([p for p in printer.printed() if p.cuts]) == 3)
    order = [line for p in printer.printed() for line in p.lines if line.startswith("RECEIPT-")]
    assert order == ["RECEIPT-1", "RECEIPT-2", "RECEIPT-3"]


def test_a_cancelled_receipt_is_not_printed(register, printer):
    printer.stop()
    till = register(retry_after=30)
    first = till.queue.submit(a_receipt("RECEIPT-1"))
    till.queue.submit(a_receipt("RECEIPT-2"))

    refusals: list[str] = []

    def cancelled():  # refused while the printer is being tried with it
        try:
            till.queue.cancel(first)
        except ValueError as refused:
            refusals.append(str(refused))
            return False
        return True

    until(cancelled)
    assert all(
        r == f"Receipt job {first} is printing now: it cannot be cancelled." for r in refusals
    )
    printer.start()
    till.queue.retry_now()
    until(lambda: copies(printer, "RECEIPT-2") == 1)
    assert copies(printer, "RECEIPT-1") == 0
    assert till.jobs.print_job(first).state is JobState.CANCELLED


def test_a_receipt_queued_before_a_crash_prints_once_after_it(tmp_path, printer):
    printer.stop()
    before = Register(tmp_path, printer)
    job_id = before.queue.submit(a_receipt("RECEIPT-1"))
    until(lambda: before.jobs.print_job(job_id).attempts >= 1)
    started = time.monotonic()
    before.close()  # mid-retry: the register stops
    assert time.monotonic() - started < 1.0
    printer.start()
    time.sleep(0.2)
    assert printer.printed() == []
    after = Register(tmp_path, printer)
    try:
        until(lambda: copies(printer, "RECEIPT-1") == 1)
        until(lambda: after.jobs.print_job(job_id).state is JobState.PRINTED)
        time.sleep(0.2)
        assert copies(printer, "RECEIPT-1") == 1
    finally:
        after.close()


@pytest.mark.parametrize("pin", [2, 5])
def test_the_drawer_opens_through_the_printer(register, printer, pin):
    till = register(settings={"drawer_pin": pin})
    till.queue.kick_drawer()
    until(lambda: till.drawer)
    assert till.drawer == [(True, "The cash drawer is open.")]
    until(printer.printed)  # the printer records a job once its connection closes
    [kick] = printer.printed()
    assert kick.drawer_kicks == [pin]
    assert kick.text == ""
    assert till.jobs.pending_prints() == []


def test_a_drawer_that_could_not_open_never_springs_open_later(register, printer):
    printer.stop()
    till = register()
    till.queue.kick_drawer()
    until(lambda: till.drawer)
    [(opened, message)] = till.drawer
    assert not opened
    assert "refused the connection" in message
    assert message.endswith("The drawer was not opened: use its key.")
    printer.start()
    till.queue.submit(a_receipt("RECEIPT-1"))
    until(lambda: copies(printer, "RECEIPT-1") == 1)
    time.sleep(0.2)
    assert [p.drawer_kicks for p in printer.printed()] == [[]]
    assert len(till.drawer) == 1


def test_without_a_printer_nothing_is_queued_and_the_drawer_is_opened_by_key(tmp_path):
    till = Register(tmp_path, None)
    try:
        count = till.journal.event_count()
        with pytest.raises(NoPrinter, match=r"printer\.url is none"):
            till.queue.submit(a_receipt("RECEIPT-1"))
        till.queue.kick_drawer()
        assert till.drawer == [(False, NO_PRINTER_DRAWER)]
        assert till.journal.event_count() == count
        assert till.queue.status() == QueueStatus(0, "", "no printer")
    finally:
        till.close()


def test_a_drawer_that_is_not_there_is_not_kicked(register, printer):
    till = register(settings={"drawer": False})
    till.queue.kick_drawer()
    [(opened, message)] = till.drawer
    assert not opened
    assert "printer.drawer is off" in message
    time.sleep(0.1)
    assert printer.printed() == []


def test_what_the_queue_renders_and_sends_can_be_replaced(register, printer):
    sent, rendered = [], []

    def render(receipt, **options):
        rendered.append((receipt.text_lines()[-1].strip(), options))
        return b"BYTES OF " + receipt.text_lines()[-1].strip().encode()

    def send(url, data, *, timeout):
        sent.append((url.text, data, timeout))
        from drivers.printer import PrinterState

        return PrinterState(online=True, paper="ok", cover_open=False)

    till = register(render=render, send=send, settings={"codepage": "CP858", "cut": False})
    bad = till.jobs.queue_print("c1", "sale", "customer", {"version": 99})
    till.queue.submit(a_receipt("RECEIPT-1"))
    until(lambda: sent)
    assert rendered == [("RECEIPT-1", {"codepage": "CP858", "cut": False, "kick_drawer_pin": None})]
    assert sent == [(printer.url, b"BYTES OF RECEIPT-1", 0.5)]
    dropped = till.jobs.print_job(bad.id)
    assert dropped.state is JobState.CANCELLED
    assert "cannot be read back" in dropped.last_problem
    assert printer.printed() == []
