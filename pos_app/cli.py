"""``levelup-pos``: the terminal's command line.

The bare command is meant to open the cashier window; the subcommands serve technicians and
maintainers. ``--data-dir`` is accepted before or after a subcommand.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from pos_app import __version__
from pos_app.config import HOME_ENV, resolve_paths
from pos_app.domain import DomainError, format_cents, parse_cents
from pos_app.levelup import qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values

Command = Callable[[argparse.Namespace, Mapping[str, str], TextIO, TextIO], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``levelup-pos`` console script; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    command: Command | None = getattr(args, "run", None)
    if command is None:
        print(
            "levelup-pos: the cashier window is not part of this build yet.\n"
            "Available now: " + ", ".join(_COMMANDS) + " (see levelup-pos --help).",
            file=sys.stderr,
        )
        return 0
    return command(args, os.environ, sys.stdout, sys.stderr)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"where settings, journal and logs live (default: ${HOME_ENV}, "
        "else the platform's user data directory)",
    )
    parser = argparse.ArgumentParser(
        prog="levelup-pos",
        description="LevelUp POS: a register that takes LevelUp QR payments.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"levelup-pos {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    paths = commands.add_parser(
        "paths", parents=[common], help="show where settings, journal and logs live"
    )
    paths.set_defaults(run=_paths)

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
    calc.set_defaults(run=_calc)

    code = commands.add_parser(
        "code",
        parents=[common],
        help="check a LevelUp code read from standard input (scan into it)",
        description="Reads one line, says whether it is a LevelUp payment code and what it "
        "carries. The code is never printed in full.",
    )
    code.set_defaults(run=_code)

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
        "--state",
        metavar="FILE",
        type=Path,
        help="keep customers, orders and refunds in FILE across restarts (default: in memory)",
    )
    sandbox.set_defaults(run=_sandbox)
    return parser


def _paths(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    print(f"data directory: {paths.data_dir}", file=out)
    print(f"settings:       {paths.settings_file}", file=out)
    print(f"journal:        {paths.journal_file}", file=out)
    print(f"logs:           {paths.log_dir}", file=out)
    return 0


def _calc(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    try:
        outstanding, tax, exempt, payment = (
            parse_cents(getattr(args, name)) for name in ("outstanding", "tax", "exempt", "payment")
        )
        discount = None if args.discount is None else parse_cents(args.discount)
    except DomainError as exc:
        print(f"levelup-pos calc: {exc}", file=err)
        return 2
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
    return 0


def _code(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        print("levelup-pos code: nothing was read.", file=err)
        return 2
    if not qr.looks_like_payment_code(line):
        print("Not a LevelUp code (a product barcode or other text).", file=out)
        return 1
    try:
        code = qr.parse(line)
    except qr.InvalidPaymentCode as exc:
        print(f"Not a valid LevelUp code: {exc.reason}", file=out)
        return 1
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
    return 0


def _sandbox(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.sandbox import serve  # the server's libraries load only for this command

    try:
        return serve(args.host, args.port, args.state, out)
    except (OSError, ValueError) as exc:
        print(f"levelup-pos sandbox: {exc}", file=err)
        return 1


_COMMANDS = ("paths", "calc", "code", "sandbox")


if __name__ == "__main__":
    sys.exit(main())
