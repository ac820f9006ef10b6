"""``levelup-pos pay-by-email setup|status|forget`` and ``setup --pay-by-email``: the app
credentials paying by email needs, tested at LevelUp, kept in the secret store, audited."""

from __future__ import annotations

import io
import sys

from pos_app import cli
from pos_app.app.email_payments import AppCredentials
from pos_app.host.secrets import open_secret_store
from tests.app.test_setup import API_KEY, setup

SECRET = "levelup-pos-demo-client-secret"


def run(monkeypatch, capsys, tmp_path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = cli.main([*argv, "--data-dir", str(tmp_path / "register")])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def kept(tmp_path) -> AppCredentials | None:
    return AppCredentials.of(open_secret_store(tmp_path / "register"))


def test_setup_keeps_the_app_credentials_when_asked(monkeypatch, capsys, tmp_path, server):
    server.reset()
    monkeypatch.setenv("LEVELUP_POS_CLIENT_SECRET", SECRET)
    status, out, err = setup(
        monkeypatch, capsys, tmp_path, server, "--location", "19", "--pay-by-email"
    )
    assert status == 0, err
    assert "Paying by email is set up (LevelUp app" in out
    credentials = kept(tmp_path)
    assert credentials is not None
    assert credentials.api_key.get_secret_value() == API_KEY
    written = b"".join(f.read_bytes() for f in (tmp_path / "register").rglob("*") if f.is_file())
    assert SECRET.encode() not in written
    assert run(monkeypatch, capsys, tmp_path, "pay-by-email", "status", "--check")[0] == 0


def test_credentials_are_tested_set_shown_and_forgotten(monkeypatch, capsys, tmp_path, server):
    server.reset()
    assert setup(monkeypatch, capsys, tmp_path, server, "--location", "19")[0] == 0
    status, out, _ = run(monkeypatch, capsys, tmp_path, "pay-by-email", "status")
    assert status == 1 and "not set up" in out

    monkeypatch.setenv("LEVELUP_POS_CLIENT_SECRET", "not-the-secret")
    status, _, err = run(monkeypatch, capsys, tmp_path, "pay-by-email", "setup")
    assert status == 1 and "LevelUp refused that API key and client secret" in err
    assert kept(tmp_path) is None

    monkeypatch.setenv("LEVELUP_POS_CLIENT_SECRET", SECRET)
    status, out, err = run(monkeypatch, capsys, tmp_path, "pay-by-email", "setup")
    assert status == 0, err
    assert kept(tmp_path) is not None
    status, out, _ = run(monkeypatch, capsys, tmp_path, "pay-by-email", "status", "--check")
    assert status == 0 and "LevelUp took the credentials" in out

    status, out, _ = run(monkeypatch, capsys, tmp_path, "pay-by-email", "forget")
    assert status == 0 and "no longer offers paying by email" in out
    assert kept(tmp_path) is None


def test_a_demo_register_has_the_demo_apps_credentials_already(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from pos_app.app.terminal import sign_in_to_sandbox
    from pos_app.host.paths import Paths

    sign_in_to_sandbox(Paths(tmp_path / "register"), None, {})
    assert kept(tmp_path) is not None
    monkeypatch.setenv("LEVELUP_POS_API_KEY", API_KEY)
    monkeypatch.setenv("LEVELUP_POS_CLIENT_SECRET", SECRET)
    status, _, err = run(monkeypatch, capsys, tmp_path, "pay-by-email", "setup")
    assert status == 1 and "This is a demo register" in err
