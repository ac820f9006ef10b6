"""``report x|z``: the register's X report (the day so far, changes nothing) and Z report
(closes the business day: once per day, with a manager's PIN), as text, JSON, CSV or PDF.

Both reconcile the day with LevelUp's orders when LevelUp can be asked. A Z report needs the
register's data directory to itself (the window closed); an X report beside a running window
reads the journal and asks LevelUp itself.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import (
    Command,
    CommandError,
    ExitCode,
    at_terminal,
    data_paths,
    http_url,
    read_line,
)

if TYPE_CHECKING:
    from pos_app.app.reports import ReportDesk
    from pos_app.app.terminal import Terminal
    from pos_app.cli._common import Subcommands
    from pos_app.levelup.client import LevelUpClient
    from pos_app.reports import Report


def add_report(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report",
        parents=[common],
        help="the X report (the day so far) and the Z report (closes the day)",
        description="A business day of this register: sales, tax, tips, every tender (LevelUp "
        "first), voids and refunds with who approved, offline and unknown payments, by "
        "cashier and by hour, the drawer, and the day's LevelUp orders matched with the "
        "journal.",
    )
    kinds = report.add_subparsers(title="reports", metavar="KIND", required=True)
    x = kinds.add_parser("x", parents=[common], help="the day so far; changes nothing")
    z = kinds.add_parser(
        "z",
        parents=[common],
        help="close the business day (once per day; a manager's PIN)",
        description="Takes the Z report: numbered, once per day, kept as taken; the checks "
        "after it belong to the next day. Needs the register window closed.",
    )
    for parser in (x, z):
        parser.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="the business day")
        parser.add_argument(
            "--format", choices=("text", "json", "csv", "pdf"), default="text", dest="fmt"
        )
        parser.add_argument("--output", type=Path, metavar="FILE", help="write it to FILE")
        parser.add_argument(
            "--sandbox-url", type=http_url, help="ask this sandbox for the orders instead"
        )
    z.add_argument("--manager", metavar="STAFF_ID", help="who approves (their PIN is asked)")
    z.add_argument("--reprint", action="store_true", help="show the day's Z report as it was taken")
    x.set_defaults(command=Command("report x", _x))
    z.set_defaults(command=Command("report z", _z))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _x(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.host.instance import DataDirectoryBusy

    try:
        with _register(args, environ, "levelup-pos report x") as terminal:
            report = terminal.reports.x_report(args.date)
    except DataDirectoryBusy:  # the window is open: read beside it
        with _reader(args, environ) as desk:
            report = desk.x_report(args.date)
    return _emit(report, args, out, err)


def _z(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine import DAY_TARGET, ApprovalAction, EngineError

    if args.reprint:
        with _reader(args, environ, reconciling=False) as desk:
            latest = next(iter(desk.taken()), None)
            day = args.date or (latest.business_date if latest else desk.business_day())
            taken = desk.z_of(day)
        if taken is None:
            raise CommandError(f"No Z report was taken for {day:%Y-%m-%d}.")
        return _emit(taken, args, out, err)
    if not args.manager:
        raise CommandError("A Z report needs a manager: --manager STAFF_ID (the PIN is asked).")
    pin = getpass.getpass("Manager PIN: ") if at_terminal() else read_line()
    with _register(args, environ, "levelup-pos report z") as terminal:
        try:
            approval = terminal.engine.approve(
                None,
                ApprovalAction.CLOSE_DAY,
                DAY_TARGET,
                staff_id=args.manager,
                pin=pin,
                reason="Z report",
            )
            report = terminal.reports.z_report(approval, args.date)
        except EngineError as error:
            raise CommandError(str(error)) from None
    return _emit(report, args, out, err)


@contextmanager
def _register(
    args: argparse.Namespace, environ: Mapping[str, str], what: str
) -> Iterator[Terminal]:
    """The register itself (its data directory's lock, its engine and LevelUp)."""
    from pos_app.app.terminal import Terminal
    from pos_app.host.settings import load_settings

    paths = data_paths(args, environ)
    if not paths.journal_file.exists():
        raise CommandError(f"There is no register in {paths.data_dir}.")
    config = load_settings(paths, environ)
    if args.sandbox_url:
        config.levelup.base_url = args.sandbox_url
    with Terminal(paths, config, what=what) as terminal:
        yield terminal


@contextmanager
def _reader(
    args: argparse.Namespace, environ: Mapping[str, str], *, reconciling: bool = True
) -> Iterator[ReportDesk]:
    """The journal read beside a running register, and LevelUp asked with its token."""
    from contextlib import ExitStack

    from pos_app.app.reports import ReportDesk
    from pos_app.cli._common import reading
    from pos_app.host.settings import load_settings

    config = load_settings(data_paths(args, environ), environ)
    with ExitStack() as stack:
        journal = stack.enter_context(reading(args, environ))
        client = None
        url = args.sandbox_url or config.levelup.base_url
        if reconciling and url != "embedded":
            client = stack.enter_context(_client(args, environ, url))
        yield ReportDesk.of(journal, config, client)


@contextmanager
def _client(
    args: argparse.Namespace, environ: Mapping[str, str], url: str
) -> Iterator[LevelUpClient]:
    from pydantic import SecretStr

    from pos_app.host.secrets import MERCHANT_TOKEN, open_secret_store
    from pos_app.levelup.client import ClientConfig, LevelUpClient

    token = open_secret_store(data_paths(args, environ).data_dir, None).get(MERCHANT_TOKEN)
    if token is None:
        raise CommandError("This register is not signed in to LevelUp (no merchant token).")
    with LevelUpClient(ClientConfig(base_url=url, merchant_token=SecretStr(token))) as client:
        yield client


def _emit(report: Report, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pos_app.app.reports import ReportError, render, save_report

    if args.output is not None:
        try:
            save_report(report, args.output, args.fmt)
        except ReportError as error:
            raise CommandError(str(error)) from None
        day = f"{report.business_date:%Y-%m-%d}"
        print(f"{report.title} of {day} written to {args.output}.", file=err)
    elif args.fmt == "pdf":
        raise CommandError("A PDF goes to a file: add --output FILE.", status=ExitCode.USAGE)
    else:
        out.write(render(report, args.fmt).decode())
    return ExitCode.OK
