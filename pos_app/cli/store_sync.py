"""``store status`` and ``store sync``: how far the registers' journals are on the store server,
and shipping this register's now.

Both only read the journal, so they run while the register's window is open. ``store sync``
exits 0 once the server holds every event of this register's journal, ``PENDING`` (4) when
some are still to ship at its timeout, ``FAILED`` (1) when the server cannot be reached or
refuses them: installers run it before an upgrade.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, reading

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.host.secrets import SecretStore
    from pos_app.host.settings import Settings
    from pos_app.store.registers import RegisterState

SYNC_TIMEOUT = 60.0


def add_store_sync(actions: Subcommands, common: argparse.ArgumentParser) -> None:
    status = actions.add_parser(
        "status",
        parents=[common],
        help="how far each register of this location has shipped its journal to the server",
        description="This register's events still to ship, then each register of its location "
        "as the server has it: the last event shipped, when, the lag and the last error.",
    )
    status.add_argument("--json", action="store_true", help="one JSON document")
    status.add_argument(
        "--merchant", action="store_true", help="every register of the merchant, all locations"
    )
    status.set_defaults(command=Command("store status", _status))
    sync = actions.add_parser(
        "sync",
        parents=[common],
        help="ship this register's journal to the store server now and wait until it holds it",
        description="Exit 0 once the server holds every event; 4 when some still wait at the "
        "timeout; 1 when the server cannot be reached or refuses them.",
    )
    sync.add_argument(
        "--timeout",
        type=float,
        default=SYNC_TIMEOUT,
        metavar="S",
        help="seconds to keep trying (default: %(default)s)",
    )
    sync.set_defaults(command=Command("store sync", _sync))


def _store_config(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> tuple[Settings, SecretStore]:
    from pos_app.host.secrets import open_secret_store
    from pos_app.host.settings import load_settings

    paths = data_paths(args, environ)
    config = load_settings(paths, environ)
    if not config.store.url:
        raise CommandError(
            "This register has no store server: levelup-pos config set store.url postgresql://..."
        )
    if config.levelup.location_id is None:
        raise CommandError("This register is not set up for LevelUp yet: run levelup-pos setup.")
    return config, open_secret_store(paths.data_dir)


def _sync(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.shipping import Shipper

    config, secrets = _store_config(args, environ)
    with reading(args, environ) as journal:
        shipper = Shipper.of(journal, config, secrets)
        try:
            status = shipper.sync(max(0.0, args.timeout))
        finally:
            shipper.close()
        total = journal.last_seq()
    if status.up_to_date:
        print(f"The store server holds all {total} events of this register.", file=out)
        return ExitCode.OK
    if status.problem:
        print(f"levelup-pos store sync: {status.problem}", file=err)
        return ExitCode.FAILED
    waiting = "some" if status.pending is None else str(status.pending)
    print(f"{waiting} of {total} events still wait to ship; run it again.", file=err)
    return ExitCode.PENDING


def _status(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.store.connect import configured_store
    from pos_app.store.events import RegisterKey, shipped_seq
    from pos_app.store.registers import registers_of

    config, secrets = _store_config(args, environ)
    levelup = config.levelup
    key = RegisterKey(levelup.merchant_id or 0, levelup.location_id or 0, config.register_.id)
    paths = data_paths(args, environ)
    journal_seq = 0
    if paths.journal_file.exists():
        with reading(args, environ) as journal:
            journal_seq = journal.last_seq()
    database = configured_store(config, secrets)
    try:
        held = shipped_seq(database, key)
        if args.merchant:
            found = registers_of(database, merchant_id=key.merchant_id)
        else:
            found = registers_of(database, location_id=key.location_id)
    finally:
        database.dispose()
    now = datetime.now(UTC)
    mine = {
        "location_id": key.location_id,
        "register_id": key.register_id,
        "journal_seq": journal_seq,
        "shipped_seq": held,
        "pending": max(0, journal_seq - held),
    }
    rows = [_register_json(state, now) for state in found]
    if args.json:
        print(json.dumps({"register": mine, "registers": rows}), file=out)
        return ExitCode.OK
    print(
        f"This register ({key.register_id} at location {key.location_id}): "
        f"{mine['pending']} events waiting; the server holds {held} of {journal_seq}.",
        file=out,
    )
    where = f"merchant {key.merchant_id}" if args.merchant else f"location {key.location_id}"
    print(f"Registers of {where} on the store server:", file=out)
    print(f"  {'location':>8}  {'register':<12} {'shipped':>8}  {'lag':>9}  last error", file=out)
    for row in rows:
        lag = "never" if row["lag_seconds"] is None else _duration(row["lag_seconds"])
        print(
            f"  {row['location_id']:>8}  {row['register_id']:<12} {row['shipped_seq']:>8}  "
            f"{lag:>9}  {row['last_error'] or '-'}",
            file=out,
        )
    return ExitCode.OK


def _register_json(state: RegisterState, now: datetime) -> dict[str, Any]:
    shipped_at = state.shipped_at
    return {
        "merchant_id": state.key.merchant_id,
        "location_id": state.key.location_id,
        "register_id": state.key.register_id,
        "shipped_seq": state.shipped_seq,
        "shipped_at": None if shipped_at is None else shipped_at.astimezone(UTC).isoformat(),
        "lag_seconds": None if shipped_at is None else round((now - shipped_at).total_seconds()),
        "last_error": state.last_error,
    }


def _duration(seconds: int) -> str:
    """``42 s``, ``5 min``, ``3 h``, ``2 d`` ago."""
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{max(0, seconds)} s"
