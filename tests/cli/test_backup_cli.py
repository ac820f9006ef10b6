"""``backup`` and ``restore``: a register restored on another PC or account reads its journal,
and no secret is in clear in the backup (rollout trial D8)."""

from __future__ import annotations

import gzip
import io
import json
import tarfile

import pytest

from pos_app.cli import ExitCode, main
from pos_app.host.paths import Paths
from pos_app.host.secrets import MERCHANT_TOKEN, open_secret_store

PASSPHRASE = "correct horse battery"


@pytest.fixture
def register(tmp_path, monkeypatch, capsys):
    """A demo register with a few paid checks, its secret key in this 'PC's' config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "old-pc"))
    data = tmp_path / "old-data"
    assert main(["demo", "--headless", "--checks", "4", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    return data


def export(capsys, data) -> dict:
    assert main(["journal", "export", "--data-dir", str(data)]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_backup_restores_on_another_account_with_every_check(
    register, tmp_path, monkeypatch, capsys
):
    before = export(capsys, register)
    token = open_secret_store(register).get(MERCHANT_TOKEN)
    journal_key = open_secret_store(register).get("journal-key")
    backup = tmp_path / "front-3.backup"
    monkeypatch.setenv("LEVELUP_POS_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["backup", str(backup), "--data-dir", str(register)]) == 0
    assert "journal.sqlite3" in capsys.readouterr().out
    assert backup.stat().st_mode & 0o777 == 0o600
    raw = gzip.decompress(backup.read_bytes())
    for secret in (token, journal_key):
        assert secret and secret.encode() not in raw  # sealed, never in clear
    with tarfile.open(backup) as archive:
        names = archive.getnames()
    assert "files/secrets.json" not in names and "files/register.lock" not in names

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "new-pc"))  # another key, no secrets
    new = tmp_path / "new-data"
    assert main(["restore", str(backup), "--data-dir", str(new)]) == 0
    said = capsys.readouterr().out
    assert f"{len(before['checks'])} checks" in said
    assert export(capsys, new) == before
    assert open_secret_store(new).get(MERCHANT_TOKEN) == token
    assert main(["journal", "verify", "--data-dir", str(new)]) == 0
    written = [p for p in new.iterdir() if p.is_file() and p.name != "register.lock"]
    assert written and all(p.stat().st_mode & 0o077 == 0 for p in written)


def test_a_wrong_passphrase_or_a_damaged_file_restores_nothing(
    register, tmp_path, monkeypatch, capsys
):
    backup = tmp_path / "b"
    monkeypatch.setenv("LEVELUP_POS_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["backup", str(backup), "--data-dir", str(register)]) == 0
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "new-pc"))
    new = tmp_path / "new-data"
    monkeypatch.setenv("LEVELUP_POS_BACKUP_PASSPHRASE", "not the passphrase")
    assert main(["restore", str(backup), "--data-dir", str(new)]) == ExitCode.FAILED
    assert "passphrase is not the one" in capsys.readouterr().err
    assert not (new / "journal.sqlite3").exists()

    damaged = tmp_path / "damaged"
    with tarfile.open(backup) as archive, tarfile.open(damaged, "w:gz") as copy:
        for member in archive:
            extracted = archive.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if member.name == "files/journal.sqlite3":
                data = data[:-1] + bytes([data[-1] ^ 1])
            copy.addfile(member, io.BytesIO(data))
    monkeypatch.setenv("LEVELUP_POS_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["restore", str(damaged), "--data-dir", str(new)]) == ExitCode.FAILED
    assert "journal.sqlite3 does not match" in capsys.readouterr().err
    assert not (new / "journal.sqlite3").exists()
    (tmp_path / "junk").write_bytes(b"junk")
    assert main(["restore", str(tmp_path / "junk"), "--data-dir", str(new)]) == ExitCode.FAILED
    assert "is not a LevelUp POS backup" in capsys.readouterr().err


def test_restore_never_replaces_a_journal_and_a_short_passphrase_is_refused(
    register, tmp_path, monkeypatch, capsys
):
    backup = tmp_path / "b"
    monkeypatch.setenv("LEVELUP_POS_BACKUP_PASSPHRASE", "short")
    assert main(["backup", str(backup), "--data-dir", str(register)]) == ExitCode.FAILED
    assert "at least 12 characters" in capsys.readouterr().err and not backup.exists()
    monkeypatch.setenv("LEVELUP_POS_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["backup", str(backup), "--data-dir", str(register)]) == 0
    journal = (register / "journal.sqlite3").read_bytes()
    assert main(["restore", str(backup), "--data-dir", str(register)]) == ExitCode.FAILED
    assert "already holds a journal" in capsys.readouterr().err
    assert (register / "journal.sqlite3").read_bytes() == journal
    assert Paths(register).journal_file.exists()
