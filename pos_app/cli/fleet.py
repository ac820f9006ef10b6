"""``status`` and ``drain``: what fleet tools ask of a register, and the overnight upgrade's
first step.

``drain`` closes the register window of a data directory as SIGTERM does (dialogs and all,
the open check kept for the next start, never while LevelUp answers a payment, and the store
server's missing events shipped first) and waits until it has exited. A command holding the
data directory (``recover``, ``setup``) is waited for, never signalled.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands

WINDOW = "the register window"
"""What the register window writes in ``register.owner`` (:class:`pos_app.app.Terminal`)."""
DRAIN_TIMEOUT = 120.0
"""The longest wait by default: a payment's answer (30 s), shipping (10 s), with room."""


def add_status(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    status = commands.add_parser(
        "status",
        parents=[common],
        help="the register's health: version, LevelUp, payments, devices, store server, last Z",
        description="Exit status 0 when nothing needs attention, 1 otherwise (the problems are "
        "listed). Works while the register runs.",
    )
    status.add_argument("--json", action="store_true", help="one JSON document, for fleet tools")
    status.set_defaults(command=Command("status", _status))


def add_drain(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    drain = commands.add_parser(
        "drain",
        parents=[common],
        help="close the register for an upgrade, after any payment under way",
        description="Closes the register window of the data directory as a shutdown does and "
        "waits until it has exited: exit status 0 when none runs any more, 5 when one still "
        "does after --timeout. Root may run it (it creates nothing in the data directory).",
    )
    drain.add_argument(
        "--timeout",
        type=float,
        default=DRAIN_TIMEOUT,
        metavar="SECONDS",
        help=f"the longest wait (default {DRAIN_TIMEOUT:.0f})",
    )
    drain.set_defaults(command=Command("drain", _drain, as_root=True))


def _status(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.fleet_status import register_status
    from pos_app.host.settings import load_settings

    paths = data_paths(args, environ)
    document = register_status(paths, load_settings(paths, environ))
    if args.json:
        print(json.dumps(document, indent=2), file=out)
    else:
        _say_status(document, out)
    return ExitCode.OK if document["ok"] else ExitCode.FAILED


def _say_status(document: Mapping[str, Any], out: TextIO) -> None:
    running = document["running"]
    levelup = document["levelup"]
    reachable = {True: "reachable", False: "NOT reachable", None: "not asked"}
    last = document["last_z_report"]
    store = document["store"]
    lines = [
        f"levelup-pos {document['version']}, register {document['register']} "
        f"({document['data_dir']})",
        "running: " + (f"process {running['pid']} since {running['since']}" if running else "no"),
        f"LevelUp: {reachable[levelup['reachable']]} {levelup['problem']}".rstrip(),
        f"payments not finished: {document['payments']['unfinished']}",
        f"printer: {document['printer']['url']}, {document['printer']['waiting']} receipts waiting",
        f"scanner: {document['scanner']['url'] or 'none'}",
        "store server: "
        + ("none" if store is None else f"{store['lag_events']} events behind {store['problem']}"),
        "last Z report: " + (f"#{last['number']} of {last['day']}" if last else "none"),
        "OK" if document["ok"] else "needs attention: " + "; ".join(document["problems"]),
    ]
    print("\n".join(line.rstrip() for line in lines), file=out)


def _drain(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.fleet_status import process_alive, running_register

    if sys.platform == "win32":
        raise CommandError(
            "drain works on Linux; on Windows close the register's window (the installer "
            "refuses while it runs)."
        )
    if args.timeout <= 0:
        raise CommandError("--timeout must be more than 0 seconds.", status=ExitCode.USAGE)
    paths = data_paths(args, environ)
    running = running_register(paths)
    if running is None:
        print(f"No register runs on {paths.data_dir}.", file=out)
        return ExitCode.OK
    pid, what = running["pid"], running["what"]
    started = time.monotonic()
    if what == WINDOW:
        try:
            os.kill(pid, signal.SIGTERM)
        except PermissionError:
            raise CommandError(
                f"cannot close the register (process {pid}): run drain as root or as its account."
            ) from None
        print(f"Closing the register (process {pid}) ...", file=out, flush=True)
    else:
        print(f"Waiting for {what} (process {pid}) to finish ...", file=out, flush=True)
    while process_alive(pid) and time.monotonic() - started < args.timeout:
        time.sleep(0.1)
    waited = time.monotonic() - started
    if process_alive(pid):
        print(
            f"levelup-pos drain: {what} (process {pid}) still runs after {waited:.0f} s (a "
            "payment waiting for LevelUp?): try again later.",
            file=err,
        )
        return ExitCode.STILL_RUNNING
    print(f"Closed after {waited:.1f} s: no register runs on {paths.data_dir}.", file=out)
    return ExitCode.OK
