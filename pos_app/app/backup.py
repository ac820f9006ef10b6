"""A register's backup, restorable on another PC: ``levelup-pos backup`` / ``restore``.

A copy of the data directory alone is not enough: its journal's data key and the merchant
token are sealed in ``secrets.json`` with a key that lives outside it (or in the keyring), so
the copy reads nothing on another PC or account. A backup therefore holds the data
directory's files (the journal as a consistent SQLite snapshot, taken while the register may
run) and the register's secrets sealed again with a key derived from a passphrase (scrypt,
then Fernet). No secret is ever in clear in it. Restoring checks every file against the
manifest and the passphrase before it writes anything, then stores the secrets in the new
account's secret store.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pos_app import __version__
from pos_app.host.files import write_atomically, write_temporary
from pos_app.host.paths import Paths
from pos_app.host.secrets import (
    APP_API_KEY,
    APP_CLIENT_SECRET,
    MERCHANT_TOKEN,
    SMTP_PASSWORD,
    STORE_PASSWORD,
    VALUES_FILE_NAME,
    SecretStore,
)

FORMAT = "levelup-pos-backup/1"
SECRET_NAMES = (
    MERCHANT_TOKEN,
    "journal-key",
    STORE_PASSWORD,
    SMTP_PASSWORD,
    APP_API_KEY,
    APP_CLIENT_SECRET,
)
"""Every secret a register keeps (the secret store cannot list its own names)."""
LEFT_OUT = frozenset({VALUES_FILE_NAME, "register.lock", "register.owner"})
"""Files of the data directory a backup never holds: the old PC's sealed secrets (sealed
again inside), and the writer lock of whatever runs there."""
MIN_PASSPHRASE = 12
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MAX_MEMBER = 2 * 1024**3
"""The largest file a backup may hold (a journal of many years is far smaller)."""


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Restored:
    files: list[str]
    secrets: int
    register_id: str
    created_at: str


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must have at least {MIN_PASSPHRASE} characters.")


def make_backup(paths: Paths, secrets: SecretStore, passphrase: str, target: Path) -> list[str]:
    """Write the backup of ``paths`` to ``target`` (mode 0600); the names of its files."""
    check_passphrase(passphrase)
    if not paths.journal_file.is_file():
        raise BackupError(f"there is no journal in {paths.data_dir}: nothing to back up.")
    with tempfile.TemporaryDirectory() as scratch:
        files = _gather(paths, Path(scratch))
        salt = os.urandom(16)
        held = {name: value for name in SECRET_NAMES if (value := secrets.get(name)) is not None}
        sealed = _fernet(passphrase, salt).encrypt(json.dumps(held).encode())
        manifest = {
            "format": FORMAT,
            "version": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "register_id": _register_id(paths),
            "salt": base64.b64encode(salt).decode(),
            "scrypt": SCRYPT,
            "files": {name: _sha256(path) for name, path in files.items()},
            "secrets": hashlib.sha256(sealed).hexdigest(),
        }
        temporary = write_temporary(target, b"")  # mode 0600 from the start
        try:
            with tarfile.open(temporary, mode="w:gz") as archive:
                _add(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
                _add(archive, "secrets.sealed", sealed)
                for name, path in files.items():
                    archive.add(path, arcname=f"files/{name}", filter=_plain)
            with open(temporary, "rb") as written:
                os.fsync(written.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return sorted(files)


def restore_backup(source: Path, paths: Paths, passphrase: str, secrets: SecretStore) -> Restored:
    """Restore ``source`` into ``paths`` (which must hold no journal) and ``secrets``."""
    if paths.journal_file.exists():
        raise BackupError(
            f"{paths.data_dir} already holds a journal: restore into an empty data directory "
            "(move this one aside first; it is never overwritten)."
        )
    manifest, sealed, contents = _read(source)
    salt = base64.b64decode(manifest["salt"])
    try:
        held = json.loads(_fernet(passphrase, salt).decrypt(sealed))
    except InvalidToken:
        raise BackupError("the passphrase is not the one this backup was made with.") from None
    paths.create()
    for name, data in contents.items():
        write_atomically(paths.data_dir / name, data)
    for name, value in held.items():
        if name in SECRET_NAMES:
            secrets.set(name, value)
    return Restored(sorted(contents), len(held), manifest["register_id"], manifest["created_at"])


def _gather(paths: Paths, scratch: Path) -> dict[str, Path]:
    """The data directory's files to back up; the journal as a snapshot in ``scratch``."""
    files: dict[str, Path] = {}
    journal = paths.journal_file
    for path in sorted(paths.data_dir.iterdir()):
        if not path.is_file() or path.is_symlink() or path.name in LEFT_OUT:
            continue
        if path.name.startswith(journal.name + "-") and path.name != journal.name + "-numbers":
            continue  # SQLite's -wal and -shm: their content is in the snapshot
        files[path.name] = path
    snapshot = scratch / journal.name
    source = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    copy = sqlite3.connect(snapshot)
    try:
        source.backup(copy)  # SQLite's online backup: consistent while the register writes
    finally:
        copy.close()
        source.close()
    files[journal.name] = snapshot
    return files


def _read(source: Path) -> tuple[dict[str, Any], bytes, dict[str, bytes]]:
    """The manifest, sealed secrets and files of ``source``, each checked."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(source, mode="r:gz") as archive:
            for member in archive:
                if not member.isfile() or member.size > MAX_MEMBER:
                    raise BackupError(f"{source} holds {member.name!r}, which no backup has.")
                extracted = archive.extractfile(member)
                members[member.name] = extracted.read() if extracted is not None else b""
    except (OSError, EOFError, tarfile.TarError) as error:
        raise BackupError(f"{source} is not a LevelUp POS backup ({error}).") from None
    try:
        manifest = json.loads(members.pop("manifest.json"))
        sealed = members.pop("secrets.sealed")
    except (KeyError, ValueError):
        raise BackupError(f"{source} is not a LevelUp POS backup (no manifest).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of another format ({manifest.get('format')}).")
    if hashlib.sha256(sealed).hexdigest() != manifest["secrets"]:
        raise BackupError(f"{source} is damaged: its sealed secrets do not match the manifest.")
    contents: dict[str, bytes] = {}
    for name, digest in manifest["files"].items():
        data = members.get(f"files/{name}")
        if Path(name).name != name or name in LEFT_OUT:
            raise BackupError(f"{source} names a file no backup may hold: {name!r}.")
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            raise BackupError(f"{source} is damaged: {name} does not match the manifest.")
        contents[name] = data
    return manifest, sealed, contents


def _fernet(passphrase: str, salt: bytes) -> Fernet:
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT["n"], r=SCRYPT["r"], p=SCRYPT["p"])
    return Fernet(base64.urlsafe_b64encode(kdf.derive(passphrase.encode())))


def _register_id(paths: Paths) -> str:
    import tomllib

    try:
        settings = tomllib.loads(paths.settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(settings.get("register", {}).get("id", ""))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No owner, group or mode of the old PC: the restoring account makes the files its own."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info
