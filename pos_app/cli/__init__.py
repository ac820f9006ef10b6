"""``levelup-pos``: the terminal's command line.

The bare command is meant to open the cashier window; the subcommands serve technicians and
maintainers. ``--data-dir`` is accepted before or after a subcommand.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pos_app import __version__
from pos_app.domain import DomainError, format_cents, parse_cents
from pos_app.host import logs
from pos_app.host.paths import HOME_ENV, resolve_paths
from pos_app.levelup import PRODUCTION_URL, qr
from pos_app.levelup.calculator import completed_order_values, proposed_order_values
from pos_app.levelup.errors import ConfigurationError

if TYPE_CHECKING:
    from pos_app.engine import EventKind as EventKindT
    from pos_app.journal import SqliteJournal as SqliteJournalT
    from pos_app.levelup.client import LevelUpClient

Command = Callable[[argparse.Namespace, Mapping[str, str], TextIO, TextIO], int]


class CommandError(Exception):
    """A command cannot run as asked; the message says why, for the person who typed it."""


@dataclass
class ApiSession:
    client: LevelUpClient
    location: int | None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``levelup-pos`` console script; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    command: Command | None = getattr(args, "run", None)
    verbosity = getattr(args, "verbose", 0)
    logs.configure((logging.ERROR, logging.INFO, logging.DEBUG)[min(verbosity, 2)])
    if command is None:
        command = _gui  # no command: the cashier window
    if command in _WITH_FILES:
        paths = resolve_paths(getattr(args, "data_dir", None), os.environ).create()
        logs.log_to_files(paths.log_dir)
        logs.install_crash_handler(paths.log_dir)
    try:
        return command(args, os.environ, sys.stdout, sys.stderr)
    except BrokenPipeError:  # the reader (``| head``) stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


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
        description="LevelUp POS: a register that takes LevelUp QR payments. With no command, "
        "it opens the cashier window (a demo register when the data directory was never set "
        "up).",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"levelup-pos {__version__}")
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log each LevelUp call (-vv: with bodies, credentials masked)",
    )
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

    api = commands.add_parser(
        "api",
        parents=[common],
        help="check the connection to LevelUp, or look an order up",
        description="Maintainer tools against LevelUp. The merchant token is read from "
        f"${TOKEN_ENV} (or asked for at a terminal), never from the command line.",
    )
    api.add_argument(
        "--url", help=f"LevelUp's address (default: ${URL_ENV}, else {PRODUCTION_URL})"
    )
    api.add_argument("--location", type=int, help=f"location id (default: ${LOCATION_ENV})")
    api.add_argument(
        "--sandbox",
        action="store_true",
        help="start a local LevelUp sandbox and use its demo merchant",
    )
    api_commands = api.add_subparsers(title="api commands", metavar="ACTION", required=True)
    api_commands.add_parser(
        "ping",
        parents=[common],
        help="reach LevelUp, check the token and the location, and say what is wrong",
    ).set_defaults(run=_api_ping)
    order = api_commands.add_parser("order", parents=[common], help="show an order by its uuid")
    order.add_argument("uuid")
    order.set_defaults(run=_api_order)

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
        "--sandbox-url", help="a running LevelUp sandbox (default: one started in this process)"
    )
    demo.set_defaults(run=_demo)

    journal = commands.add_parser("journal", parents=[common], help="read the journal")
    journal_commands = journal.add_subparsers(
        title="journal commands", metavar="ACTION", required=True
    )
    export = journal_commands.add_parser(
        "export", parents=[common], help="every check and tender, to stdout"
    )
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.set_defaults(run=_journal_export)
    journal_commands.add_parser(
        "audit",
        parents=[common],
        help="sign-ins, manager approvals and refusals, voids and refunds, as JSON lines",
    ).set_defaults(run=_journal_audit)
    show = journal_commands.add_parser(
        "show", parents=[common], help="one check with every journaled step"
    )
    show.add_argument("check", help="the check's id or its number (identifier_from_merchant)")
    show.set_defaults(run=_journal_show)
    journal_commands.add_parser(
        "verify",
        parents=[common],
        help="replay every check from its events and compare with the stored state",
        description="Folds every check's events from nothing and compares the result with "
        "the state the journal stored for it. Prints each check that differs, then "
        '{"checks": N, "events": M, "mismatches": K} as its last line; exit 0 only when K is '
        "0, 1 when the journal cannot be read.",
    ).set_defaults(run=_journal_verify)
    journal_commands.add_parser(
        "pending",
        parents=[common],
        help="payments still unfinished or queued offline (exit 4 when there are any)",
        description="Says whether the journal holds payments whose outcome is still to come "
        "(being sent, unknown, refunding) or that wait offline for LevelUp. Installers run it "
        "before an upgrade or removal: exit 0 when there are none (or no journal), 4 when "
        "there are, 1 when the journal cannot be read.",
    ).set_defaults(run=_journal_pending)

    recover = commands.add_parser(
        "recover",
        parents=[common],
        help="settle every payment the journal left unfinished, and say what it found",
    )
    recover.add_argument("--sandbox-url", help="look the orders up at this sandbox instead")
    recover.add_argument(
        "--settle-after",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long after it was sent an order's absence proves it was not charged "
        "(default: %(default)s)",
    )
    recover.set_defaults(run=_recover)

    setup = commands.add_parser(
        "setup",
        parents=[common],
        help="sign this register in to LevelUp and choose its location",
        description="Exchanges the merchant's LevelUp login for a token (the password is used "
        "once and never stored), lets you choose one of the merchant's locations, tests it and "
        "saves it. The password is asked for at a terminal or read from standard input; the "
        f"API key comes from ${API_KEY_ENV} or is asked for.",
    )
    setup.add_argument("--url", default=None, help="LevelUp's address (default: production)")
    setup.add_argument("--username", required=True, help="the merchant's LevelUp e-mail")
    setup.add_argument("--location", type=int, help="one of the merchant's location ids")
    setup.set_defaults(run=_setup)

    config = commands.add_parser(
        "config", parents=[common], help="this register's settings (settings.toml)"
    )
    config_commands = config.add_subparsers(
        title="config commands", metavar="ACTION", required=True
    )
    config_commands.add_parser(
        "show", parents=[common], help="the settings in force, from every layer"
    ).set_defaults(run=_config_show)
    setting = config_commands.add_parser("set", parents=[common], help="set SECTION.KEY")
    setting.add_argument("key", help="for example levelup.location_id")
    setting.add_argument("value")
    setting.set_defaults(run=_config_set)
    importing = config_commands.add_parser(
        "import", parents=[common], help="make a TOML file this register's settings"
    )
    importing.add_argument("file", type=Path)
    importing.set_defaults(run=_config_import)

    staff = commands.add_parser(
        "staff",
        parents=[common],
        help="who may sign in and approve at this register",
        description="PINs are never taken from the command line: they are asked for (twice) "
        "at a terminal, or read from the first line of standard input.",
    )
    staff_commands = staff.add_subparsers(title="staff commands", metavar="ACTION", required=True)
    add = staff_commands.add_parser("add", parents=[common], help="add a staff member")
    add.add_argument("staff_id", help="a short id: lower-case letters, digits, . _ -")
    add.add_argument("name")
    add.add_argument("--role", choices=["cashier", "manager", "admin"], default="cashier")
    add.set_defaults(run=_staff_add)
    staff_commands.add_parser("list", parents=[common], help="every staff member").set_defaults(
        run=_staff_list
    )
    disable = staff_commands.add_parser("disable", parents=[common], help="stop a sign-in")
    disable.add_argument("staff_id")
    disable.set_defaults(run=_staff_disable)

    scanners = commands.add_parser("scanners", parents=[common], help="find and test scanners")
    scanner_commands = scanners.add_subparsers(
        title="scanner commands", metavar="ACTION", required=True
    )
    scanner_commands.add_parser(
        "list", parents=[common], help="serial ports and HID devices, likely scanners marked"
    ).set_defaults(run=_scanners_list)
    listen = scanner_commands.add_parser(
        "listen",
        parents=[common],
        help="print each scan as a JSON line (serial://, hid://, fake:// or keyboard://)",
        description="Open the scanner and print one JSON object per scan: label (LevelUp codes "
        "masked), kind (levelup, product, unknown), symbology and device; errors as objects "
        "with an 'error' key. keyboard:// reads a wedge scanner typing into this terminal.",
    )
    listen.add_argument("url")
    listen.add_argument("--count", type=_at_least_one, help="stop after this many scans")
    listen.add_argument("--timeout", type=_seconds, help="stop after this many seconds")
    listen.add_argument("--show-codes", action="store_true", help="print LevelUp codes in full")
    listen.set_defaults(run=_scanners_listen)
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


TOKEN_ENV = "LEVELUP_POS_MERCHANT_TOKEN"  # noqa: S105 - the variable's name, not a token
URL_ENV = "LEVELUP_POS_API_URL"
LOCATION_ENV = "LEVELUP_POS_LOCATION"


@contextmanager
def _levelup(args: argparse.Namespace, environ: Mapping[str, str]) -> Iterator[ApiSession]:
    """A client for the ``api`` commands, on a fresh sandbox with ``--sandbox``."""
    from pydantic import SecretStr

    from pos_app.levelup.client import ClientConfig, LevelUpClient

    with ExitStack() as stack:
        location = args.location
        if location is None and environ.get(LOCATION_ENV):
            try:
                location = int(environ[LOCATION_ENV])
            except ValueError:
                raise CommandError(f"{LOCATION_ENV} must be a location id (a number).") from None
        if args.sandbox:
            from pos_app.sandbox import start_embedded
            from pos_app.sandbox.seed import DEMO_LOCATION_ID

            sandbox = stack.enter_context(start_embedded())
            merchant = sandbox.ledger.seed_view()["merchants"][0]
            url, token = sandbox.url, merchant["access_token"]
            location = location or DEMO_LOCATION_ID
        else:
            url = args.url or environ.get(URL_ENV) or PRODUCTION_URL
            token = environ.get(TOKEN_ENV) or _ask_token()
        logs.register_secret(token)
        config = ClientConfig(base_url=url, merchant_token=SecretStr(token), retries=1)
        client = stack.enter_context(LevelUpClient(config))
        yield ApiSession(client, location)


def _ask_token() -> str:
    if sys.stdin is None or not sys.stdin.isatty():
        raise CommandError(f"Set {TOKEN_ENV} to the merchant token (or run at a terminal).")
    token = getpass.getpass("Merchant token: ").strip()
    if not token:
        raise CommandError("No merchant token was given.")
    return token


def _api_ping(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.levelup.diagnosis import check_connection

    try:
        with _levelup(args, environ) as session:
            steps = check_connection(session.client, session.location)
    except (CommandError, ConfigurationError) as exc:
        print(f"levelup-pos api: {exc}", file=err)
        return 2
    for step in steps:
        print(f"[{'ok' if step.ok else 'FAIL'}] {step.text}", file=out)
    return 0 if all(step.ok for step in steps) else 1


def _api_order(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.levelup.errors import LevelUpError

    try:
        with _levelup(args, environ) as session:
            locations = session.client.managed_locations()
            merchant_id = next((loc.merchant_id for loc in locations if loc.merchant_id), None)
            if merchant_id is None:
                raise CommandError("This merchant token manages no location.")
            order = session.client.order_details(merchant_id, args.uuid)
    except (CommandError, ConfigurationError) as exc:
        print(f"levelup-pos api: {exc}", file=err)
        return 2
    except LevelUpError as exc:
        print(f"levelup-pos api: {exc.cashier_message}\n  {exc.detail}", file=err)
        return 1
    fields = [
        ("order", order.uuid),
        ("check", order.identifier_from_merchant),
        ("location", order.location_id),
        ("register", order.register_name),
        ("cashier", order.cashier),
        ("customer", order.user_display_name),
        ("created", order.created_at.isoformat() if order.created_at else None),
        ("refunded", order.refunded_at.isoformat() if order.refunded_at else "no"),
    ]
    amounts = [
        ("spend", order.spend_amount),
        ("tip", order.tip_amount),
        ("total", order.total_amount),
        ("LevelUp credit", order.merchant_funded_credit_amount),
        ("tax", order.tax_amount),
    ]
    for name, value in fields:
        print(f"{name:<15} {value if value is not None else '-'}", file=out)
    for name, cents in amounts:
        print(f"{name:<15} {format_cents(cents) if cents is not None else '-'}", file=out)
    return 0


def _demo(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    if not args.headless:
        print(
            "levelup-pos demo: the demo register window is levelup-pos with no command on a "
            "data directory that was never set up (levelup-pos --data-dir /tmp/demo); "
            "add --headless for scripted checkouts.",
            file=err,
        )
        return 2
    if args.checks < 1:
        print("levelup-pos demo: --checks must be at least 1.", file=err)
        return 2
    from pos_app.app.demo import run_demo
    from pos_app.app.terminal import Terminal, TerminalError, sign_in_to_sandbox
    from pos_app.host.instance import DataDirectoryBusy

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    try:
        config = sign_in_to_sandbox(paths, args.sandbox_url, environ)
        with Terminal(paths, config, what="levelup-pos demo") as terminal:
            summary = run_demo(
                terminal.engine,
                terminal.levelup_url,
                args.checks,
                args.seed,
                progress=lambda line: print(line, file=out, flush=True),
            )
    except (TerminalError, DataDirectoryBusy) as exc:
        print(f"levelup-pos demo: {exc}", file=err)
        return 1
    print(json.dumps(summary.as_json()), file=out)
    return 0 if summary.all_closed else 1


def _gui(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.ui.launch import run_gui

    return run_gui(resolve_paths(getattr(args, "data_dir", None), environ), environ)


@contextmanager
def _journal(
    args: argparse.Namespace, environ: Mapping[str, str], *, codes: bool = True
) -> Iterator[SqliteJournalT]:
    """The journal of the data directory; without ``codes`` the secret store is not opened
    (payment codes cannot be read, and nothing is created in the user's config)."""
    from cryptography.fernet import Fernet

    from pos_app.host.secrets import new_data_key, open_secret_store
    from pos_app.journal import SqliteJournal

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    if not paths.journal_file.exists():
        raise CommandError(f"There is no journal in {paths.data_dir}.")
    key = new_data_key(open_secret_store(paths.data_dir)) if codes else Fernet.generate_key()
    journal = SqliteJournal(paths.journal_file, key, "reader")
    try:
        yield journal
    finally:
        journal.close()


def _journal_export(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.journal import JournalUnusable
    from pos_app.journal.export import export_csv, export_document

    try:
        with _journal(args, environ) as journal:
            if args.format == "csv":
                out.write(export_csv(journal.records()))
            else:
                json.dump(export_document(journal.records()), out, indent=1)
                out.write("\n")
    except (CommandError, JournalUnusable) as exc:
        print(f"levelup-pos journal: {exc}", file=err)
        return 1
    return 0


def _journal_audit(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.engine import AUDITED
    from pos_app.journal import JournalUnusable

    try:
        with _journal(args, environ) as journal:
            for event in journal.audit_trail(AUDITED):
                event["at"] = event["at"].isoformat()
                print(json.dumps(event, default=str), file=out)
    except (CommandError, JournalUnusable) as exc:
        print(f"levelup-pos journal: {exc}", file=err)
        return 1
    return 0


def _journal_show(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.journal import JournalUnusable
    from pos_app.journal.export import describe

    try:
        with _journal(args, environ) as journal:
            record = journal.find(args.check)
            if record is None:
                raise CommandError(f"There is no check {args.check} in the journal.")
            print(describe(journal, record), file=out)
    except (CommandError, JournalUnusable) as exc:
        print(f"levelup-pos journal: {exc}", file=err)
        return 1
    return 0


def _journal_verify(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.journal import JournalUnusable
    from pos_app.journal.verify import verify

    try:
        with _journal(args, environ, codes=False) as journal:
            result = verify(journal)
    except (CommandError, JournalUnusable) as exc:
        print(f"levelup-pos journal: {exc}", file=err)
        return 1
    for mismatch in result.mismatches:
        print(f"mismatch: {mismatch}", file=out)
    print(json.dumps(result.as_json()), file=out)
    return 1 if result.mismatches else 0


PENDING = 4
"""``journal pending``'s exit status when payments are unfinished or queued."""


def _journal_pending(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.engine.model import unfinished
    from pos_app.journal import JournalUnusable

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    if not paths.journal_file.exists():
        print(f"No journal in {paths.data_dir}: nothing is pending.", file=out)
        return 0
    try:
        with _journal(args, environ, codes=False) as journal:
            waiting = unfinished(journal.unsettled())
    except (CommandError, JournalUnusable) as exc:
        print(f"levelup-pos journal: {exc}", file=err)
        return 1
    if not waiting:
        print(f"No unfinished or queued payments in {paths.journal_file}.", file=out)
        return 0
    counts = ", ".join(f"{count} {status.value}" for status, count in sorted(waiting.items()))
    total = sum(waiting.values())
    are = "payment is" if total == 1 else "payments are"
    print(
        f"levelup-pos journal: {total} {are} not finished ({counts}) in "
        f"{paths.journal_file}. Drain them first: open the register while LevelUp is "
        "reachable (queued payments are sent, unknown ones settled), or run "
        "`levelup-pos recover`; then check again with `levelup-pos journal pending`.",
        file=err,
    )
    return PENDING


def _recover(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from datetime import timedelta

    from pos_app.app.terminal import Terminal, TerminalError, recover_fully
    from pos_app.host.instance import DataDirectoryBusy
    from pos_app.host.settings import SettingsError, load_settings
    from pos_app.journal import JournalUnusable

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    settle_after = timedelta(seconds=args.settle_after)
    try:
        if not paths.journal_file.exists():
            raise CommandError(f"{paths.data_dir} holds no register to recover.")
        config = load_settings(paths, environ)
        if args.sandbox_url:
            config.levelup.base_url = args.sandbox_url
        with Terminal(
            paths, config, settle_after=settle_after, what="levelup-pos recover"
        ) as terminal:
            forwarded = terminal.engine.forward_offline()
            report = recover_fully(terminal.engine, terminal.recovery, _countdown(out))
    except (CommandError, TerminalError, JournalUnusable, SettingsError, DataDirectoryBusy) as exc:
        print(f"levelup-pos recover: {exc}", file=err)
        return 1
    except KeyboardInterrupt:
        print("levelup-pos recover: stopped; run it again to finish.", file=err)
        return STILL_UNKNOWN
    for line in report.resolved:
        print(f"resolved: {line}", file=out)
    for line in report.still_unknown:
        print(f"still unknown: {line}", file=out)
    for reason in dict.fromkeys(report.unreachable):
        print(f"LevelUp could not be asked: {reason}", file=out)
    if forwarded.still_queued:
        print(f"offline payments still waiting for LevelUp: {forwarded.still_queued}", file=out)
    print(f"{len(report.resolved)} resolved, {len(report.still_unknown)} still unknown.", file=out)
    return STILL_UNKNOWN if report.still_unknown else 0


STILL_UNKNOWN = 3
"""``recover``'s exit status when LevelUp could not be asked (or could not tell) about some
payment: it is still unknown."""


def _countdown(out: TextIO) -> Callable[[float], None]:
    """Waiting out a settle window: a countdown on a terminal, quiet without one."""
    import time

    def wait(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if out.isatty():
                out.write(f"\rWaiting {math.ceil(left):3d} s for LevelUp to settle … ")
                out.flush()
            time.sleep(min(1.0, left))
        if out.isatty():
            out.write("\r" + " " * 50 + "\r")

    return wait


API_KEY_ENV = "LEVELUP_POS_API_KEY"


def _secret_input(prompt: str, environ: Mapping[str, str], variable: str | None = None) -> str:
    """A secret from the environment, a terminal prompt (no echo), or a line of stdin."""
    if variable and environ.get(variable):
        return environ[variable]
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise CommandError(f"{prompt.rstrip(': ')} was not given.")
    return line.strip()


def _setup(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.onboarding import OnboardingError, finish, sign_in
    from pos_app.app.terminal import retire_demo_staff
    from pos_app.host.instance import DataDirectoryBusy, WriterLock
    from pos_app.host.settings import SettingsError, load_settings
    from pos_app.levelup.errors import LevelUpError

    paths = resolve_paths(getattr(args, "data_dir", None), environ).create()
    try:
        with WriterLock(paths, "levelup-pos setup"):
            url = args.url or load_settings(paths, environ).levelup.base_url or PRODUCTION_URL
            api_key = _secret_input("LevelUp API key: ", environ, API_KEY_ENV)
            signed_in = sign_in(
                url, api_key, args.username, _secret_input("LevelUp password: ", environ)
            )
            location = _choose_location(signed_in.locations, args.location, out)
            finish(paths, environ, signed_in, location.id)
            retired = retire_demo_staff(paths)
    except LevelUpError as exc:
        print(f"levelup-pos setup: {exc.cashier_message}\n  {exc.detail}", file=err)
        return 1
    except (
        CommandError,
        OnboardingError,
        SettingsError,
        ConfigurationError,
        DataDirectoryBusy,
    ) as exc:
        print(f"levelup-pos setup: {exc}", file=err)
        return 1
    print(f"Signed in: {location.name} (location {location.id}) at {url}.", file=out)
    if retired:
        print(
            f"The demo staff ({', '.join(retired)}) can no longer sign in: add your own with "
            "levelup-pos staff add.",
            file=out,
        )
    return 0


def _choose_location(locations: Sequence[Any], chosen: int | None, out: TextIO) -> Any:
    """The location asked for (``finish`` checks it is the merchant's), the only one, or one
    picked from the list at a terminal."""
    by_id = {location.id: location for location in locations}
    listing = "; ".join(f"{loc.id} ({loc.name})" for loc in locations)
    if chosen is not None:
        if chosen not in by_id:
            raise CommandError(
                f"Location {chosen} is not this merchant's. Choose one of: {listing}."
            )
        return by_id[chosen]
    if len(locations) == 1:
        return locations[0]
    if sys.stdin is None or not sys.stdin.isatty():
        raise CommandError(
            f"This merchant has several locations; add --location, one of: {listing}."
        )
    for number, location in enumerate(locations, start=1):
        print(f"  {number}. {location.name} (location {location.id})", file=out)
    answer = input("Which location is this register at? ").strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(locations):
        raise CommandError("No location was chosen.")
    return locations[int(answer) - 1]


def _config_show(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.host.secrets import MERCHANT_TOKEN, open_secret_store
    from pos_app.host.settings import SettingsError, load_settings, provisioning_file

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    try:
        settings = load_settings(paths, environ)
    except SettingsError as exc:
        print(f"levelup-pos config: {exc}", file=err)
        return 1
    signed_in = paths.data_dir.exists() and (
        open_secret_store(paths.data_dir).get(MERCHANT_TOKEN) is not None
    )
    print(f"# settings: {paths.settings_file}", file=out)
    print(f"# provisioning: {provisioning_file(paths, environ)}", file=out)
    print(
        "# merchant token: " + ("stored in the secret store (****)" if signed_in else "none"),
        file=out,
    )
    out.write(settings.as_toml())
    return 0


def _config_set(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.engine import EventKind
    from pos_app.host.instance import DataDirectoryBusy, WriterLock
    from pos_app.host.settings import SettingsError, set_setting

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    try:
        with WriterLock(paths, "levelup-pos config set"):
            set_setting(paths, environ, args.key, args.value)
            data = {"key": args.key, "value": args.value}
            _audit_settings(paths, EventKind.SETTINGS_CHANGED, data)
    except (SettingsError, DataDirectoryBusy) as exc:
        print(f"levelup-pos config: {exc}", file=err)
        return 1
    print(f"{args.key} set in {paths.settings_file}", file=out)
    return 0


def _config_import(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.engine import EventKind
    from pos_app.host.instance import DataDirectoryBusy, WriterLock
    from pos_app.host.settings import SettingsError, import_settings

    paths = resolve_paths(getattr(args, "data_dir", None), environ)
    try:
        with WriterLock(paths, "levelup-pos config import"):
            import_settings(paths, environ, args.file)
            data = {"file": str(args.file.resolve())}
            _audit_settings(paths, EventKind.SETTINGS_IMPORTED, data)
    except (SettingsError, DataDirectoryBusy) as exc:
        print(f"levelup-pos config: {exc}", file=err)
        return 1
    print(f"{args.file} is now {paths.settings_file}", file=out)
    return 0


def _audit_settings(paths: Any, kind: EventKindT, data: dict[str, str]) -> None:
    """Settings changes go to the register's audit trail (once it has a journal)."""
    from datetime import UTC, datetime

    from pos_app.engine import JournalEvent
    from pos_app.host.secrets import new_data_key, open_secret_store
    from pos_app.journal import SqliteJournal

    if not paths.journal_file.exists():
        return
    journal = SqliteJournal(
        paths.journal_file, new_data_key(open_secret_store(paths.data_dir)), "config"
    )
    try:
        journal.audit(JournalEvent(kind, datetime.now(UTC), data=data))
    finally:
        journal.close()


@contextmanager
def _staff_directory(
    args: argparse.Namespace, environ: Mapping[str, str], *, writing: str | None = None
) -> Iterator[Any]:
    """The staff of the data directory; ``writing`` (the command) takes its writer lock."""
    from pos_app.host.instance import WriterLock
    from pos_app.host.secrets import new_data_key, open_secret_store
    from pos_app.journal import SqliteJournal
    from pos_app.journal.staff import SqliteStaff

    paths = resolve_paths(getattr(args, "data_dir", None), environ).create()
    with ExitStack() as stack:
        if writing:
            stack.enter_context(WriterLock(paths, writing))
        key = new_data_key(open_secret_store(paths.data_dir))
        journal = SqliteJournal(paths.journal_file, key, "staff")
        stack.callback(journal.close)
        yield SqliteStaff(journal)


def _read_pin() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        pin = getpass.getpass("PIN (4 to 8 digits): ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise CommandError("The two PINs differ.")
        return pin
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()


def _staff_add(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.engine.staff import Role
    from pos_app.host.instance import DataDirectoryBusy
    from pos_app.journal import JournalUnusable

    try:
        pin = _read_pin()
        with _staff_directory(args, environ, writing="levelup-pos staff add") as directory:
            member = directory.add(args.staff_id, args.name, Role(args.role), pin)
    except (CommandError, ValueError, JournalUnusable, DataDirectoryBusy) as exc:
        print(f"levelup-pos staff: {exc}", file=err)
        return 1
    print(f"added {member.staff_id} ({member.name}), {member.role.value}", file=out)
    return 0


def _staff_list(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    with _staff_directory(args, environ) as directory:
        members = directory.members()
    for member in members:
        state = "" if member.active else "  (disabled)"
        print(f"{member.staff_id:<16} {member.role.value:<8} {member.name}{state}", file=out)
    if not members:
        print("No staff yet: add one with levelup-pos staff add ID NAME --role manager.", file=out)
    return 0


def _staff_disable(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.host.instance import DataDirectoryBusy

    try:
        with _staff_directory(args, environ, writing="levelup-pos staff disable") as directory:
            directory.disable(args.staff_id)
    except (ValueError, DataDirectoryBusy) as exc:
        print(f"levelup-pos staff: {exc}", file=err)
        return 1
    print(f"{args.staff_id} can no longer sign in.", file=out)
    return 0


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text}")
    return value


def _scanners_list(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from drivers.discovery import hid_devices, serial_ports

    found = serial_ports() + hid_devices()
    if not found:
        print("No serial port or HID device found.", file=out)
    for device in found:
        mark = "scanner?" if device.likely_scanner else "        "
        reason = f"  ({device.reason})" if device.reason else ""
        print(f"{mark} {device.url:<40} {device.description}{reason}", file=out)
    return 0


def _scanners_listen(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    import queue
    import time

    from drivers.scanner import ErrorEvent, Event, ScanEvent, ScannerError
    from drivers.url import ScannerUrlError, open_scanner
    from pos_app.app.scans import classify
    from pos_app.levelup.redact import redact

    def shown(text: str) -> str:
        return text if args.show_codes else redact(text)

    events: queue.Queue[Event] = queue.Queue()
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    terminal = _Terminal()
    if args.url.startswith("keyboard:"):
        source = _keyboard_source(events, deadline, terminal)
    else:
        try:
            scanner = open_scanner(args.url, events.put)
            scanner.start()
        except (ScannerUrlError, ScannerError) as exc:
            print(
                json.dumps(
                    {"error": "open_failed", "message": shown(str(exc)), "device": args.url}
                ),
                file=out,
                flush=True,
            )
            return 1
        source = None
    scans = 0
    try:
        while args.count is None or scans < args.count:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                break
            try:
                event = events.get(timeout=wait if wait is not None else 0.5)
            except queue.Empty:
                if source is not None and not source.is_alive() and events.empty():
                    break
                continue
            if isinstance(event, ScanEvent):
                classified = classify(event.label)
                line = {
                    "label": shown(classified.shown(args.show_codes)),
                    "kind": classified.kind.value,
                    "symbology": event.symbology or classified.symbology,
                    "device": event.device,
                }
                print(json.dumps(line), file=out, flush=True)
                scans += 1
                if source is None:
                    scanner.data_events_enabled = True
            elif isinstance(event, ErrorEvent):
                print(
                    json.dumps(
                        {
                            "error": event.kind,
                            "message": shown(event.message),
                            "device": event.device,
                        }
                    ),
                    file=out,
                    flush=True,
                )
    except KeyboardInterrupt:
        pass
    finally:
        terminal.restore()
        if source is None:
            scanner.close()
    return 0


class _Terminal:
    """This terminal in character-at-a-time mode while a wedge scanner types into it, and as
    it was afterwards, whatever ends the listening."""

    def __init__(self) -> None:
        self._saved: list[Any] | None = None

    def characters(self) -> bool:
        """Switch to character mode if standard input is a terminal; say whether it is."""
        if sys.stdin is None or not sys.stdin.isatty():
            return False
        import termios
        import tty

        self._saved = termios.tcgetattr(sys.stdin.fileno())
        tty.setcbreak(sys.stdin.fileno())
        return True

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None


def _keyboard_source(events: Any, deadline: float | None, terminal: _Terminal) -> threading.Thread:
    """Feed a wedge scanner typing into this terminal through the burst detector (lines of
    piped input are taken as scans)."""
    import time

    from drivers.scanner import ScanEvent
    from drivers.wedge import BurstDetector, Scanned

    def lines() -> None:
        for line in sys.stdin:
            if line.strip():
                events.put(ScanEvent(line.strip().encode(), line.strip(), None, "keyboard"))

    def keys() -> None:
        detector = BurstDetector()
        while deadline is None or time.monotonic() < deadline:
            key = sys.stdin.read(1)
            if not key:
                return
            for decision in detector.feed("\r" if key == "\n" else key, time.monotonic()):
                if isinstance(decision, Scanned):
                    label = decision.label
                    events.put(ScanEvent(label.encode(), label, None, "keyboard"))

    thread = threading.Thread(target=keys if terminal.characters() else lines, daemon=True)
    if sys.stdin is not None:
        thread.start()
    return thread


_WITH_FILES: frozenset[Command] = frozenset({_gui, _demo, _recover})
"""Commands that run a terminal: they log to the data directory and leave crash reports."""

if __name__ == "__main__":
    sys.exit(main())
