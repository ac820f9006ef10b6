"""``backup`` and ``restore``: a register's journal, settings and secrets in one file that
another PC (or account) can restore; the secrets sealed with a passphrase."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, at_terminal, data_paths, secret_input

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands

PASSPHRASE_ENV = "LEVELUP_POS_BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name


def add_backup(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="write the register's journal, settings and secrets to one file",
        description="Safe while the register runs (the journal is copied as one consistent "
        "snapshot). The secrets (merchant token, the journal's data key) are sealed with a "
        f"passphrase of at least 12 characters: ${PASSPHRASE_ENV}, asked twice at a terminal, "
        "or the first line of standard input. Keep the passphrase apart from the file.",
    )
    backup.add_argument("file", type=Path, help="the backup to write (replaced if it exists)")
    backup.set_defaults(command=Command("backup", _backup))
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="restore a backup into an empty data directory, on this PC and account",
        description="Checks the file and the passphrase before writing anything, then puts "
        "the secrets in this account's secret store. The data directory must hold no "
        "journal. Run it as the account the register runs under.",
    )
    restore.add_argument("file", type=Path, help="the backup to restore")
    restore.set_defaults(command=Command("restore", _restore))


def _passphrase(environ: Mapping[str, str], *, twice: bool) -> str:
    if twice and at_terminal() and not environ.get(PASSPHRASE_ENV):
        first = getpass.getpass("Backup passphrase: ")
        if getpass.getpass("The same passphrase again: ") != first:
            raise CommandError("The two passphrases differ.")
        return first
    return secret_input("Backup passphrase: ", environ, PASSPHRASE_ENV)


def _backup(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.backup import check_passphrase, make_backup
    from pos_app.host.secrets import open_secret_store

    paths = data_paths(args, environ)
    passphrase = _passphrase(environ, twice=True)
    check_passphrase(passphrase)
    files = make_backup(paths, open_secret_store(paths.data_dir), passphrase, args.file)
    size = args.file.stat().st_size
    print(
        f"Backed up {paths.data_dir} ({', '.join(files)}) to {args.file}: {size:,} bytes.", file=out
    )
    return 0


def _restore(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from contextlib import closing

    from pos_app.app.backup import restore_backup
    from pos_app.app.journals import open_journal
    from pos_app.host.instance import WriterLock
    from pos_app.host.secrets import open_secret_store

    paths = data_paths(args, environ)
    passphrase = _passphrase(environ, twice=False)
    with WriterLock(paths, "levelup-pos restore"):
        secrets = open_secret_store(paths.data_dir)
        restored = restore_backup(args.file, paths, passphrase, secrets)
        journal = open_journal(paths, terminal_id="restore", codes=True, secrets=secrets)
        with closing(journal):
            checks = sum(1 for _ in journal.records())
    print(
        f"Restored register {restored.register_id or '1'} (backed up {restored.created_at}) "
        f"into {paths.data_dir}: {checks} checks, {restored.secrets} secrets. Check it with "
        "levelup-pos journal verify, then start the register.",
        file=out,
    )
    return 0
