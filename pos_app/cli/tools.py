"""``paths``, ``calc``, ``code``, ``sandbox`` and ``demo``, and the cashier window (the bare
command)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, http_url
from pos_app.domain import DomainError, format_cents, parse_cents
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.engine import CheckRecord


def add_paths(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    paths = commands.add_parser(
        "paths", parents=[common], help="show where settings, journal and logs live"
    )
    paths.set_defaults(command=Command("paths", _paths, as_root=True))


def add_calc(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    calc = commands.add_parser(
        "calc",
        parents=[common],
        help="run LevelUp's proposed-order calculator on amounts in dollars",
        description="Show the spend, tax and exemption amounts LevelUp's calculator gives for "
        "a check, as the register sends them in proposed and completed orders.",
    )
    for name, text in (
        ("outstanding", "what the check still owes, tax included"),
        ("tax", "the tax due on the check"),
        ("exempt", "the total of exempt items (tobacco, gift cards)"),
        ("payment", "what the customer pays with LevelUp"),
    ):
        calc.add_argument(name, help=text)
    calc.add_argument(
        "--discount",
        metavar="AMOUNT",
        help="the LevelUp discount applied: computes the completed order (OUTSTANDING and TAX "
        "then are the check's values after the discount)",
    )
    calc.set_defaults(command=Command("calc", _calc, as_root=True))


def add_code(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    code = commands.add_parser(
        "code",
        parents=[common],
        help="check a LevelUp code read from standard input (scan into it)",
        description="Reads one line, says whether it is a LevelUp payment code and what it "
        "carries. The code is never printed in full.",
    )
    code.set_defaults(command=Command("code", _code, as_root=True))


def add_sandbox(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    sandbox = commands.add_parser(
        "sandbox",
        parents=[common],
        help="run the local LevelUp sandbox server in the foreground",
        description="Serve the LevelUp v15 endpoints a register uses, with demo merchants and "
        "customers, until Ctrl+C. Prints its URL and the demo credentials.",
    )
    sandbox.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    sandbox.add_argument("--port", type=int, default=8765, help="port (default: %(default)s)")
    sandbox.add_argument(
        "--accept-after",
        type=float,
        metavar="SECONDS",
        help="customers accept a request to pay by email by themselves after SECONDS "
        "(default: only through POST /sandbox/permissions_requests/ID/accept)",
    )
    sandbox.add_argument(
        "--state",
        metavar="FILE",
        type=Path,
        help="keep customers, orders and refunds in FILE across restarts (default: in memory)",
    )
    sandbox.set_defaults(command=Command("sandbox", _sandbox, as_root=True))


def add_demo(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="run scripted checkouts through the real engine, journal and LevelUp client",
        description="Ring up and pay N checks with LevelUp customers of every funding profile, "
        "then print a JSON summary as the last line. Exits 0 when every check closed.",
    )
    demo.add_argument("--headless", action="store_true", help="without the cashier window")
    demo.add_argument("--checks", type=int, default=20, help="how many (default: %(default)s)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    demo.add_argument(
        "--sandbox-url",
        type=http_url,
        help="a running LevelUp sandbox (default: one started in this process)",
    )
    demo.set_defaults(command=Command("demo", _demo, files=True))


def _paths(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    paths = data_paths(args, environ)
    print(f"data directory: {paths.data_dir}", file=out)
    print(f"settings:       {paths.settings_file}", file=out)
    print(f"journal:        {paths.journal_file}", file=out)
    print(f"logs:           {paths.log_dir}", file=out)
    return ExitCode.OK


def _calc(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    try:
        outstanding, tax, exempt, payment = (
            parse_cents(getattr(args, name)) for name in ("outstanding", "tax", "exempt", "payment")
        )
        discount = None if args.discount is None else parse_cents(args.discount)
    except DomainError as exc:
        raise CommandError(str(exc), status=ExitCode.USAGE) from None
    if discount is None:
        values = proposed_order_values(outstanding, tax, exempt, payment)
        title = "proposed order"
    else:
        values = completed_order_values(outstanding, tax, exempt, payment, discount)
        title = "completed order"
    print(title, file=out)
    for field in ("spend_amount", "tax_amount", "exemption_amount"):
        cents = getattr(values, field)
        print(f"  {field:<17} {cents:>10}  ({format_cents(cents)})", file=out)
    return ExitCode.OK


def _code(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise CommandError("nothing was read.", status=ExitCode.USAGE)
    if not qr.looks_like_payment_code(line):
        print("Not a LevelUp code (a product barcode or other text).", file=out)
        return ExitCode.FAILED
    try:
        code = qr.parse(line)
    except qr.InvalidPaymentCode as exc:
        print(f"Not a valid LevelUp code: {exc.reason}", file=out)
        return ExitCode.FAILED
    print(f"LevelUp code {code.masked()}", file=out)
    match code.tip:
        case qr.PercentTip(percent):
            print(f"  tip:    {percent}% of the spend", file=out)
        case qr.CentTip(cents):
            print(f"  tip:    {format_cents(cents)}", file=out)
        case None:
            print("  tip:    none (the code carries no preferences)", file=out)
    if code.color is not None:
        print(f"  colour: {code.color}", file=out)
    return ExitCode.OK


def _sandbox(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.sandbox import serve  # the server's libraries load only for this command

    try:
        return serve(args.host, args.port, args.state, out, accept_after=args.accept_after)
    except (OSError, ValueError) as exc:  # the port is taken, the state file unreadable, ...
        raise CommandError(str(exc)) from None


DEMO_SYNC_TIMEOUT = 10.0
"""Seconds the demo waits at its end for the store server to hold every event."""


def _demo(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    if not args.headless:
        raise CommandError(
            "the demo register window is levelup-pos with no command on a data directory that "
            "was never set up (levelup-pos --data-dir /tmp/demo); add --headless for scripted "
            "checkouts.",
            status=ExitCode.USAGE,
        )
    if args.checks < 1:
        raise CommandError("--checks must be at least 1.", status=ExitCode.USAGE)
    from pos_app.app.demo import run_demo
    from pos_app.app.receipts import ReceiptChoice
    from pos_app.app.terminal import Terminal, sign_in_to_sandbox

    paths = data_paths(args, environ)
    config = sign_in_to_sandbox(paths, args.sandbox_url, environ)
    with Terminal(paths, config, what="levelup-pos demo") as terminal:
        desk = terminal.receipts
        desk.start()
        shipper = terminal.shipper
        if shipper is not None:  # ships as it goes, as a register does
            shipper.start()
            terminal.engine.subscribe(lambda _: shipper.wake())
        queued: list[str] = []
        terminal.email_payments.poll_every = 0.02  # the demo's customers answer at once

        def print_receipt(record: CheckRecord) -> None:
            """A receipt for every closed check, as a cashier would print, with a printer."""
            if desk.printing:
                desk.after_payment(record, ReceiptChoice.PRINT, cashier="Demo")
                queued.append(record.check_id)

        summary = run_demo(
            terminal.engine,
            terminal.levelup_url,
            args.checks,
            args.seed,
            progress=lambda line: print(line, file=out, flush=True),
            closed=print_receipt,
            email_payments=terminal.email_payments,
        )
        document = summary.as_json()
        if desk.printing:
            waiting = desk.drain(timeout=config.printer.timeout * 4 + len(queued))
            document["receipts"] = {"printed": len(queued) - waiting, "waiting": waiting}
            if waiting:
                print(
                    f"{waiting} receipts still wait for the printer ({desk.status().printer}); "
                    "they print when the register next runs with the printer on.",
                    file=err,
                )
        if shipper is not None:
            shipped = shipper.sync(DEMO_SYNC_TIMEOUT)
            document["store"] = {"pending": shipped.pending, "up_to_date": shipped.up_to_date}
            if not shipped.up_to_date:
                print(
                    f"The store server does not hold every event yet: {shipped.problem}"
                    " (levelup-pos store sync ships them).",
                    file=err,
                )
    print(json.dumps(document), file=out)
    return ExitCode.OK if summary.all_closed else ExitCode.FAILED


def _gui(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.ui.system_check import startup_problem  # before Qt is imported

    problem = startup_problem(environ)
    if problem is not None:
        logging.getLogger(__name__).error("The register cannot open its window: %s", problem)
        raise CommandError(f"the register cannot open its window: {problem}")
    from pos_app.ui.launch import run_gui

    return run_gui(data_paths(args, environ), environ)


GUI = Command("", _gui, files=True)
"""The bare command: the cashier window (a demo register when the data directory was never
set up)."""
