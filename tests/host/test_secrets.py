"""The secret store: keyring where the OS offers one, otherwise a Fernet-encrypted file."""

import json
import os
import stat
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from cryptography.fernet import Fernet
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.backends.chainer import ChainerBackend

from pos_app.host.secrets import (
    EncryptedFileStore,
    KeyringStore,
    SecretStoreError,
    default_key_path,
    new_data_key,
    open_secret_store,
)

SECRET = "tok-3f9a1c7e5b2d-SECRET"
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX matter")


def unregistered(cls):
    """keyring offers every backend class it has seen to auto-detection: keep ours out of it."""
    KeyringBackend._classes.discard(cls)
    return cls


@unregistered
class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("no such password") from None


@unregistered
class AltStyleKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext backend: same module prefix, would work."""


AltStyleKeyring.__module__ = "keyrings.alt.file"


@unregistered
class LockedKeyring(MemoryKeyring):
    """Claims a good priority but fails when asked, like a locked keychain."""

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")


@pytest.fixture
def active_keyring() -> Iterator[None]:
    """Lets a test call ``keyring.set_keyring``; puts the original backend back afterwards."""
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


@pytest.fixture
def store(tmp_path) -> EncryptedFileStore:
    return EncryptedFileStore(tmp_path / "data" / "secrets.json", tmp_path / "config" / "key")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# EncryptedFileStore


def test_set_get_delete_round_trip(store):
    assert store.get("merchant-token") is None
    store.set("merchant-token", SECRET)
    store.set("journal-key", "other")
    assert store.get("merchant-token") == SECRET
    store.delete("merchant-token")
    assert store.get("merchant-token") is None
    assert store.get("journal-key") == "other"
    store.delete("merchant-token")  # deleting a missing name is fine


def test_a_second_store_on_the_same_files_reads_the_values(store):
    store.set("merchant-token", SECRET)
    again = EncryptedFileStore(store.path, store.key_path)
    assert again.get("merchant-token") == SECRET


def test_non_ascii_values_survive(store):
    store.set("note", "café ☕")
    assert store.get("note") == "café ☕"


def test_the_values_file_holds_no_plaintext(store):
    store.set("merchant-token", SECRET)
    raw = store.path.read_bytes()
    assert SECRET.encode() not in raw
    assert b"3f9a1c7e5b2d" not in raw
    assert json.loads(raw)["secrets"].keys() == {"merchant-token"}


@posix_only
def test_key_and_values_files_are_private(store):
    store.set("merchant-token", SECRET)
    assert mode(store.key_path) == 0o600
    assert mode(store.key_path.parent) == 0o700
    assert mode(store.path) == 0o600


@posix_only
def test_a_rewrite_leaves_no_temporary_file(store):
    store.set("a", "1")
    store.set("b", "2")
    store.delete("a")
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["secrets.json"]
    assert sorted(p.name for p in store.key_path.parent.iterdir()) == ["key"]


@posix_only
@pytest.mark.parametrize("loose", [0o644, 0o640, 0o602, 0o660])
def test_a_key_file_others_can_use_is_refused(store, loose):
    store.set("merchant-token", SECRET)
    os.chmod(store.key_path, loose)
    fresh = EncryptedFileStore(store.path, store.key_path)
    with pytest.raises(SecretStoreError) as caught:
        fresh.get("merchant-token")
    assert str(store.key_path) in str(caught.value)
    assert f"chmod 600 {store.key_path}" in str(caught.value)


@posix_only
def test_a_new_key_file_is_not_refused_under_a_loose_umask(tmp_path):
    old = os.umask(0)
    try:
        store = EncryptedFileStore(tmp_path / "secrets.json", tmp_path / "cfg" / "key")
        store.set("merchant-token", SECRET)
    finally:
        os.umask(old)
    assert mode(store.key_path) == 0o600
    assert mode(store.path) == 0o600


def test_an_existing_key_file_is_used_not_replaced(tmp_path):
    key = Fernet.generate_key()
    key_path = tmp_path / "key"
    key_path.write_bytes(key + b"\n")
    key_path.chmod(0o600)
    store = EncryptedFileStore(tmp_path / "secrets.json", key_path)
    store.set("merchant-token", SECRET)
    assert key_path.read_bytes() == key + b"\n"
    token = json.loads(store.path.read_bytes())["secrets"]["merchant-token"]
    assert Fernet(key).decrypt(token) == SECRET.encode()


def test_a_key_file_without_a_key_is_refused(tmp_path):
    key_path = tmp_path / "key"
    key_path.write_bytes(b"not a key")
    key_path.chmod(0o600)
    with pytest.raises(SecretStoreError, match="does not hold a Fernet key") as caught:
        EncryptedFileStore(tmp_path / "secrets.json", key_path).get("x")
    assert str(key_path) in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"version": 1}',
        b'{"version": 9, "secrets": {}}',
    ],
)
def test_a_corrupt_values_file_is_reported_and_left_alone(store, content):
    store.set("merchant-token", SECRET)
    store.path.write_bytes(content)
    for attempt in (
        lambda: store.get("merchant-token"),
        lambda: store.set("merchant-token", "new"),
        lambda: store.delete("merchant-token"),
    ):
        with pytest.raises(SecretStoreError, match="corrupt") as caught:
            attempt()
        assert str(store.path) in str(caught.value)
    assert store.path.read_bytes() == content


def test_a_wrong_key_is_reported_and_nothing_is_written(store, tmp_path):
    store.set("merchant-token", SECRET)
    before = store.path.read_bytes()
    other = EncryptedFileStore(store.path, tmp_path / "other" / "key")
    with pytest.raises(SecretStoreError, match="cannot decrypt") as caught:
        other.get("merchant-token")
    assert str(store.path) in str(caught.value)
    with pytest.raises(SecretStoreError):
        other.set("journal-key", "x")
    assert store.path.read_bytes() == before


def test_a_tampered_value_is_reported(store):
    store.set("merchant-token", SECRET)
    document = json.loads(store.path.read_bytes())
    token = document["secrets"]["merchant-token"]
    document["secrets"]["merchant-token"] = (
        token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:]
    )
    store.path.write_text(json.dumps(document))
    with pytest.raises(SecretStoreError, match="cannot decrypt"):
        store.get("merchant-token")


@pytest.mark.parametrize("name", ["", "has space", "ünïcode", "x" * 65, "-leading-dash"])
def test_names_are_short_ascii_identifiers(store, name):
    with pytest.raises(ValueError, match="short ASCII identifier"):
        store.set(name, SECRET)


@unregistered
class LeakyKeyring(MemoryKeyring):
    """Fails to store, quoting the password in its own message."""

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError(f"could not store {password}")


def wrong_key(store, tmp_path):
    EncryptedFileStore(store.path, tmp_path / "other" / "key").get("merchant-token")


def key_file_holding_the_value(store, tmp_path):
    store.key_path.write_bytes(SECRET.encode())
    EncryptedFileStore(store.path, store.key_path).get("merchant-token")


def data_key_that_is_no_key(store, tmp_path):
    new_data_key(store, "merchant-token")


def keyring_that_quotes_the_value(store, tmp_path):
    KeyringStore(backend=LeakyKeyring()).set("merchant-token", SECRET)


def chain_messages(error: BaseException | None) -> str:
    """What a traceback would print of ``error`` and the errors it was raised from."""
    shown = []
    while error is not None:
        shown.extend(traceback.format_exception_only(error))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "".join(shown)


@pytest.mark.parametrize(
    "failure",
    [wrong_key, key_file_holding_the_value, data_key_that_is_no_key, keyring_that_quotes_the_value],
)
def test_error_messages_never_include_the_value(store, tmp_path, failure):
    store.set("merchant-token", SECRET)
    with pytest.raises(SecretStoreError) as caught:
        failure(store, tmp_path)
    shown = chain_messages(caught.value)
    assert shown
    assert SECRET not in shown
    assert "3f9a1c7e5b2d" not in shown


# default_key_path and open_secret_store


def test_default_key_path_is_outside_the_data_directory(tmp_path):
    key_path = default_key_path()
    assert key_path.name == "secret-store.key"
    assert key_path.parent.name == "levelup-pos"
    assert not key_path.is_relative_to(tmp_path)
    store = open_secret_store(tmp_path, prefer_keyring=False)
    assert isinstance(store, EncryptedFileStore)
    assert store.path == tmp_path / "secrets.json"
    assert store.key_path == key_path


@pytest.mark.skipif(sys.platform != "linux", reason="config and data directories differ on Linux")
def test_default_key_path_is_outside_the_default_data_directory(monkeypatch, tmp_path):
    from pos_app.host.paths import resolve_paths

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    data_dir = resolve_paths(None, {}).data_dir
    assert not default_key_path().resolve().is_relative_to(data_dir)


def test_the_key_path_is_the_callers_choice(tmp_path):
    store = open_secret_store(tmp_path, tmp_path / "inside.key", prefer_keyring=False)
    assert isinstance(store, EncryptedFileStore)
    assert store.key_path == tmp_path / "inside.key"


def test_on_this_machine_the_encrypted_file_is_chosen(tmp_path):
    """This machine (and CI) is headless Linux: keyring has only its failing backend."""
    if not isinstance(keyring.get_keyring(), fail.Keyring):
        pytest.skip(f"this machine has a keyring: {keyring.get_keyring()}")
    assert isinstance(open_secret_store(tmp_path), EncryptedFileStore)


def test_the_failing_backend_means_the_encrypted_file(active_keyring, tmp_path):
    keyring.set_keyring(fail.Keyring())
    assert isinstance(open_secret_store(tmp_path, tmp_path / "k"), EncryptedFileStore)


def test_a_usable_keyring_is_preferred(active_keyring, tmp_path):
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    store = open_secret_store(tmp_path, tmp_path / "k")
    assert isinstance(store, KeyringStore)
    store.set("merchant-token", SECRET)
    assert memory.passwords == {("levelup-pos", "merchant-token"): SECRET}
    assert store.get("merchant-token") == SECRET
    store.delete("merchant-token")
    store.delete("merchant-token")
    assert store.get("merchant-token") is None
    assert not (tmp_path / "secrets.json").exists()
    assert not (tmp_path / "k").exists()


def test_a_usable_keyring_is_skipped_when_not_preferred(active_keyring, tmp_path):
    keyring.set_keyring(MemoryKeyring())
    assert isinstance(open_secret_store(tmp_path, prefer_keyring=False), EncryptedFileStore)


def test_keyrings_alt_backends_are_never_used(active_keyring, tmp_path):
    keyring.set_keyring(AltStyleKeyring())
    assert isinstance(open_secret_store(tmp_path, tmp_path / "k"), EncryptedFileStore)


def test_subclasses_of_keyrings_alt_backends_are_never_used(active_keyring, tmp_path):
    @unregistered
    class Derived(AltStyleKeyring):
        pass

    keyring.set_keyring(Derived())
    assert isinstance(open_secret_store(tmp_path, tmp_path / "k"), EncryptedFileStore)


def test_a_keyring_keyring_itself_would_not_recommend_is_not_used(active_keyring, tmp_path):
    @unregistered
    class Unrecommended(MemoryKeyring):
        priority = 0

    keyring.set_keyring(Unrecommended())
    assert isinstance(open_secret_store(tmp_path, tmp_path / "k"), EncryptedFileStore)


def test_a_keyring_that_fails_the_probe_is_not_used(active_keyring, tmp_path):
    keyring.set_keyring(LockedKeyring())
    assert isinstance(open_secret_store(tmp_path, tmp_path / "k"), EncryptedFileStore)


@pytest.mark.parametrize(
    ("chained", "usable"),
    [
        ([], False),
        ([MemoryKeyring()], True),
        ([MemoryKeyring(), AltStyleKeyring()], False),
        ([MemoryKeyring(), LockedKeyring()], False),
    ],
)
def test_a_chainer_is_as_good_as_what_it_chains(
    active_keyring, monkeypatch, tmp_path, chained, usable
):
    monkeypatch.setattr(ChainerBackend, "backends", chained)
    keyring.set_keyring(ChainerBackend())
    store = open_secret_store(tmp_path, tmp_path / "k")
    assert isinstance(store, KeyringStore if usable else EncryptedFileStore)


def test_keyring_failures_become_secret_store_errors():
    store = KeyringStore(backend=fail.Keyring())
    with pytest.raises(SecretStoreError, match="could not read 'merchant-token'"):
        store.get("merchant-token")
    with pytest.raises(SecretStoreError, match="could not store 'merchant-token'"):
        store.set("merchant-token", SECRET)


# new_data_key


@pytest.mark.parametrize("kind", ["file", "keyring"])
def test_new_data_key_is_made_once_and_kept(tmp_path, kind):
    store = (
        EncryptedFileStore(tmp_path / "secrets.json", tmp_path / "cfg" / "key")
        if kind == "file"
        else KeyringStore(backend=MemoryKeyring())
    )
    first = new_data_key(store)
    assert isinstance(first, bytes)
    assert Fernet(first).decrypt(Fernet(first).encrypt(b"4111")) == b"4111"
    assert new_data_key(store) == first
    assert store.get("journal-key") == first.decode()
    assert new_data_key(store, "other-key") != first


def test_new_data_key_refuses_a_stored_value_that_is_no_key(store):
    store.set("journal-key", "not-a-fernet-key")
    with pytest.raises(SecretStoreError, match="'journal-key' is not a Fernet key"):
        new_data_key(store)
