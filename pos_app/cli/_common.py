"""What the command groups share: the exit statuses, the command an argument list chose, the
data directory option, and input at this terminal (secrets, PINs, character mode).

Nothing here loads a heavy library: ``import pos_app.cli`` stays light.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.host.paths import HOME_ENV, Paths, resolve_paths

if TYPE_CHECKING:
    from pos_app.engine import EventKind
    from pos_app.journal import SqliteJournal

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


class ExitCode(IntEnum):
    """``levelup-pos``'s exit statuses. Installer scripts test them by number
    (``installer/linux/pending-check.sh``, ``installer/ci-rollout.sh``): never renumber."""

    OK = 0
    FAILED = 1
    """The command could not do its work, or found something wrong."""
    USAGE = 2
    """The command was asked something it cannot take (argparse's own status too)."""
    STILL_UNKNOWN = 3
    """``recover``: LevelUp could not be asked (or could not tell) about some payment."""
    PENDING = 4
    """``journal pending``: payments are unfinished or queued offline."""
    STILL_RUNNING = 5
    """``drain``: a register did not close in the time given."""
    WRONG_ACCOUNT = 6
    """Root was refused: the data directory is the register's account's (the message names it)."""


class CommandError(Exception):
    """A command cannot run as asked; the message says why, for the person who typed it."""

    def __init__(self, message: str, *, status: ExitCode = ExitCode.FAILED) -> None:
        super().__init__(message)
        self.status = status


Run = Callable[[argparse.Namespace, Mapping[str, str], TextIO, TextIO], int]
"""A command's body: ``(args, environ, out, err)`` → exit status."""


@dataclass(frozen=True)
class Command:
    """What a command line chose (``parser.set_defaults(command=Command(...))``)."""

    name: str
    """Its errors read ``levelup-pos NAME: …`` (the group's name for a group's actions)."""
    run: Run
    files: bool = False
    """It runs a terminal: it logs to the data directory and leaves crash reports there."""
    stopped: ExitCode | None = None
    """Ctrl+C is a way to end it, with this status (else Ctrl+C is not caught)."""
    as_root: bool = False
    """Root may run it on the register's data directory: it creates nothing there."""


def options(*, verbose: bool = True) -> argparse.ArgumentParser:
    """The options every command takes (``parents=[...]``); ``--data-dir`` is accepted before
    or after a subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"where settings, journal and logs live (default: ${HOME_ENV}, "
        "else the platform's user data directory)",
    )
    if verbose:
        common.add_argument(
            "-v",
            "--verbose",
            action="count",
            default=argparse.SUPPRESS,
            help="log each LevelUp call (-vv: with bodies, credentials masked)",
        )
    return common


def http_url(text: str) -> str:
    """An ``http(s)://`` address given on the command line (an argparse ``type``)."""
    from pos_app.levelup.calls import check_http_url

    try:
        return check_http_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not usable: it {exc}") from None


def data_paths(args: argparse.Namespace, environ: Mapping[str, str]) -> Paths:
    """The data directory's paths, from ``--data-dir``, the environment or the platform."""
    return resolve_paths(getattr(args, "data_dir", None), environ)


# ----- input at this terminal ---------------------------------------------------------------


def at_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_line() -> str:
    """One line of standard input, stripped ("" when there is none)."""
    return (sys.stdin.readline() if sys.stdin is not None else "").strip()


def secret_input(prompt: str, environ: Mapping[str, str], variable: str | None = None) -> str:
    """A secret from the environment, a terminal prompt (no echo), or a line of stdin."""
    if variable and environ.get(variable):
        return environ[variable]
    if at_terminal():
        return getpass.getpass(prompt)
    line = read_line()
    if not line:
        raise CommandError(f"{prompt.rstrip(': ')} was not given.")
    return line


def approver_pin(staff_id: str) -> str:
    """The PIN of ``staff_id``, who approves a command: asked at a terminal (no echo), or the
    next line of standard input."""
    pin = getpass.getpass(f"PIN of {staff_id}: ") if at_terminal() else read_line()
    if not pin:
        raise CommandError(f"The PIN of {staff_id} was not given.")
    return pin


def read_pin() -> str:
    """A PIN typed twice at a terminal, or the first line of standard input."""
    if at_terminal():
        pin = getpass.getpass("PIN (4 to 8 digits): ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise CommandError("The two PINs differ.")
        return pin
    return read_line()


class RawTerminal:
    """This terminal in character-at-a-time mode while a wedge scanner types into it, and as
    it was afterwards, whatever ends the listening."""

    def __init__(self) -> None:
        self._saved: list[Any] | None = None

    def characters(self) -> bool:
        """Switch to character mode if standard input is a terminal; say whether it is."""
        if not at_terminal():
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


@contextmanager
def reading(args: argparse.Namespace, environ: Mapping[str, str]) -> Iterator[SqliteJournal]:
    """The data directory's journal, which must exist. Reading needs no payment code, so the
    secret store is not opened (nothing is created in the user's config)."""
    from pos_app.app.journals import open_journal

    paths = data_paths(args, environ)
    if not paths.journal_file.exists():
        raise CommandError(f"There is no journal in {paths.data_dir}.")
    with closing(open_journal(paths, terminal_id="reader", codes=False)) as journal:
        yield journal


API_KEY_ENV = "LEVELUP_POS_API_KEY"
"""Where ``setup`` and ``pay-by-email setup`` read the LevelUp API key from, if set."""


def audit_settings(paths: Paths, kind: EventKind, data: dict[str, str]) -> None:
    """Settings changes go to the register's audit trail (once it has a journal)."""
    from datetime import UTC, datetime

    from pos_app.app.journals import open_journal
    from pos_app.engine import JournalEvent

    if not paths.journal_file.exists():
        return
    with closing(open_journal(paths, terminal_id="config", codes=False)) as journal:
        journal.audit(JournalEvent(kind, datetime.now(UTC), data=data))
