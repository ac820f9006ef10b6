"""The email queue against a real SMTP server on loopback (aiosmtpd, STARTTLS and a login):
receipts delivered once, tried again while the server is down, failed for good when the
address is refused, and no address in clear anywhere: journal, log or error."""

from __future__ import annotations

import functools
import logging
import time
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from pos_app.app.emailing import EmailNotSetUp, EmailQueue, EmailStatus
from pos_app.engine import EventKind
from pos_app.host.settings import EmailSettings
from pos_app.journal import SqliteJournal
from pos_app.journal.receipts import JobState, ReceiptJobs
from pos_app.receipts.mail import send_receipt
from pos_app.receipts.preview import to_png
from tests.app.test_printing import a_receipt, until
from tests.journal.test_receipt_jobs import journal_bytes, saved_check
from tests.receipts.test_mail import CUSTOMER, PASSWORD, mail_servers

KEY = Fernet.generate_key()
SECRETS = ("ada.lovelace", "lovelace@")

_mail_server = pytest.fixture(name="mail_server")(mail_servers)


class Register:
    """A journal, its receipt jobs and an email queue sending to ``port``."""

    def __init__(self, tmp_path, settings: EmailSettings, trust, password=PASSWORD, **options):
        self.journal = SqliteJournal(tmp_path / "journal.sqlite3", KEY, "3")
        if not self.journal.load("c1"):
            saved_check(self.journal)
        self.jobs = ReceiptJobs(self.journal)
        self.statuses: list[EmailStatus] = []
        self.queue = EmailQueue(
            self.jobs,
            settings,
            lambda: password,
            merchant="Ada's Cafe",
            send=functools.partial(send_receipt, ssl_context=trust),
            retry_after=options.pop("retry_after", 0.05),
            on_change=self.statuses.append,
            **options,
        )
        self.queue.start()

    def close(self) -> None:
        self.queue.close()
        self.journal.close()


@pytest.fixture
def register(tmp_path):
    opened: list[Register] = []

    def open_register(server, **options) -> Register:
        settings = options.pop("settings", None) or server.settings()
        made = Register(tmp_path, settings, server.client_tls, **options)
        opened.append(made)
        return made

    yield open_register
    for made in opened:
        made.close()


def our_log(caplog) -> str:
    """What the register logged (the test's mail server logs every address, as servers do)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("pos_app"))


def assert_no_address_in_clear(*texts: str | bytes) -> None:
    for text in texts:
        lowered = text.lower() if isinstance(text, str) else text.decode("latin-1").lower()
        for secret in SECRETS:
            assert secret not in lowered


def test_a_receipt_is_delivered_once_with_its_text_and_picture(register, mail_server, caplog):
    caplog.set_level(logging.INFO)
    server = mail_server("starttls")
    till = register(server)
    receipt = a_receipt("RECEIPT-1")
    job_id = till.queue.submit(receipt, "  Ada.Lovelace@EXAMPLE.com ")
    [message] = until(server.received)
    assert message["Subject"] == "Your receipt from Ada's Cafe — check 2611230001"
    assert message["To"] == "Ada.Lovelace@example.com"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == receipt.text()
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image.get_content() == to_png(receipt)
    until(lambda: till.jobs.email_job(job_id).state is JobState.SENT)
    kinds = [e["kind"] for e in till.journal.events_of("c1")]
    assert kinds[-2:] == [EventKind.RECEIPT_EMAIL_QUEUED, EventKind.RECEIPT_EMAILED]
    until(lambda: till.queue.status() == EmailStatus(0, ""))
    time.sleep(0.2)
    assert len(server.received()) == 1
    assert server.logins == [True]
    assert "sent to A•••@e•••.com" in our_log(caplog)
    assert_no_address_in_clear(our_log(caplog), journal_bytes(till.journal))


def test_a_server_that_is_down_is_tried_again_until_the_receipt_goes(register, mail_server):
    server = mail_server("starttls", on=False)
    till = register(server)
    job_id = till.queue.submit(a_receipt("RECEIPT-1"), CUSTOMER)
    until(lambda: till.jobs.email_job(job_id).attempts >= 2)
    status = till.queue.status()
    assert status.waiting == 1
    assert "refused the connection" in status.problem
    assert not status.setup
    server.start()
    until(lambda: len(server.received()) == 1)
    until(lambda: till.queue.status() == EmailStatus(0, ""))
    assert till.jobs.email_job(job_id).state is JobState.SENT
    time.sleep(0.2)
    assert len(server.received()) == 1


def test_a_refused_address_fails_at_once_and_is_forgotten(register, mail_server, caplog):
    caplog.set_level(logging.INFO)
    server = mail_server("starttls")
    server.refuse[CUSTOMER] = f"550 5.1.1 <{CUSTOMER}>: Recipient address rejected"
    till = register(server)
    job_id = till.queue.submit(a_receipt("RECEIPT-1"), CUSTOMER)
    until(lambda: till.jobs.email_job(job_id).state is JobState.FAILED)
    failed = till.jobs.email_job(job_id)
    assert failed.attempts == 0
    assert "refused the address a•••@e•••.com" in failed.last_problem
    [event] = [
        e for e in till.journal.events_of("c1") if e["kind"] is EventKind.RECEIPT_EMAIL_FAILED
    ]
    assert event["data"]["reason"] == failed.last_problem
    status = until(lambda: till.queue.status().problem and till.queue.status())
    assert (status.waiting, status.setup) == (0, False)
    with pytest.raises(ValueError, match="erased") as erased:
        till.jobs.address(job_id)
    assert "failed: The mail server" in our_log(caplog)
    assert_no_address_in_clear(
        our_log(caplog), journal_bytes(till.journal), status.problem, str(erased.value)
    )
    assert server.received() == []


def test_a_refused_login_says_to_check_it_and_keeps_the_receipt(register, mail_server):
    server = mail_server("starttls")
    till = register(server, password="not the password")
    job_id = till.queue.submit(a_receipt("RECEIPT-1"), CUSTOMER)
    status = until(lambda: till.queue.status().problem and till.queue.status())
    assert status.setup
    assert "check email.user and the SMTP password" in status.problem
    assert status.waiting == 1
    assert till.jobs.email_job(job_id).state is JobState.QUEUED
    assert "not the password" not in status.problem


def test_a_receipt_that_cannot_go_in_time_is_given_up_and_forgotten(register, mail_server):
    server = mail_server("starttls", on=False)
    till = register(server, give_up_after=timedelta(seconds=0.3))
    job_id = till.queue.submit(a_receipt("RECEIPT-1"), CUSTOMER)
    until(lambda: till.jobs.email_job(job_id).state is JobState.FAILED)
    failed = till.jobs.email_job(job_id)
    assert failed.attempts >= 1
    assert failed.last_problem.startswith("Not sent within ")
    assert "refused the connection" in failed.last_problem
    assert_no_address_in_clear(journal_bytes(till.journal))
    with pytest.raises(ValueError, match="erased"):
        till.jobs.address(job_id)


def test_a_receipt_queued_before_a_restart_is_sent_after_it(tmp_path, mail_server):
    server = mail_server("starttls")
    server.stop()
    before = Register(tmp_path, server.settings(), server.client_tls, retry_after=30)
    job_id = before.queue.submit(a_receipt("RECEIPT-1"), CUSTOMER)
    until(lambda: before.jobs.email_job(job_id).attempts >= 1)
    started = time.monotonic()
    before.close()
    assert time.monotonic() - started < 1.0
    server.start()
    after = Register(tmp_path, server.settings(), server.client_tls)
    try:
        until(lambda: len(server.received()) == 1)
        until(lambda: after.jobs.email_job(job_id).state is JobState.SENT)
    finally:
        after.close()


@pytest.mark.parametrize(
    ("settings", "address", "setup", "words"),
    [
        ({"host": ""}, CUSTOMER, True, r"not set up \(set email\.host"),
        ({"sender": "", "user": "shop"}, CUSTOMER, True, r"set email\.sender"),
        ({}, "ada.lovelace@", False, "not an email address"),
        ({}, "ada.lovelace@example", False, "domain"),
    ],
)
def test_what_cannot_be_emailed_is_refused_before_anything_is_journaled(
    register, mail_server, settings, address, setup, words
):
    server = mail_server("starttls")
    till = register(server, settings=server.settings(**settings))
    count = till.journal.event_count()
    with pytest.raises(ValueError, match=words) as refused:
        till.queue.submit(a_receipt("RECEIPT-1"), address)
    assert isinstance(refused.value, EmailNotSetUp) is setup
    assert till.journal.event_count() == count
    assert till.jobs.pending_emails() == []
    assert_no_address_in_clear(str(refused.value))
