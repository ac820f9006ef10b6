"""``store staff``, ``store catalog``, ``store settings`` and ``store audit``: what the store
server keeps for every register of this register's location, and who changed it.

A change names the admin who approves it (``--admin ID``); their PIN is asked at a terminal or
read from standard input (after the new member's PIN for ``store staff add``). The server's
first admins come from a register: ``store staff import --admin ID`` copies this register's
staff, approved by one of its own admins.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import (
    Command,
    CommandError,
    ExitCode,
    Run,
    approver_pin,
    data_paths,
    read_pin,
)

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.store.shared import AdminPin, Database


def add_store_shared(actions: Subcommands, common: argparse.ArgumentParser) -> None:
    where = argparse.ArgumentParser(add_help=False, parents=[common])
    where.add_argument(
        "--location", type=int, help="the LevelUp location (default: this register's)"
    )
    admin = argparse.ArgumentParser(add_help=False)
    admin.add_argument("--admin", required=True, metavar="ID", help="the admin who approves it")

    def group(name: str, text: str) -> tuple[str, Subcommands]:
        parser = actions.add_parser(name, parents=[common], help=text)
        title = f"store {name}"
        return title, parser.add_subparsers(
            title=f"{title} commands", metavar="ACTION", required=True
        )

    def action(
        group: tuple[str, Subcommands], name: str, text: str, run: Run, *, approved: bool = False
    ) -> argparse.ArgumentParser:
        parents = [where, admin] if approved else [where]
        parser = group[1].add_parser(name, parents=parents, help=text)
        parser.set_defaults(command=Command(group[0], run))
        return parser

    staff = group("staff", "the staff of every register of the store (PIN hashes only)")
    add = action(staff, "add", "add a staff member", _staff_add, approved=True)
    add.add_argument("staff_id")
    add.add_argument("name")
    add.add_argument("--role", choices=["cashier", "manager", "admin"], default="cashier")
    action(staff, "list", "every staff member", _staff_list)
    disable = action(staff, "disable", "stop a sign-in everywhere", _staff_disable, approved=True)
    disable.add_argument("staff_id")
    action(staff, "import", "copy this register's staff to the server", _import, approved=True)

    catalog = group("catalog", "the menu every register of the store sells from")
    put = action(catalog, "put", "make a catalog file the store's", _catalog_put, approved=True)
    put.add_argument("file", type=Path)
    action(catalog, "show", "the store's catalog, as a catalog file", _catalog_show)

    settings = group("settings", "store-wide settings (tax rate, discounts, receipts, offline)")
    set_ = action(settings, "set", "set a store-wide setting", _settings_set, approved=True)
    set_.add_argument("key", help="SECTION.KEY, e.g. register.tax_rate")
    set_.add_argument("value")
    unset = action(settings, "unset", "leave a setting to each register", _unset, approved=True)
    unset.add_argument("key")
    action(settings, "show", "the store-wide settings", _settings_show)

    audit = action(("store", actions), "audit", "who changed staff, catalog, settings", _audit)
    audit.add_argument("--limit", type=int, default=50)


@contextmanager
def _server(args: argparse.Namespace, environ: Mapping[str, str]) -> Iterator[tuple[Database, int]]:
    """The store server of this register (its schema current) and the location meant."""
    from pos_app.engine.staff import AccessDenied
    from pos_app.host.secrets import open_secret_store
    from pos_app.host.settings import load_settings
    from pos_app.store.connect import configured_store

    paths = data_paths(args, environ)
    config = load_settings(paths, environ)
    location = args.location or config.levelup.location_id
    if location is None:
        raise CommandError("Which location? Set up this register, or give --location ID.")
    database = configured_store(config, open_secret_store(paths.data_dir))
    try:
        yield database, location
    except (AccessDenied, ValueError) as exc:  # a wrong PIN, a taken id, a short PIN...
        raise CommandError(str(exc)) from None
    finally:
        database.dispose()


def _admin(args: argparse.Namespace) -> AdminPin:
    from pos_app.store.shared import AdminPin

    return AdminPin(args.admin, approver_pin(args.admin))


def _staff_add(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO) -> int:
    from pos_app.engine.staff import Role, StaffMember
    from pos_app.store.shared import add_staff

    pin = read_pin()
    admin = _admin(args)
    member = StaffMember(args.staff_id, args.name, Role(args.role))
    with _server(args, environ) as (database, location):
        add_staff(database, location, admin, member, pin)
    print(f"added {member.staff_id} ({member.name}), {member.role.value}, at the store", file=out)
    return ExitCode.OK


def _staff_list(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO
) -> int:
    from pos_app.store.shared import shared_copy

    with _server(args, environ) as (database, location):
        members = shared_copy(database, location).staff
    for member in members:
        state = "" if member.active else "  (disabled)"
        print(f"{member.staff_id:<16} {member.role.value:<8} {member.name}{state}", file=out)
    if not members:
        print("No staff at the store yet: levelup-pos store staff import --admin ID.", file=out)
    return ExitCode.OK


def _staff_disable(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO
) -> int:
    from pos_app.store.shared import disable_staff

    admin = _admin(args)
    with _server(args, environ) as (database, location):
        disable_staff(database, location, admin, args.staff_id)
    print(f"{args.staff_id} can no longer sign in at any register of the store.", file=out)
    return ExitCode.OK


def _import(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO) -> int:
    from pos_app.app.journals import open_journal
    from pos_app.journal.staff import SqliteStaff
    from pos_app.store.shared import import_staff

    paths = data_paths(args, environ)
    if not paths.journal_file.exists():
        raise CommandError(f"There is no journal (and no staff) in {paths.data_dir}.")
    admin = _admin(args)
    journal = open_journal(paths, terminal_id="staff", codes=False)
    try:
        register = SqliteStaff(journal)
        with _server(args, environ) as (database, location):
            added, kept = import_staff(database, location, admin, register.records(), register)
    finally:
        journal.close()
    print(f"added {len(added)} to the store: {', '.join(added) or 'none'}", file=out)
    if kept:
        print(f"kept as the store has them: {', '.join(kept)}", file=out)
    return ExitCode.OK


def _catalog_put(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO
) -> int:
    from pos_app.app.catalog import CatalogError, load_catalog
    from pos_app.store.shared import put_catalog

    try:
        catalog = load_catalog(args.file)
        document = args.file.read_text(encoding="utf-8")
    except CatalogError as exc:
        raise CommandError(str(exc)) from None
    admin = _admin(args)
    with _server(args, environ) as (database, location):
        version = put_catalog(database, location, admin, document)
    print(f"The store's catalog is now version {version} ({len(catalog.items)} items).", file=out)
    return ExitCode.OK


def _catalog_show(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO
) -> int:
    from pos_app.store.shared import shared_copy

    with _server(args, environ) as (database, location):
        catalog = shared_copy(database, location).catalog
    if catalog is None:
        raise CommandError("The store has no catalog yet: levelup-pos store catalog put FILE.")
    changed = catalog.changed_at.astimezone(UTC)
    print(f"# version {catalog.version}, changed {changed:%Y-%m-%d %H:%M} UTC", file=out)
    print(catalog.document.rstrip("\n"), file=out)
    return ExitCode.OK


def _settings_set(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO
) -> int:
    return _setting(args, environ, out, args.value)


def _unset(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO) -> int:
    return _setting(args, environ, out, None)


def _setting(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, value: str | None
) -> int:
    from pos_app.host.settings import check_store_setting
    from pos_app.store.shared import set_setting

    if value is not None:
        check_store_setting(args.key, value)  # before the PIN is asked
    admin = _admin(args)
    with _server(args, environ) as (database, location):
        set_setting(database, location, admin, args.key, value)
    said = f"= {value}" if value is not None else "is left to each register"
    print(f"{args.key} {said} (registers take it at their next start)", file=out)
    return ExitCode.OK


def _settings_show(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO
) -> int:
    from pos_app.host.settings import STORE_WIDE
    from pos_app.store.shared import shared_copy

    with _server(args, environ) as (database, location):
        settings = shared_copy(database, location).settings
    for key, value in sorted(settings.items()):
        print(f"{key} = {value}", file=out)
    if not settings:
        print(f"No store-wide settings; the store may set {', '.join(STORE_WIDE)}.", file=out)
    return ExitCode.OK


def _audit(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, _: TextIO) -> int:
    from pos_app.store.shared import audit_entries

    with _server(args, environ) as (database, location):
        entries = audit_entries(database, location, max(1, args.limit))
    for entry in entries:
        data = json.dumps(entry.data, sort_keys=True)
        at = entry.at.astimezone(UTC)
        print(f"{at:%Y-%m-%dT%H:%M:%SZ} {entry.who:<24} {entry.what:<16} {data}", file=out)
    if not entries:
        print("Nothing changed at the store yet.", file=out)
    return ExitCode.OK
