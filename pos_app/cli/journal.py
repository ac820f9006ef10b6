"""``journal export``, ``audit``, ``show``, ``verify`` and ``pending``, and ``recover``."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, http_url, reading

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands


def add_journal(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    journal = commands.add_parser("journal", parents=[common], help="read the journal")
    journal_commands = journal.add_subparsers(
        title="journal commands", metavar="ACTION", required=True
    )
    export = journal_commands.add_parser(
        "export", parents=[common], help="every check and tender, to stdout"
    )
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.set_defaults(command=Command("journal", _export))
    journal_commands.add_parser(
        "audit",
        parents=[common],
        help="sign-ins, manager approvals and refusals, voids and refunds, as JSON lines",
    ).set_defaults(command=Command("journal", _audit))
    show = journal_commands.add_parser(
        "show", parents=[common], help="one check with every journaled step"
    )
    show.add_argument("check", help="the check's id or its number (identifier_from_merchant)")
    show.set_defaults(command=Command("journal", _show))
    journal_commands.add_parser(
        "verify",
        parents=[common],
        help="replay every check from its events and compare with the stored state",
        description="Folds every check's events from nothing and compares the result with "
        "the state the journal stored for it. Prints each check that differs, then "
        '{"checks": N, "events": M, "mismatches": K} as its last line; exit 0 only when K is '
        "0, 1 when the journal cannot be read.",
    ).set_defaults(command=Command("journal", _verify))
    journal_commands.add_parser(
        "pending",
        parents=[common],
        help="payments still unfinished or queued offline (exit 4 when there are any)",
        description="Says whether the journal holds payments whose outcome is still to come "
        "(being sent, unknown, refunding) or that wait offline for LevelUp. Installers run it "
        "before an upgrade or removal: exit 0 when there are none (or no journal), 4 when "
        "there are, 1 when the journal cannot be read.",
    ).set_defaults(command=Command("journal", _pending))


def add_recover(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    recover = commands.add_parser(
        "recover",
        parents=[common],
        help="settle every payment the journal left unfinished, and say what it found",
    )
    recover.add_argument(
        "--sandbox-url", type=http_url, help="look the orders up at this sandbox instead"
    )
    recover.add_argument(
        "--settle-after",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long after it was sent an order's absence proves it was not charged "
        "(default: %(default)s)",
    )
    recover.set_defaults(
        command=Command("recover", _recover, files=True, stopped=ExitCode.STILL_UNKNOWN)
    )


def _export(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.journal.export import export_csv, export_document

    with reading(args, environ) as journal:
        if args.format == "csv":
            out.write(export_csv(journal.records()))
        else:
            json.dump(export_document(journal.records()), out, indent=1)
            out.write("\n")
    return ExitCode.OK


def _audit(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine import AUDITED

    with reading(args, environ) as journal:
        for event in journal.audit_trail(AUDITED):
            event["at"] = event["at"].isoformat()
            print(json.dumps(event, default=str), file=out)
    return ExitCode.OK


def _show(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.journal.export import describe

    with reading(args, environ) as journal:
        record = journal.find(args.check)
        if record is None:
            raise CommandError(f"There is no check {args.check} in the journal.")
        print(describe(journal, record), file=out)
    return ExitCode.OK


def _verify(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.journal.verify import verify

    with reading(args, environ) as journal:
        result = verify(journal)
    for mismatch in result.mismatches:
        print(f"mismatch: {mismatch}", file=out)
    print(json.dumps(result.as_json()), file=out)
    return ExitCode.FAILED if result.mismatches else ExitCode.OK


def _pending(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine.model import unfinished

    paths = data_paths(args, environ)
    if not paths.journal_file.exists():
        print(f"No journal in {paths.data_dir}: nothing is pending.", file=out)
        return ExitCode.OK
    with reading(args, environ) as journal:
        waiting = unfinished(journal.unsettled())
    if not waiting:
        print(f"No unfinished or queued payments in {paths.journal_file}.", file=out)
        return ExitCode.OK
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
    return ExitCode.PENDING


def _recover(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from datetime import timedelta

    from pos_app.app.terminal import Terminal, recover_fully
    from pos_app.host.settings import load_settings

    paths = data_paths(args, environ)
    if not paths.journal_file.exists():
        raise CommandError(f"{paths.data_dir} holds no register to recover.")
    config = load_settings(paths, environ)
    if args.sandbox_url:
        config.levelup.base_url = args.sandbox_url
    settle_after = timedelta(seconds=args.settle_after)
    with Terminal(paths, config, settle_after=settle_after, what="levelup-pos recover") as terminal:
        forwarded = terminal.engine.forward_offline()
        report = recover_fully(terminal.engine, terminal.recovery, _countdown(out))
    for line in report.resolved:
        print(f"resolved: {line}", file=out)
    for line in report.still_unknown:
        print(f"still unknown: {line}", file=out)
    for reason in dict.fromkeys(report.unreachable):
        print(f"LevelUp could not be asked: {reason}", file=out)
    if forwarded.still_queued:
        print(f"offline payments still waiting for LevelUp: {forwarded.still_queued}", file=out)
    print(f"{len(report.resolved)} resolved, {len(report.still_unknown)} still unknown.", file=out)
    return ExitCode.STILL_UNKNOWN if report.still_unknown else ExitCode.OK


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
