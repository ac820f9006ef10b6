"""Which account a register's data directory belongs to.

The register's files (journal, settings, secret store, logs) must stay its cashier account's:
a command run as root (an Ansible task, a root shell) would leave files the cashier cannot
open, and a secret store sealed with root's key. So root is refused in a data directory that
is another account's or a group's, and told which account to run the command as.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import grp

REGISTER_FILES = ("journal.sqlite3", "settings.toml", "secrets.json", "logs")
"""What the register's account creates first, in the order its owner is looked for."""


def register_account(data_dir: Path) -> str | None:
    """The account owning the register's files (None: only root's, or none yet)."""
    for name in REGISTER_FILES:
        try:
            uid = (data_dir / name).stat().st_uid
        except OSError:
            continue
        if uid != 0:
            return _user(uid)
    return None


def root_refusal(data_dir: Path, argv: Sequence[str], euid: int | None = None) -> str | None:
    """Why root must not run ``argv`` on ``data_dir`` (the command to run instead), or None."""
    if (getattr(os, "geteuid", lambda: -1)() if euid is None else euid) != 0:
        return None
    try:
        folder = data_dir.stat()
    except OSError:
        return None  # root's own, new data directory
    account = register_account(data_dir)
    if account is None and folder.st_uid != 0:
        account = _user(folder.st_uid)
    made = any((data_dir / name).exists() for name in REGISTER_FILES)
    shared = folder.st_gid != 0 and folder.st_mode & 0o070
    if account is None and (made or not shared):
        return None  # root's own register, or root's own new data directory
    if account is None:
        group = _group(folder.st_gid)
        members = ", ".join(group.gr_mem) if group is not None and group.gr_mem else "none yet"
        name = group.gr_name if group is not None else str(folder.st_gid)
        account = "CASHIER"
        whose = f"a member of group {name} ({members})"
    else:
        whose = f"account {account}"
    command = shlex.join(["runuser", "-u", account, "--", "levelup-pos", *argv])
    return (
        f"not as root: {data_dir} is the register's, so run this as {whose}: {command} "
        "(files root made there would lock the cashier out of the register)."
    )


def _user(uid: int) -> str:
    import pwd  # POSIX only, as root is

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> grp.struct_group | None:
    import grp

    try:
        return grp.getgrgid(gid)
    except KeyError:
        return None
