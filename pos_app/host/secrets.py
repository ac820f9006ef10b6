"""Where the terminal keeps its secrets: the merchant token, the journal's data key and the like.

The operating system's credential store is the right place when there is one: the Windows
Credential Manager (DPAPI), the macOS Keychain, or a Secret Service on a Linux desktop, all
reached through ``keyring``. A headless Linux terminal usually has none of them: ``keyring`` then
falls back to a backend that fails on every call. ``keyrings.alt``'s file backends are never
used: the plaintext one only base64-encodes, which protects nothing.

Without a usable keyring, secrets go to one JSON file in the data directory, each value encrypted
with Fernet (AES-128-CBC and HMAC-SHA256). The Fernet key lives in its own file outside the data
directory, readable by the service user only (mode 0600), so a copy or backup of the data
directory holds no readable secret. A key file that other users can read or write is refused, and
a values file that is corrupt or was written with another key is reported, never overwritten.

:func:`open_secret_store` makes the choice; :func:`new_data_key` hands out a data key.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Protocol

import keyring
import keyring.errors
import platformdirs
from cryptography.fernet import Fernet, InvalidToken
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from pos_app.host.files import sync_directory, write_atomically, write_temporary

APP_NAME = "levelup-pos"
MERCHANT_TOKEN = "merchant-token"  # noqa: S105 - the name it is stored under
"""The secret the register's LevelUp merchant token is kept as."""
STORE_PASSWORD = "store-password"  # noqa: S105 - the name it is stored under
"""The password of the store server's account (``store.url``)."""
SMTP_PASSWORD = "smtp-password"  # noqa: S105 - the name it is stored under
"""The password of the merchant's SMTP server (``email.user``), for emailed receipts."""
APP_API_KEY = "levelup-app-api-key"
"""The register's LevelUp app API key, for paying by email (``levelup-pos pay-by-email``)."""
APP_CLIENT_SECRET = "levelup-app-client-secret"  # noqa: S105 - the name it is stored under
"""That app's client secret."""
VALUES_FILE_NAME = "secrets.json"
KEY_FILE_NAME = "secret-store.key"

_FORMAT_VERSION = 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PROBE_NAME = "keyring-probe"


class SecretStoreError(Exception):
    """A secret could not be read or stored. Messages name files and secrets, never values."""


class SecretStore(Protocol):
    """A small store of secrets, each a string under a short ASCII name."""

    def get(self, name: str) -> str | None:
        """The value stored under ``name``, or None when there is none."""

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name``, replacing any previous value."""

    def delete(self, name: str) -> None:
        """Forget ``name``; forgetting a name that is not there does nothing."""


class KeyringStore:
    """Secrets in the operating system's credential store, through ``keyring``.

    ``backend`` defaults to ``keyring``'s active backend at construction.
    """

    def __init__(self, service: str = APP_NAME, *, backend: KeyringBackend | None = None) -> None:
        self.service = service
        self.backend = keyring.get_keyring() if backend is None else backend

    def get(self, name: str) -> str | None:
        """The value stored under ``name``, or None when there is none."""
        _check_name(name)
        try:
            return self.backend.get_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"{self._where()} could not read {name!r}: {exc}") from exc

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name``, replacing any previous value."""
        _check_name(name)
        try:
            self.backend.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            # The backend's own message is left out: it might quote what it was given.
            raise SecretStoreError(
                f"{self._where()} could not store {name!r} ({type(exc).__name__})"
            ) from None

    def delete(self, name: str) -> None:
        """Forget ``name``; forgetting a name that is not there does nothing."""
        if self.get(name) is None:
            return
        try:
            self.backend.delete_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"{self._where()} could not delete {name!r}: {exc}") from exc

    def _where(self) -> str:
        kind = type(self.backend)
        return f"the keyring {kind.__module__}.{kind.__qualname__} (service {self.service!r})"


class EncryptedFileStore:
    """Secrets in one JSON file at ``path``, each encrypted with the Fernet key in ``key_path``.

    The key file is created on first use (mode 0600, in a new directory made 0700). On POSIX a key
    file that group or others may read or write is refused.
    """

    def __init__(self, path: Path, key_path: Path) -> None:
        self.path = path
        self.key_path = key_path
        self._fernet: Fernet | None = None

    def get(self, name: str) -> str | None:
        """The value stored under ``name``, or None when there is none."""
        _check_name(name)
        return self._load().get(name)

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name``, replacing any previous value."""
        _check_name(name)
        secrets = self._load()
        secrets[name] = value
        self._save(secrets)

    def delete(self, name: str) -> None:
        """Forget ``name``; forgetting a name that is not there does nothing."""
        _check_name(name)
        secrets = self._load()
        if secrets.pop(name, None) is not None:
            self._save(secrets)

    def _key(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(_load_key(self.key_path))
        return self._fernet

    def _load(self) -> dict[str, str]:
        """Every secret, decrypted: a wrong key shows at once, before anything is written."""
        fernet = self._key()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"cannot read the secret file {self.path}: {exc}") from exc
        try:
            document = json.loads(raw)
        except ValueError as exc:
            raise self._corrupt("it is not JSON") from exc
        tokens = document.get("secrets") if isinstance(document, dict) else None
        if (
            not isinstance(document, dict)
            or document.get("version") != _FORMAT_VERSION
            or not isinstance(tokens, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in tokens.items())
        ):
            raise self._corrupt(f"it is not a version {_FORMAT_VERSION} secret file")
        secrets = {}
        for name, token in tokens.items():
            try:
                secrets[name] = fernet.decrypt(token).decode("utf-8")
            except InvalidToken:
                raise SecretStoreError(
                    f"cannot decrypt {name!r} in the secret file {self.path} with the key in "
                    f"{self.key_path}: the key is not the one the file was written with, or the "
                    "file was altered; neither file was changed"
                ) from None
        return secrets

    def _save(self, secrets: dict[str, str]) -> None:
        fernet = self._key()
        document = {
            "version": _FORMAT_VERSION,
            "secrets": {
                name: fernet.encrypt(value.encode("utf-8")).decode("ascii")
                for name, value in sorted(secrets.items())
            },
        }
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(document, indent=2).encode("ascii") + b"\n")
        except OSError as exc:
            raise SecretStoreError(f"cannot write the secret file {self.path}: {exc}") from exc

    def _corrupt(self, reason: str) -> SecretStoreError:
        return SecretStoreError(
            f"the secret file {self.path} is corrupt ({reason}); it was left as it is: restore "
            "it from a backup, or move it aside to start again without the secrets it held"
        )


def default_key_path() -> Path:
    """Where the Fernet key file goes by default: the per-user config directory.

    On Linux that is ``~/.config/levelup-pos``, apart from the data directory
    (``~/.local/share/levelup-pos``).
    """
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / KEY_FILE_NAME


def open_secret_store(
    data_dir: Path, key_path: Path | None = None, *, prefer_keyring: bool = True
) -> SecretStore:
    """The operating system's keyring when it really keeps secrets, else an encrypted file.

    The file is ``data_dir / "secrets.json"``; its key is in ``key_path``, by default
    :func:`default_key_path`.
    """
    if prefer_keyring:
        backend = keyring.get_keyring()
        if _keyring_is_usable(backend):
            return KeyringStore(backend=backend)
    return EncryptedFileStore(
        data_dir / VALUES_FILE_NAME, default_key_path() if key_path is None else key_path
    )


def new_data_key(store: SecretStore, name: str = "journal-key") -> bytes:
    """The Fernet key stored under ``name``, generated and stored on the first call."""
    stored = store.get(name)
    if stored is None:
        key = Fernet.generate_key()
        store.set(name, key.decode("ascii"))
        return key
    try:
        Fernet(stored)
    except ValueError:
        raise SecretStoreError(f"the secret {name!r} is not a Fernet key") from None
    return stored.encode("ascii")


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"a secret's name is a short ASCII identifier, not {name!r}")


def _keyring_is_usable(backend: KeyringBackend) -> bool:
    """Whether ``backend`` really keeps secrets: not keyrings.alt, not failing, answering."""
    if any(kind.__module__.split(".")[:2] == ["keyrings", "alt"] for kind in type(backend).mro()):
        return False
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and all(_keyring_is_usable(each) for each in chained)
    if backend.priority <= 0:  # keyring's fail (0) and null (-1) backends
        return False
    try:
        backend.get_password(APP_NAME, _PROBE_NAME)
    except Exception:  # a backend fails in its own ways: D-Bus, a locked keychain...
        return False
    return True


def _load_key(path: Path) -> bytes:
    """The Fernet key in ``path``, which is created on first use."""
    try:
        try:
            return _read_key(path)
        except FileNotFoundError:
            _create_key(path)
            return _read_key(path)
    except OSError as exc:
        raise SecretStoreError(f"cannot use the key file {path}: {exc}") from exc


def _read_key(path: Path) -> bytes:
    with path.open("rb") as file:
        if os.name == "posix":
            mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
            if mode & 0o077:
                raise SecretStoreError(
                    f"the key file {path} may be read or written by other users (mode "
                    f"{mode:04o}); make it private with: chmod 600 {path}"
                )
        key = file.read().strip()
    try:
        Fernet(key)
    except ValueError:
        raise SecretStoreError(f"the key file {path} does not hold a Fernet key") from None
    return key


def _create_key(path: Path) -> None:
    """Write a new key to ``path`` atomically, unless another process has just made one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = write_temporary(path, Fernet.generate_key())
    try:
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)  # unlike os.replace, never replaces an existing key
    finally:
        os.unlink(temporary)
    sync_directory(path.parent)
