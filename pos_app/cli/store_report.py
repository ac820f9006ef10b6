"""``store report x|z``: the X or Z report of a store's registers (or a merchant's every store)
from the store server, with each register's figures, reconciled with LevelUp once per location.

It reads the server and LevelUp only, so it runs beside an open register window. The Z report
is the registers' own Z reports of the day combined; it closes no register's day.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, http_url
from pos_app.reports import ReportKind

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.engine.ports import PaymentGateway
    from pos_app.host.settings import Settings


def add_store_report(actions: Subcommands, common: argparse.ArgumentParser) -> None:
    report = actions.add_parser(
        "report",
        parents=[common],
        help="the X or Z report of every register of this store (or of the merchant)",
        description="The register report's figures over every register of a location, from "
        "the store server, then each register's; the day's LevelUp orders of the location "
        "matched once with every register's payments.",
    )
    kinds = report.add_subparsers(title="reports", metavar="KIND", required=True)
    helps = {
        ReportKind.X: "the day so far, counted from what the registers shipped",
        ReportKind.Z: "the registers' Z reports of the day, combined (closes nothing)",
    }
    for kind, words in helps.items():
        parser = kinds.add_parser(kind.value, parents=[common], help=words)
        parser.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="the business day")
        parser.add_argument(
            "--format", choices=("text", "json", "csv", "pdf"), default="text", dest="fmt"
        )
        parser.add_argument("--output", type=Path, metavar="FILE", help="write it to FILE")
        whose = parser.add_mutually_exclusive_group()
        whose.add_argument("--location", type=int, metavar="ID", help="this LevelUp location")
        whose.add_argument("--merchant", type=int, metavar="ID", help="every location of it")
        parser.add_argument(
            "--sandbox-url", type=http_url, help="ask this sandbox for the orders instead"
        )
        parser.set_defaults(command=Command(f"store report {kind.value}", partial(_report, kind)))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _report(
    kind: ReportKind,
    args: argparse.Namespace,
    environ: Mapping[str, str],
    out: TextIO,
    err: TextIO,
) -> int:
    from pos_app.app.reports import ReportError
    from pos_app.app.store_reports import StoreReportDesk, render_store, save_store_report
    from pos_app.host.secrets import open_secret_store
    from pos_app.host.settings import load_settings
    from pos_app.store.connect import configured_store

    paths = data_paths(args, environ)
    config = load_settings(paths, environ)
    location = args.location if args.merchant is None else None
    if location is None and args.merchant is None:
        location = config.levelup.location_id
        if location is None:
            raise CommandError("Which store? Give --location ID (or --merchant ID).")
    if args.fmt == "pdf" and args.output is None:
        raise CommandError("A PDF goes to a file: add --output FILE.", status=ExitCode.USAGE)
    database = configured_store(config, open_secret_store(paths.data_dir))
    try:
        with _levelup(args, environ, config) as gateway:
            report = StoreReportDesk(database, gateway).report(
                kind, args.date, location_id=location, merchant_id=args.merchant
            )
    finally:
        database.dispose()
    if args.output is None:
        out.write(render_store(report, args.fmt).decode())
        return ExitCode.OK
    try:
        save_store_report(report, args.output, args.fmt)
    except ReportError as error:
        raise CommandError(str(error)) from None
    day = f"{report.total.business_date:%Y-%m-%d}"
    print(f"The store's {report.total.title} of {day} written to {args.output}.", file=err)
    return ExitCode.OK


@contextmanager
def _levelup(
    args: argparse.Namespace, environ: Mapping[str, str], config: Settings
) -> Iterator[PaymentGateway | None]:
    """LevelUp with this register's merchant token; None (not reconciled) when it has none
    or runs an embedded sandbox."""
    from pydantic import SecretStr

    from pos_app.host.logs import register_secret
    from pos_app.host.secrets import MERCHANT_TOKEN, open_secret_store
    from pos_app.host.settings import EMBEDDED
    from pos_app.levelup.client import ClientConfig, LevelUpClient

    url = args.sandbox_url or config.levelup.base_url
    token = open_secret_store(data_paths(args, environ).data_dir).get(MERCHANT_TOKEN)
    if url == EMBEDDED or token is None:
        yield None
        return
    register_secret(token)  # masked in every log line
    with LevelUpClient(ClientConfig(base_url=url, merchant_token=SecretStr(token))) as client:
        yield client
