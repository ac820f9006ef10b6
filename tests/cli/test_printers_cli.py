"""``printers``, ``receipts`` and ``email`` as an installer or a manager runs them, against a
fake network printer and an SMTP server on loopback."""

from __future__ import annotations

import io
import json
import sys

import pytest

from pos_app.cli import main
from pos_app.host.paths import Paths
from tests.app.test_receipt_desk import register, sold, waited
from tests.fake_printer import FakePrinter
from tests.receipts.test_mail import MailServer


@pytest.fixture
def run(monkeypatch, capsys):
    """``levelup-pos ARGS`` in this process, with ``env`` added to the environment."""

    def command(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return command


@pytest.fixture
def printer():
    fake = FakePrinter()
    yield fake
    fake.stop()


def test_a_test_page_reaches_the_printer_with_its_ruler_and_cut(run, printer):
    code, out, err = run("printers", "test", printer.url)
    assert code == 0, err
    assert "Test page sent to" in out
    (page,) = waited(printer.printed)
    assert printer.url.removeprefix("socket://") in page.text and page.cuts == 1


def test_a_printer_that_is_off_or_out_of_paper_is_said_plainly(run, printer):
    printer.paper = "out"
    code, _, err = run("printers", "test", printer.url)
    assert code == 1 and "out of paper" in err and "Traceback" not in err
    code, out, _ = run("printers", "status", printer.url)
    assert code == 1 and json.loads(out)["paper"] == "out"
    printer.stop()
    code, _, err = run("printers", "test", printer.url)
    assert code == 1 and "refused" in err
    code, _, err = run("printers", "test", "socket://no spaces")
    assert code == 2 and "printer" in err.lower()


def test_list_never_fails_and_a_missing_printer_setting_is_a_usage_error(run, tmp_path):
    code, _, _ = run("printers", "list")
    assert code == 0
    code, _, err = run("printers", "test", "--data-dir", str(tmp_path / "none"))
    assert code == 2 and "printer.url is none" in err


def test_a_checks_receipt_previewed_as_text_and_png_and_the_queue_listed(run, tmp_path, printer):
    terminal = register(tmp_path, printer__url=printer.url, receipts__merchant="Ada's Cafe")
    try:
        record = sold(terminal)
        printer.stop()  # the receipt waits in the queue
        terminal.receipts.reprint(record, cashier="Cal")
        data = str(Paths(tmp_path / "register").data_dir)
        code, out, _ = run("receipts", "preview", record.check.identifier, "--data-dir", data)
        assert code == 0 and "Ada's Cafe" in out and "Falafel wrap" in out
        png = tmp_path / "receipt.png"
        code, _, _ = run(
            "receipts", "preview", record.check.identifier, "--output", str(png), "--data-dir",
            data,
        )  # fmt: skip
        assert code == 0 and png.read_bytes().startswith(b"\x89PNG")
        code, out, _ = run("receipts", "queue", "--data-dir", data)
        assert code == 4  # something waits
        (job,) = json.loads(out)["printing"]
        assert job["check_id"] == record.check_id
        code, _, err = run("receipts", "preview", "nope", "--data-dir", data)
        assert code == 1 and "no check nope" in err
    finally:
        terminal.close()


def test_email_test_sends_through_the_mail_server_and_masks_the_address(run, tmp_path):
    server = MailServer(tmp_path, security="none")
    server.start()
    try:
        data = tmp_path / "register"
        port = str(server.port)
        env = {
            "LEVELUP_POS_EMAIL_HOST": "127.0.0.1",
            "LEVELUP_POS_EMAIL_PORT": port,
            "LEVELUP_POS_EMAIL_SECURITY": "none",
            "LEVELUP_POS_EMAIL_SENDER": "till@adas.example",
        }
        code, out, err = run("email", "test", "ada@example.com", "--data-dir", str(data), env=env)
        assert code == 0, err
        assert "ada@example.com" not in out and "a•••@e•••.com" in out
        assert len(server.messages) == 1
        code, _, err = run("email", "test", "not an address", "--data-dir", str(data), env=env)
        assert code == 2 and "not an address" not in err
    finally:
        server.stop()


def test_email_test_without_a_mail_server_is_told_what_to_set(run, tmp_path):
    code, _, err = run("email", "test", "ada@example.com", "--data-dir", str(tmp_path))
    assert code == 1 and "email.host" in err
