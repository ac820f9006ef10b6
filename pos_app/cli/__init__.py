"""``levelup-pos``: the terminal's command line.

The bare command is meant to open the cashier window; the subcommands serve technicians and
maintainers. ``--data-dir`` is accepted before or after a subcommand.

Each command group is a module offering ``add_*(commands, common)``, which adds its commands
to the parser; a command's body only does its work and raises what stops it. :func:`_run` is
the one place that turns those errors into ``levelup-pos NAME: message`` and an
:class:`ExitCode`. Heavy libraries (Qt, httpx, SQLAlchemy, the sandbox's server) are imported
inside the command bodies, so ``import pos_app.cli`` stays light.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from pos_app import __version__
from pos_app.cli import (
    api,
    backup,
    config,
    drawer,
    fleet,
    journal,
    pay_by_email,
    printers,
    report,
    scanners,
    shift,
    staff,
    store,
    tools,
)
from pos_app.cli._common import Command, CommandError, ExitCode, options
from pos_app.host import logs
from pos_app.host.accounts import root_refusal
from pos_app.host.build import build_info
from pos_app.host.paths import resolve_paths
from pos_app.levelup.errors import LevelUpError

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands

__all__ = ["CommandError", "ExitCode", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``levelup-pos`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    command: Command = getattr(args, "command", tools.GUI)  # no command: the cashier window
    verbosity = getattr(args, "verbose", 0)
    logs.configure((logging.ERROR, logging.INFO, logging.DEBUG)[min(verbosity, 2)])
    paths = resolve_paths(getattr(args, "data_dir", None), os.environ)
    refusal = (
        None
        if command.as_root
        else root_refusal(paths.data_dir, sys.argv[1:] if argv is None else argv)
    )
    if refusal is not None:
        print(f"levelup-pos {command.name}".rstrip() + f": {refusal}", file=sys.stderr)
        return ExitCode.WRONG_ACCOUNT
    if command.files:
        try:
            logs.log_to_files(paths.create().log_dir)
        except OSError as error:  # a read-only or full disk: the command says what it can
            print(
                f"levelup-pos: no log file ({_storage_failure(error) or error}).", file=sys.stderr
            )
        logs.install_crash_handler(paths.log_dir)
    return _run(command, args, os.environ, sys.stdout, sys.stderr)


_COMMANDS: list[Callable[[Subcommands, argparse.ArgumentParser], None]] = [
    tools.add_paths,
    tools.add_calc,
    tools.add_code,
    tools.add_sandbox,
    api.add_api,
    tools.add_demo,
    journal.add_journal,
    journal.add_recover,
    config.add_setup,
    config.add_config,
    pay_by_email.add_pay_by_email,
    staff.add_staff,
    drawer.add_drawer,
    shift.add_shift,
    report.add_report,
    store.add_store,
    printers.add_printers,
    printers.add_receipts,
    printers.add_email,
    scanners.add_scanners,
    fleet.add_status,
    fleet.add_drain,
    backup.add_backup,
]
"""Each adds one command (or group) to the parser, in the order ``--help`` lists them."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="levelup-pos",
        description="LevelUp POS: a register that takes LevelUp QR payments. With no command, "
        "it opens the cashier window (a demo register when the data directory was never set "
        "up).",
        parents=[options(verbose=False)],
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    common = options()
    for add in _COMMANDS:
        add(commands, common)
    return parser


def _version() -> str:
    """``levelup-pos 0.1.0``, and the installed build's revision and commit (``BUILD-INFO``
    beside the bundle), so that two builds of one version can be told apart."""
    build = build_info()
    if not build:
        return f"levelup-pos {__version__}"
    revision, commit = build.get("revision", "?"), build.get("commit", "?")
    return f"levelup-pos {__version__} (revision {revision}, commit {commit})"


# ----- the one place errors become messages and exit statuses ------------------------------

EXPECTED: tuple[tuple[str, str], ...] = (
    ("pos_app.app.backup", "BackupError"),
    ("pos_app.app.onboarding", "OnboardingError"),
    ("pos_app.app.reports", "ReportError"),
    ("pos_app.store.database", "StoreError"),
    ("pos_app.app.terminal", "TerminalError"),
    ("pos_app.host.instance", "DataDirectoryBusy"),
    ("pos_app.host.secrets", "SecretStoreError"),
    ("pos_app.host.settings", "SettingsError"),
    ("pos_app.journal.opening", "JournalUnusable"),
)
"""The project's errors whose message is fit for the person who typed the command, by module
and class name. They end it with ``FAILED``; anything else is a bug and keeps its traceback."""


def _run(
    command: Command,
    args: argparse.Namespace,
    environ: Mapping[str, str],
    out: TextIO,
    err: TextIO,
) -> int:
    """Run ``command``; what stops it is said as ``levelup-pos NAME: message``."""
    before = logs.registered_secrets()
    try:
        return command.run(args, environ, out, err)
    except BrokenPipeError:  # the reader (``| head``) stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except KeyboardInterrupt:
        if command.stopped is None:
            raise
        message, status = "stopped; run it again to finish.", command.stopped
    except Exception as exc:
        failure = _failure(exc)
        if failure is None:
            raise
        message, status = failure
    # A secret typed into this command (a password quoted back by a server) is masked too.
    said = logs.scrub(message, besides=before)
    print(f"levelup-pos {command.name}".rstrip() + f": {said}", file=err)
    return status


def _failure(exc: Exception) -> tuple[str, ExitCode] | None:
    """The message and status of an expected error; None for any other."""
    if isinstance(exc, CommandError):
        return str(exc), exc.status
    if isinstance(exc, LevelUpError):  # what the cashier would be told, then the detail
        return f"{exc.cashier_message}\n  {exc.detail}", ExitCode.FAILED
    for module, name in EXPECTED:
        # An error of a module that was never imported cannot have been raised: importing it
        # here would only load its libraries (SQLAlchemy, httpx) for nothing.
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(exc, getattr(loaded, name)):
            return str(exc), ExitCode.FAILED
    storage = _storage_failure(exc)
    return None if storage is None else (storage, ExitCode.FAILED)


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def _storage_failure(exc: BaseException) -> str | None:
    """The plain words for a disk that is full or cannot be written, wherever in the chain
    of causes it shows (SQLite's own error, through SQLAlchemy, or the OS's)."""
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen).lower()
        if (isinstance(seen, OSError) and seen.errno in _FULL) or "disk is full" in text:
            return (
                "the disk is full: nothing was lost, but nothing more can be recorded. Free some "
                "space, then run the command again (levelup-pos recover settles any payment "
                "that was under way)."
            )
        if isinstance(seen, OSError) and seen.errno in _READ_ONLY:
            where = f" {seen.filename}" if seen.filename else ""
            return (
                f"cannot write{where} ({seen.strerror}): check the data directory's disk and owner."
            )
        if "readonly database" in text or "read-only file system" in text:
            return (
                "the journal cannot be written (its disk or file is read-only): check the data "
                "directory's disk and owner."
            )
        seen = seen.__cause__ or seen.__context__
    return None
