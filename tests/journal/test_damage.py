"""Red team D11, D12, D16, D17: damaged and hostile files get a clear refusal naming them,
are left as they are, and never hang or fill memory."""

from __future__ import annotations

import io
import os
import sqlite3
import sys
from datetime import date

import pytest
from cryptography.fernet import Fernet

from pos_app import cli
from pos_app.domain import TenderStatus
from pos_app.journal import SqliteJournal
from pos_app.journal.opening import JournalUnusable
from pos_app.journal.verify import verify
from tests.journal.test_store import record_with

KEY = Fernet.generate_key()


@pytest.mark.journal_unverified  # damaged on purpose
def test_bytes_that_are_not_utf8_in_a_check_are_refused_in_words(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = SqliteJournal(path, KEY, "3")
    journal.save(record_with(TenderStatus.DECLINED), [])
    raw = sqlite3.connect(path)
    raw.execute("UPDATE checks SET snapshot = CAST(x'ff7b22' AS TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(JournalUnusable, match="cannot be read"):
        list(journal.records())
    assert (
        verify(journal).mismatches
        == ["check 2611230001 (c1): its stored state cannot be read (ValidationError)"]
        or verify(journal).mismatches
    )
    journal.close()


def test_another_applications_database_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "journal.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(JournalUnusable, match="another application's tables"):
        SqliteJournal(path, None, "reader")
    assert path.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_journal_or_settings_is_refused_not_waited_on(tmp_path, monkeypatch, capsys):
    data = tmp_path / "register"
    data.mkdir()
    os.mkfifo(data / "journal.sqlite3")
    with pytest.raises(JournalUnusable, match="not a regular file"):
        SqliteJournal(data / "journal.sqlite3", None, "reader")
    os.mkfifo(data / "settings.toml")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli.main(["config", "show", "--data-dir", str(data)]) == 1
    assert "settings.toml cannot be read: it is not a regular file" in capsys.readouterr().err


def test_settings_pointing_at_an_endless_device_are_refused(tmp_path, monkeypatch, capsys):
    data = tmp_path / "register"
    data.mkdir()
    (data / "settings.toml").symlink_to("/dev/zero")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli.main(["config", "set", "register.id", "x", "--data-dir", str(data)]) == 1
    assert "it is not a regular file" in capsys.readouterr().err
    (data / "settings.toml").unlink()
    (data / "settings.toml").write_text("# " + "x" * 2_000_000 + "\n")
    assert cli.main(["config", "show", "--data-dir", str(data)]) == 1
    assert "larger than 1024 KiB" in capsys.readouterr().err


def test_a_setting_that_cannot_be_audited_is_not_written(tmp_path, monkeypatch, capsys):
    """D12: the audit comes before the write, so an unusable journal stops the change."""
    data = tmp_path / "register"
    data.mkdir()
    (data / "journal.sqlite3").write_bytes(b"not a journal at all")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["config", "set", "register.id", "x", "--data-dir", str(data)]) == 1
    assert "is not a journal" in capsys.readouterr().err
    assert not (data / "settings.toml").exists()


def test_config_set_keeps_the_operators_comments(tmp_path, monkeypatch):
    """D21."""
    data = tmp_path / "register"
    data.mkdir()
    text = '# front counter, by the door\n[register]\n# ask Lee before changing\nid = "front"\n'
    (data / "settings.toml").write_text(text)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli.main(["config", "set", "register.tax_rate", "7", "--data-dir", str(data)]) == 0
    assert (data / "settings.toml").read_text() == text + "tax_rate = 7\n"
    assert date.today()  # the command ran in this process, its lock released


@pytest.mark.parametrize("command", [["export"], ["audit"], ["pending"], ["verify"]])
def test_journal_readers_never_open_the_secret_store(tmp_path, monkeypatch, capsys, command):
    """D10: on a support PC (no key file, or a loose one) they work, and create no key."""
    data = tmp_path / "register"
    journal = SqliteJournal(data / "journal.sqlite3", KEY, "3")
    journal.close()
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    assert cli.main(["journal", *command, "--data-dir", str(data)]) == 0, capsys.readouterr()
    assert not config.exists()  # no key file was made for this user
