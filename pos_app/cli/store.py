"""``store``: the store server (PostgreSQL) that the registers of a store share.

``store password`` keeps the server account's password in the secret store; ``store init``
creates or migrates the server's schema. The other subcommands are added by their modules
(each an ``add_*(actions, common)``), listed in :data:`SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TextIO

from pos_app.cli import store_report, store_shared, store_sync
from pos_app.cli._common import Command, CommandError, ExitCode, data_paths, secret_input

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands

STORE_PASSWORD_ENV = "LEVELUP_POS_STORE_PASSWORD"  # noqa: S105 - the variable's name

SUBCOMMANDS: list[Callable[[Subcommands, argparse.ArgumentParser], None]] = [
    store_sync.add_store_sync,
    store_shared.add_store_shared,
    store_report.add_store_report,
]
"""Each adds one ``store`` subcommand (``store status``, ``store report``, ...)."""


def add_store(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    store = commands.add_parser(
        "store", parents=[common], help="the store server the registers share (PostgreSQL)"
    )
    actions = store.add_subparsers(title="store commands", metavar="ACTION", required=True)
    actions.add_parser(
        "password",
        parents=[common],
        help=f"keep the store server's password in the secret store (asked, or "
        f"${STORE_PASSWORD_ENV})",
    ).set_defaults(command=Command("store password", _password, files=True))
    init = actions.add_parser(
        "init",
        parents=[common],
        help="create the store server's schema, or migrate it to this version's",
        description="Safe to run again: an up-to-date schema is left as it is; a migration runs "
        "in one transaction, one server at a time.",
    )
    init.add_argument("--url", help="the server (default: this register's store.url)")
    init.set_defaults(command=Command("store init", _init))
    for add in SUBCOMMANDS:
        add(actions, common)


def _password(
    args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    from pos_app.host.secrets import STORE_PASSWORD, open_secret_store
    from pos_app.host.settings import load_settings

    paths = data_paths(args, environ).create()
    if not load_settings(paths, environ).store.url:
        raise CommandError("Set store.url first: levelup-pos config set store.url postgresql://...")
    password = secret_input("Store server password: ", environ, STORE_PASSWORD_ENV)
    open_secret_store(paths.data_dir).set(STORE_PASSWORD, password)
    print("The store server's password is in the secret store.", file=out)
    return ExitCode.OK


def _init(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.host.secrets import STORE_PASSWORD, open_secret_store
    from pos_app.host.settings import load_settings
    from pos_app.store.database import init_store, open_store, safe_url

    paths = data_paths(args, environ)
    url = args.url or load_settings(paths, environ).store.url
    if not url:
        raise CommandError("No store server: set store.url, or give --url postgresql://...")
    password = environ.get(STORE_PASSWORD_ENV) or open_secret_store(paths.data_dir).get(
        STORE_PASSWORD
    )
    database = open_store(url, password)
    try:
        before, after = init_store(database)
    finally:
        database.dispose()
    if before == after:
        print(f"The store server {safe_url(url)} is up to date (schema {after}).", file=out)
    else:
        was = "a new schema" if before is None else f"from {before}"
        print(f"The store server {safe_url(url)} now has schema {after} ({was}).", file=out)
    return ExitCode.OK
