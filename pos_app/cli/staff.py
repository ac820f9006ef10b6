"""``staff add``, ``list`` and ``disable``: who may sign in and approve at this register."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, read_pin

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.journal.staff import SqliteStaff


def add_staff(commands: Subcommands, common: argparse.ArgumentParser) -> None:
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
    add.set_defaults(command=Command("staff", _add))
    staff_commands.add_parser("list", parents=[common], help="every staff member").set_defaults(
        command=Command("staff", _list)
    )
    disable = staff_commands.add_parser("disable", parents=[common], help="stop a sign-in")
    disable.add_argument("staff_id")
    disable.set_defaults(command=Command("staff", _disable))


@contextmanager
def _directory(
    args: argparse.Namespace, environ: Mapping[str, str], *, writing: str | None = None
) -> Iterator[SqliteStaff]:
    """The staff of the data directory; ``writing`` (the command) takes its writer lock. The
    staff's refusals (a taken id, a short PIN, ...) are the command's."""
    from pos_app.app.journals import open_journal
    from pos_app.host.instance import WriterLock
    from pos_app.journal.staff import SqliteStaff

    paths = data_paths(args, environ).create()
    with ExitStack() as stack:
        if writing:
            stack.enter_context(WriterLock(paths, writing))
        journal = open_journal(paths, terminal_id="staff", codes=False)
        stack.callback(journal.close)
        try:
            yield SqliteStaff(journal)
        except ValueError as exc:
            raise CommandError(str(exc)) from None


def _add(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine.staff import Role

    pin = read_pin()
    with _directory(args, environ, writing="levelup-pos staff add") as directory:
        member = directory.add(args.staff_id, args.name, Role(args.role), pin)
    print(f"added {member.staff_id} ({member.name}), {member.role.value}", file=out)
    return ExitCode.OK


def _list(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    with _directory(args, environ) as directory:
        members = directory.members()
    for member in members:
        state = "" if member.active else "  (disabled)"
        print(f"{member.staff_id:<16} {member.role.value:<8} {member.name}{state}", file=out)
    if not members:
        print("No staff yet: add one with levelup-pos staff add ID NAME --role manager.", file=out)
    return ExitCode.OK


def _disable(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    with _directory(args, environ, writing="levelup-pos staff disable") as directory:
        directory.disable(args.staff_id)
    print(f"{args.staff_id} can no longer sign in.", file=out)
    return ExitCode.OK
