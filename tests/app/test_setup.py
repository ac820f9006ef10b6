"""``levelup-pos setup``: a merchant signs a register in, and can turn LevelUp off again."""

from __future__ import annotations

import io
import sys

import pytest

from pos_app import cli
from pos_app.engine import IllegalTransition
from tests.engine.support import Register

PASSWORD = "demo-password"
API_KEY = "levelup-pos-demo-api-key"
USER = "manager@demo-cafe.example"


def setup(monkeypatch, capsys, tmp_path, server, *args, password=PASSWORD, api_key=API_KEY):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("LEVELUP_POS_API_KEY", api_key)
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    status = cli.main(
        [
            "setup",
            "--url",
            server.url,
            "--username",
            USER,
            *args,
            "--data-dir",
            str(tmp_path / "register"),
        ]
    )
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_merchant_signs_a_register_in(monkeypatch, capsys, tmp_path, server):
    server.reset()
    status, out, _ = setup(monkeypatch, capsys, tmp_path, server, "--location", "19")
    assert status == 0
    assert "Signed in: Demo Café, Main Street (location 19)" in out
    settings = (tmp_path / "register" / "settings.toml").read_text()
    assert "location_id = 19" in settings and "merchant_id = 1" in settings
    token = server.ledger.seed_view()["merchants"][0]["access_token"]
    written = b"".join(f.read_bytes() for f in (tmp_path / "register").rglob("*") if f.is_file())
    assert PASSWORD.encode() not in written and token.encode() not in written
    assert cli.main(["config", "show", "--data-dir", str(tmp_path / "register")]) == 0
    assert "stored in the secret store" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "kwargs", "says"),
    [
        ((), {}, "several locations; add --location, one of: 19"),
        (("--location", "30"), {}, "Location 30 is not this merchant's"),
        (("--location", "19"), {"password": "wrong"}, "email address or password"),
        (("--location", "19"), {"api_key": "nope"}, "Api key is invalid"),
    ],
)
def test_setup_says_what_is_wrong(monkeypatch, capsys, tmp_path, server, args, kwargs, says):
    server.reset()
    status, _, err = setup(monkeypatch, capsys, tmp_path, server, *args, **kwargs)
    assert status == 1
    assert says in err
    assert not (tmp_path / "register" / "settings.toml").exists()


def test_levelup_can_be_turned_off_without_reinstalling(server, tmp_path):
    server.reset()
    register = Register(server, tmp_path, levelup_enabled=False)
    record = register.check(1000)
    with pytest.raises(IllegalTransition, match="LevelUp is turned off"):
        register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert register.engine.pay_cash(record.check_id, 1000).check.totals.balance_due == 0
    register.close()


def test_setup_turns_a_demo_register_into_a_real_one(monkeypatch, capsys, tmp_path, server):
    from pos_app.app.terminal import DEMO_STAFF, open_register, retire_demo_staff
    from pos_app.engine.staff import Role
    from pos_app.host.paths import Paths
    from pos_app.journal import SqliteJournal
    from pos_app.journal.staff import SqliteStaff

    server.reset()
    paths = Paths(tmp_path / "register")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    open_register(paths, {}).close()  # first opened as a demo: demo staff are added
    journal = SqliteJournal(paths.journal_file, b"0" * 43 + b"=", "test")
    SqliteStaff(journal).add("2", "Real Person", Role.MANAGER, "13579")
    journal.close()
    status, out, _ = setup(monkeypatch, capsys, tmp_path, server, "--location", "19")
    assert status == 0
    assert "The demo staff (1, 9) can no longer sign in" in out
    assert "demo = false" in (tmp_path / "register" / "settings.toml").read_text()
    journal = SqliteJournal(paths.journal_file, b"0" * 43 + b"=", "test")
    active = {m.staff_id for m in SqliteStaff(journal).members() if m.active}
    journal.close()
    assert active == {"2"}
    assert len(DEMO_STAFF) == 2
    assert retire_demo_staff(paths) == []  # once is enough


def test_turning_demo_mode_off_with_config_set_retires_the_demo_staff(
    monkeypatch, capsys, tmp_path
):
    """Red team D15: ``config set levelup.demo false`` left the published demo PINs active."""
    from pos_app.app.terminal import open_register
    from pos_app.host.paths import Paths
    from pos_app.journal import SqliteJournal
    from pos_app.journal.staff import SqliteStaff

    paths = Paths(tmp_path / "register")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    open_register(paths, {}).close()  # a demo: demo staff are added
    status = cli.main(["config", "set", "levelup.demo", "false", "--data-dir", str(paths.data_dir)])
    assert status == 0
    assert "The demo staff (1, 9) can no longer sign in" in capsys.readouterr().out
    journal = SqliteJournal(paths.journal_file, b"0" * 43 + b"=", "test")
    active = {m.staff_id for m in SqliteStaff(journal).members() if m.active}
    journal.close()
    assert active == set()
