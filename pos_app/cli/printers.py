"""``printers list|test|status``, ``receipts preview|queue`` and ``email password|test``: the
receipt printer, the receipts a register keeps, and the mail server for emailed receipts.

Nothing here needs the register window closed: a test page is sent straight to the printer
(not through the register's queue), and the queue is only read.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, reading, secret_input

if TYPE_CHECKING:
    from drivers.printer import PrinterUrl
    from pos_app.cli._common import Subcommands
    from pos_app.host.settings import Settings
    from pos_app.journal.receipts import EmailJob, PrintJob

SMTP_PASSWORD_ENV = "LEVELUP_POS_SMTP_PASSWORD"  # noqa: S105 - the variable's name


def add_printers(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    printers = commands.add_parser("printers", parents=[common], help="find and test printers")
    actions = printers.add_subparsers(title="printer commands", metavar="ACTION", required=True)
    actions.add_parser(
        "list", parents=[common], help="serial ports, USB printers and printer device files"
    ).set_defaults(command=Command("printers", _list))
    for name, handler, words in (
        ("test", _test, "print a test page (the width ruler, the code page, a cut)"),
        ("status", _status, "ask the printer how it is (paper, cover), printing nothing"),
    ):
        action = actions.add_parser(name, parents=[common], help=words)
        action.add_argument("url", nargs="?", help="a printer URL (default: printer.url)")
        action.set_defaults(command=Command("printers", handler))


def add_receipts(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    receipts = commands.add_parser("receipts", parents=[common], help="receipts of this register")
    actions = receipts.add_subparsers(title="receipt commands", metavar="ACTION", required=True)
    preview = actions.add_parser(
        "preview",
        parents=[common],
        help="a check's receipt as text, or as the PNG the window shows (--output FILE.png)",
    )
    preview.add_argument("check", help="the check number (or its id)")
    preview.add_argument("--output", type=Path, help="write the PNG preview to this file")
    preview.set_defaults(command=Command("receipts", _preview))
    actions.add_parser(
        "queue", parents=[common], help="receipts waiting to print or to be emailed (JSON)"
    ).set_defaults(command=Command("receipts", _queue))


def add_email(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    email = commands.add_parser("email", parents=[common], help="the mail server for receipts")
    actions = email.add_subparsers(title="email commands", metavar="ACTION", required=True)
    actions.add_parser(
        "password",
        parents=[common],
        help=f"keep the SMTP password in the secret store (asked, or ${SMTP_PASSWORD_ENV})",
    ).set_defaults(command=Command("email", _password, files=True))
    test = actions.add_parser("test", parents=[common], help="email a test receipt now")
    test.add_argument("address")
    test.set_defaults(command=Command("email", _email_test))


# ----- printers -----------------------------------------------------------------------------


def _list(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from drivers.printer_discovery import find_printers

    found = find_printers()
    if not found:
        print("No serial port, USB printer or printer device file found.", file=out)
    for candidate in found:
        print(f"{candidate.url:<40} {candidate.description}", file=out)
    for note in found.notes:
        print(note, file=err)
    return ExitCode.OK


def _settings(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    from pos_app.host.settings import load_settings

    return load_settings(data_paths(args, environ), environ)


def _printer(args: argparse.Namespace, settings: Settings) -> PrinterUrl:
    from drivers.printer import PrinterUrlError, parse_printer_url

    text = args.url or settings.printer.url
    try:
        url = parse_printer_url(text)
    except PrinterUrlError as exc:
        raise CommandError(str(exc), status=ExitCode.USAGE) from None
    if url is None:
        raise CommandError(
            "No printer is set (printer.url is none): give a URL, e.g. socket://10.0.0.50:9100.",
            status=ExitCode.USAGE,
        )
    return url


def _test(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from drivers.printer import PrinterUnavailable, send
    from pos_app.receipts import test_page
    from pos_app.receipts.escpos_bytes import to_escpos

    settings = _settings(args, environ)
    url, printer = _printer(args, settings), settings.printer
    page = test_page(url.text, printer.width)
    data = to_escpos(page, codepage=printer.codepage, cut=printer.cut)
    try:
        state = send(url, data, timeout=printer.timeout)
    except PrinterUnavailable as exc:
        print(str(exc), file=err)
        return ExitCode.FAILED
    warning = f" ({state.warning})" if state.warning else ""
    print(f"Test page sent to {url.describe()}{warning}.", file=out)
    return ExitCode.OK


def _status(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from drivers.printer import PrinterUnavailable, query

    settings = _settings(args, environ)
    url = _printer(args, settings)
    try:
        state = query(url, timeout=settings.printer.timeout)
    except PrinterUnavailable as exc:
        print(str(exc), file=err)
        return ExitCode.FAILED
    said = {"online": state.online, "paper": state.paper, "cover_open": state.cover_open}
    print(json.dumps({"printer": url.describe(), **said}), file=out)
    return ExitCode.FAILED if state.problem else ExitCode.OK


# ----- receipts -----------------------------------------------------------------------------


def _preview(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.receipts import check_receipt

    settings = _settings(args, environ)
    with reading(args, environ) as journal:
        record = journal.find(args.check)
    if record is None:
        raise CommandError(f"There is no check {args.check} in the journal.")
    receipt = check_receipt(settings, record, cashier="")
    if args.output is None:
        out.write(receipt.text())
        return ExitCode.OK
    from pos_app.host.files import write_atomically
    from pos_app.receipts.preview import to_png

    write_atomically(args.output, to_png(receipt))
    print(f"Receipt of check {record.check.identifier} written to {args.output}.", file=out)
    return ExitCode.OK


def _queue(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.journal.receipts import ReceiptJobs

    with reading(args, environ) as journal:
        jobs = ReceiptJobs(journal)
        prints = [_job(job) for job in jobs.pending_prints()]
        emails = [_job(job) for job in jobs.pending_emails()]
    json.dump({"printing": prints, "emailing": emails}, out, indent=1)
    out.write("\n")
    return ExitCode.PENDING if prints or emails else ExitCode.OK


def _job(job: PrintJob | EmailJob) -> dict[str, object]:
    """A waiting job as ``receipts queue`` lists it (never the address of an email)."""
    return {
        "job": job.id,
        "check_id": job.check_id,
        "kind": job.kind,
        "queued_at": job.created_at.isoformat(),
        "attempts": job.attempts,
        "problem": job.last_problem,
    }


# ----- email --------------------------------------------------------------------------------


def _password(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.host.secrets import SMTP_PASSWORD, open_secret_store

    settings = _settings(args, environ)
    if not settings.email.user:
        raise CommandError("Set email.user (the SMTP login) first: levelup-pos config set ...")
    password = secret_input("SMTP password: ", environ, SMTP_PASSWORD_ENV)
    open_secret_store(data_paths(args, environ).create().data_dir).set(SMTP_PASSWORD, password)
    print(f"The SMTP password of {settings.email.user} is in the secret store.", file=out)
    return ExitCode.OK


def _email_test(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.host.secrets import SMTP_PASSWORD, open_secret_store
    from pos_app.receipts import test_page
    from pos_app.receipts.mail import (
        EmailFailed,
        check_email,
        mask_email,
        receipt_message,
        send_receipt,
    )

    settings = _settings(args, environ)
    email = settings.email
    if not email.host:
        raise CommandError("Email is not set up: set email.host (and email.user, email.sender).")
    try:
        address = check_email(args.address)
    except ValueError as exc:
        raise CommandError(str(exc), status=ExitCode.USAGE) from None
    password = None
    if email.user:
        password = open_secret_store(data_paths(args, environ).data_dir).get(SMTP_PASSWORD)
    page = test_page(f"email {email.host}:{email.port}", settings.printer.width)
    message = receipt_message(
        page, sender=email.sender or email.user, to=address, png=None, merchant="LevelUp POS"
    )
    try:
        send_receipt(message, email, password)
    except EmailFailed as exc:
        print(str(exc), file=err)
        return ExitCode.FAILED
    print(f"A test receipt was sent to {mask_email(address)}.", file=out)
    return ExitCode.OK
