"""Settings: layers, validation errors that point at the key and line, and the commands."""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.host.paths import Paths
from pos_app.host.settings import (
    SettingsError,
    import_settings,
    load_settings,
    set_setting,
    set_settings,
)

EXAMPLE = Path(__file__).parents[2] / "installer" / "provisioning.example.toml"


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(tmp_path / "register").create()


def test_defaults_need_no_file(paths):
    settings = load_settings(paths, {})
    assert settings.levelup.enabled and settings.levelup.location_id is None
    assert settings.register_.tax_rate == Decimal("8.875")
    assert not settings.offline.enabled


def test_layers_provisioning_then_settings_then_environment(paths):
    (paths.data_dir / "provisioning.toml").write_text(
        '[levelup]\nbase_url = "https://lu.example"\nlocation_id = 19\n[register]\nid = "front-1"\n'
    )
    paths.settings_file.write_text("[levelup]\nlocation_id = 20\n")
    settings = load_settings(paths, {"LEVELUP_POS_REGISTER_ID": "front-9"})
    assert settings.levelup.base_url == "https://lu.example"
    assert settings.levelup.location_id == 20
    assert settings.register_.id == "front-9"


def test_the_provisioning_file_can_live_elsewhere(paths, tmp_path):
    elsewhere = tmp_path / "rollout.toml"
    elsewhere.write_text("[offline]\nenabled = true\nmax_count = 3\n")
    settings = load_settings(paths, {"LEVELUP_POS_PROVISIONING": str(elsewhere)})
    assert settings.offline.enabled and settings.offline.max_count == 3


def test_the_shipped_provisioning_example_is_valid(paths):
    settings = import_settings(paths, {}, EXAMPLE)
    assert settings.register_.id == "front-1"
    assert settings.scanner.url.startswith("serial://")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[offline]\nenabled = false\nmax_count = -2\n", "line 3: offline.max_count"),
        ('[levelup]\nbase_url = "ftp://x"\n', "line 2: levelup.base_url"),
        ('[register]\nid = "front 1"\n', "line 2: register.id"),
        ('[register]\ntax_rate = "150"\n', "register.tax_rate"),
        ("[levelup]\nlocaton_id = 19\n", "levelup.locaton_id: Extra inputs"),
        ("[levelup\n", "Expected ']'"),
        ('[register]\ntax_rate = "1e-99999"\n', "register.tax_rate"),
        ("[offline]\nmax_order = 99999999999999999999\n", "offline.max_order"),
        (b"[register]\nid = '\xff'\n", "is not UTF-8 text"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nests its values too deeply"),
    ],
)
def test_errors_name_the_file_the_key_and_the_line(paths, text, message):
    if isinstance(text, bytes):
        paths.settings_file.write_bytes(text)
    else:
        paths.settings_file.write_text(text)
    with pytest.raises(SettingsError, match=str(paths.settings_file)) as caught:
        load_settings(paths, {})
    assert message in str(caught.value)


def test_environment_errors_name_the_variable(paths):
    with pytest.raises(SettingsError, match=r"\$LEVELUP_POS_LEVELUP_LOCATION_ID"):
        load_settings(paths, {"LEVELUP_POS_LEVELUP_LOCATION_ID": "nineteen"})


def test_settings_are_written_private_and_whole(paths):
    set_setting(paths, {}, "register.id", "front-1")
    assert paths.settings_file.stat().st_mode & 0o077 == 0
    assert not [p for p in paths.settings_file.parent.iterdir() if p.name.startswith(".")]


def test_several_settings_are_set_together_or_not_at_all(paths):
    set_setting(paths, {}, "levelup.location_id", "19")
    before = paths.settings_file.read_bytes()
    with pytest.raises(SettingsError, match=r"levelup\.merchant_id"):
        set_settings(paths, {}, {"levelup.location_id": "20", "levelup.merchant_id": "0"})
    assert paths.settings_file.read_bytes() == before
    settings = set_settings(paths, {}, {"levelup.location_id": "20", "levelup.merchant_id": "7"})
    assert (settings.levelup.location_id, settings.levelup.merchant_id) == (20, 7)


COMMENTED = """\
# This register's own settings (written by hand at install).
[levelup]
location_id = 19  # the store on Main Street
# the demo merchant, until the real one is signed in
merchant_id = 7

[register]
id = "front-1"
"""


def test_set_keeps_the_comments_and_the_other_keys(paths):
    paths.settings_file.write_text(COMMENTED)
    set_setting(paths, {}, "scanner.url", "serial:///dev/ttyACM0")
    settings = set_setting(paths, {}, "levelup.location_id", "20")
    assert paths.settings_file.read_text() == (
        COMMENTED.replace("location_id = 19", "location_id = 20")
        + '\n[scanner]\nurl = "serial:///dev/ttyACM0"\n'
    )
    assert (settings.levelup.location_id, settings.levelup.merchant_id) == (20, 7)
    assert settings.register_.id == "front-1"


def test_import_keeps_the_comments_of_the_file(paths, tmp_path):
    rollout = tmp_path / "rollout.toml"
    rollout.write_text(COMMENTED)
    paths.settings_file.write_text('[scanner]\nurl = "fake://"\n')
    settings = import_settings(paths, {}, rollout)
    assert paths.settings_file.read_text() == COMMENTED
    assert settings.scanner.url == ""  # the file replaces settings.toml, it is not merged


def test_a_numeric_register_id_is_its_text(paths):
    assert set_setting(paths, {}, "register.id", "3").register_.id == "3"
    paths.settings_file.write_text("[register]\nid = 12\n")
    assert load_settings(paths, {}).register_.id == "12"


def test_set_refuses_a_section_that_is_not_a_table(paths):
    paths.settings_file.write_text("register = 5\n")
    with pytest.raises(SettingsError, match=r"register should be a \[register\] table"):
        set_setting(paths, {}, "register.id", "front-1")
    assert paths.settings_file.read_text() == "register = 5\n"


def test_set_validates_before_writing(paths):
    set_setting(paths, {}, "levelup.location_id", "19")
    before = paths.settings_file.read_text()
    with pytest.raises(SettingsError, match=r"levelup\.location_id"):
        set_setting(paths, {}, "levelup.location_id", "0")
    with pytest.raises(SettingsError, match="is not a setting"):
        set_setting(paths, {}, "location_id", "19")
    with pytest.raises(SettingsError, match="is not a setting"):
        set_setting(paths, {}, "shop.name", "x")
    assert paths.settings_file.read_text() == before
    assert set_setting(paths, {}, "levelup.enabled", "false").levelup.enabled is False


def command(monkeypatch, capsys, tmp_path, *args):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status = cli.main(["config", *args, "--data-dir", str(tmp_path / "register")])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_config_commands(monkeypatch, capsys, tmp_path):
    status, out, _ = command(monkeypatch, capsys, tmp_path, "import", str(EXAMPLE))
    assert status == 0
    status, out, _ = command(monkeypatch, capsys, tmp_path, "set", "register.id", "back-2")
    assert status == 0
    status, out, _ = command(monkeypatch, capsys, tmp_path, "show")
    assert status == 0
    assert 'id = "back-2"' in out and "# merchant token: none" in out
    status, _, err = command(monkeypatch, capsys, tmp_path, "set", "offline.max_count", "-1")
    assert status == 1 and "offline.max_count" in err
    status, _, err = command(monkeypatch, capsys, tmp_path, "import", str(tmp_path / "none.toml"))
    assert status == 1 and "There is no file" in err


def test_the_customer_display_is_auto_on_or_off(paths):
    assert load_settings(paths, {}).display.customer == "auto"
    assert set_setting(paths, {}, "display.customer", "on").display.customer == "on"
    assert "[display]" in paths.settings_file.read_text()
    environ = {"LEVELUP_POS_DISPLAY_CUSTOMER": "off"}
    assert load_settings(paths, environ).display.customer == "off"
    with pytest.raises(SettingsError, match=r"display\.customer: Input should be 'auto', 'on'"):
        set_setting(paths, {}, "display.customer", "yes")
    paths.settings_file.write_text('[display]\ncustomer = "second"\n')
    with pytest.raises(SettingsError, match=r"line 2: display\.customer"):
        load_settings(paths, {})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:28765 junk",
        "https://a.example\r\nX-Injected: 1",
        "https://a.example\tb",
        "https://",
        "https://a.example:99999",
        "https://a.example:port",
        "https://user:secret@a.example",
        "https://a.example/?q=1",
        "https://a.example/#x",
        "ftp://a.example",
    ],
)
def test_levelup_base_url_is_one_plain_address(paths, url):
    """Red team D13: the address was checked by its prefix only."""
    with pytest.raises(SettingsError, match=r"levelup\.base_url"):
        set_setting(paths, {}, "levelup.base_url", url)
    assert not paths.settings_file.exists()


@pytest.mark.parametrize(
    "url", ["https://api.thelevelup.com", "http://127.0.0.1:28765/", "https://lu.example/v"]
)
def test_plain_addresses_are_taken(paths, url):
    assert set_setting(paths, {}, "levelup.base_url", url).levelup.base_url == url.rstrip("/")


def test_a_command_line_address_is_checked_the_same_way(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(SystemExit):
        cli.main(["recover", "--sandbox-url", "http://127.0.0.1:1 junk"])
    assert "no spaces or control characters" in capsys.readouterr().err
