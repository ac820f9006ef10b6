"""``staff add``, ``list`` and ``disable``: who may sign in and approve at this register.

Adding or disabling a member needs an admin's approval (``--admin ID``, their PIN asked), and
goes to the audit trail with who approved it. The one exception is a register with no active
admin yet: its first admin is added without one (and the audit trail says so).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import (
    Command,
    CommandError,
    ExitCode,
    approver_pin,
    data_paths,
    read_pin,
)

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.engine import JournalEvent
    from pos_app.engine.eventlog import EventKind
    from pos_app.engine.staff import Role
    from pos_app.journal import SqliteJournal
    from pos_app.journal.staff import SqliteStaff


def add_staff(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    staff = commands.add_parser(
        "staff",
        parents=[common],
        help="who may sign in and approve at this register",
        description="PINs are never taken from the command line: they are asked for at a "
        "terminal (a new PIN twice), or read from standard input, one a line (the new PIN "
        "first, then the approving admin's).",
    )
    staff_commands = staff.add_subparsers(title="staff commands", metavar="ACTION", required=True)
    admin = argparse.ArgumentParser(add_help=False)
    admin.add_argument(
        "--admin", metavar="ID", help="the admin who approves it (not needed for a first admin)"
    )
    add = staff_commands.add_parser("add", parents=[common, admin], help="add a staff member")
    add.add_argument("staff_id", help="a short id: lower-case letters, digits, . _ -")
    add.add_argument("name")
    add.add_argument("--role", choices=["cashier", "manager", "admin"], default="cashier")
    add.set_defaults(command=Command("staff", _add))
    staff_commands.add_parser("list", parents=[common], help="every staff member").set_defaults(
        command=Command("staff", _list)
    )
    disable = staff_commands.add_parser("disable", parents=[common, admin], help="stop a sign-in")
    disable.add_argument("staff_id")
    disable.set_defaults(command=Command("staff", _disable))


@contextmanager
def _directory(
    args: argparse.Namespace, environ: Mapping[str, str], *, writing: str | None = None
) -> Iterator[tuple[SqliteStaff, SqliteJournal]]:
    """The staff of the data directory; ``writing`` (the command) takes its writer lock. The
    staff's refusals (a taken id, a short PIN, a wrong PIN, ...) are the command's."""
    from pos_app.app.journals import open_journal
    from pos_app.engine.staff import AccessDenied
    from pos_app.host.instance import WriterLock
    from pos_app.journal.staff import SqliteStaff

    paths = data_paths(args, environ).create()
    with ExitStack() as stack:
        if writing:
            stack.enter_context(WriterLock(paths, writing))
        journal = open_journal(paths, terminal_id="staff", codes=False)
        stack.callback(journal.close)
        try:
            yield SqliteStaff(journal), journal
        except (AccessDenied, ValueError) as exc:
            raise CommandError(str(exc)) from None


def _approval(
    args: argparse.Namespace,
    directory: SqliteStaff,
    journal: SqliteJournal,
    kind: EventKind,
    data: dict[str, str],
    first_admin: bool,
) -> JournalEvent:
    """The audit event of a change to the staff, approved by the admin of ``--admin`` (their
    PIN checked, a refusal audited); ``first_admin``: the change adds an admin, which needs
    no approval while the register has no active admin."""
    from pos_app.engine import JournalEvent
    from pos_app.engine.eventlog import EventKind
    from pos_app.engine.staff import AccessDenied, Role

    now = datetime.now(UTC)
    if not any(m.active and m.role is Role.ADMIN for m in directory.members()):
        if not first_admin:
            raise CommandError(
                "This register has no admin yet: add its first one with "
                "levelup-pos staff add ID NAME --role admin (no approval is asked for it)."
            )
        return JournalEvent(kind, now, data={**data, "approved_by": "(first admin)"})
    if not args.admin:
        raise CommandError(
            "Changing the staff needs an admin's approval: name them with --admin ID."
        )
    try:
        approver = directory.verify(args.admin, approver_pin(args.admin))
        if approver.role is not Role.ADMIN:
            raise AccessDenied(f"{approver.name} is not an admin: only an admin changes staff.")
    except AccessDenied as denied:
        refusal = {"action": kind.value, "staff_id": args.admin, "why": str(denied)}
        journal.audit(JournalEvent(EventKind.APPROVAL_REFUSED, now, data=refusal))
        raise
    return JournalEvent(kind, now, data={**data, "approved_by": approver.staff_id})


def _add(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine.eventlog import EventKind
    from pos_app.engine.staff import Role

    role: Role = Role(args.role)
    pin = read_pin()
    with _directory(args, environ, writing="levelup-pos staff add") as (directory, journal):
        data = {"staff_id": args.staff_id, "role": role.value}
        audit = _approval(args, directory, journal, EventKind.STAFF_ADDED, data, role is Role.ADMIN)
        member = directory.add(args.staff_id, args.name, role, pin, audit)
    print(f"added {member.staff_id} ({member.name}), {member.role.value}", file=out)
    return ExitCode.OK


def _list(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    with _directory(args, environ) as (directory, _):
        members = directory.members()
    for member in members:
        state = "" if member.active else "  (disabled)"
        print(f"{member.staff_id:<16} {member.role.value:<8} {member.name}{state}", file=out)
    if not members:
        print(
            "No staff yet: add the first admin with levelup-pos staff add ID NAME --role admin.",
            file=out,
        )
    return ExitCode.OK


def _disable(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine.eventlog import EventKind

    with _directory(args, environ, writing="levelup-pos staff disable") as (directory, journal):
        data = {"staff_id": args.staff_id}
        audit = _approval(args, directory, journal, EventKind.STAFF_DISABLED, data, False)
        directory.disable(args.staff_id, audit)
    print(f"{args.staff_id} can no longer sign in.", file=out)
    return ExitCode.OK
