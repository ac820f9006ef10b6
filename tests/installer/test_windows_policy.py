"""The register's Windows registry layer (pos_app/host/windows_policy.py), with a fake registry.

What the MSI writes (``HKLM\\Software\\LevelUp POS\\Provisioning``) and what Group Policy sets
(``HKLM\\Software\\Policies\\LevelUp POS``) become settings, policies winning; a wrong value
stops loading with an error naming the registry value; off Windows nothing is read.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app.host import windows_policy
from pos_app.host.paths import Paths
from pos_app.host.settings import SettingsError, load_settings
from pos_app.host.windows_policy import (
    POLICY_KEY,
    PROVISIONING_KEY,
    RegistryValueError,
    registry_layer,
)


def fake(registry: Mapping[str, Mapping[str, object]]) -> windows_policy.Reader:
    return lambda key: registry.get(key, {})


MSI_VALUES = {
    "REGISTER": "front-3",
    "LOCATION": "19",
    "MERCHANT": "1",
    "TAXRATE": "8.875",
    "SCANNER": "serial://COM3?baud=9600",
    "APIURL": "https://api.thelevelup.com",
}
MSI_LAYER = {
    "register": {"id": "front-3", "tax_rate": "8.875"},
    "levelup": {
        "location_id": "19",
        "merchant_id": "1",
        "base_url": "https://api.thelevelup.com",
    },
    "scanner": {"url": "serial://COM3?baud=9600"},
}
"""The settings :data:`MSI_VALUES` give."""


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(tmp_path / "register").create()


def test_every_value_maps_to_its_setting() -> None:
    assert registry_layer(fake({PROVISIONING_KEY: MSI_VALUES})) == MSI_LAYER


def test_policies_win_over_provisioning_and_names_ignore_case() -> None:
    layer = registry_layer(
        fake({PROVISIONING_KEY: MSI_VALUES, POLICY_KEY: {"register": "lane-2", "Location": 20}})
    )
    assert layer["register"]["id"] == "lane-2"
    assert layer["levelup"]["location_id"] == "20", "a REG_DWORD is read as its number"
    assert layer["levelup"]["merchant_id"] == "1"


def test_empty_and_unknown_values_are_not_settings() -> None:
    layer = registry_layer(fake({PROVISIONING_KEY: {"REGISTER": "", "SCANNER": "", "Other": "x"}}))
    assert layer == {}


@pytest.mark.parametrize(
    ("key", "name", "value", "message"),
    [
        (PROVISIONING_KEY, "LOCATION", "abc", r"Provisioning\LOCATION (levelup.location_id)"),
        (PROVISIONING_KEY, "REGISTER", "front 3", r"Provisioning\REGISTER (register.id)"),
        (POLICY_KEY, "APIURL", "ftp://x", r"Policies\LevelUp POS\APIURL (levelup.base_url)"),
        (POLICY_KEY, "TAXRATE", "8.12345", r"LevelUp POS\TAXRATE (register.tax_rate)"),
        (POLICY_KEY, "SCANNER", ["a", "b"], "should be a text value (REG_SZ)"),
    ],
)
def test_a_wrong_value_is_named(key: str, name: str, value: object, message: str) -> None:
    with pytest.raises(RegistryValueError) as caught:
        registry_layer(fake({key: {name: value}}))
    assert message in str(caught.value)
    assert str(caught.value).startswith("HKLM\\Software\\")


def test_load_settings_puts_the_registry_over_the_provisioning_file(paths: Paths) -> None:
    (paths.data_dir / "provisioning.toml").write_text(
        '[register]\nid = "from-file"\ntax_rate = "7"\n[levelup]\nlocation_id = 5\n'
    )
    paths.settings_file.write_text("[levelup]\nlocation_id = 21\n")
    registry = fake({PROVISIONING_KEY: {"REGISTER": "front-3", "LOCATION": "19"}})
    settings = load_settings(paths, {}, registry=registry)
    assert settings.register_.id == "front-3", "the registry is over provisioning.toml"
    assert settings.register_.tax_rate == Decimal("7"), "what the registry lacks stays"
    assert settings.levelup.location_id == 21, "settings.toml is over the registry"


def test_load_settings_reports_the_registry_value(paths: Paths) -> None:
    registry = fake({POLICY_KEY: {"MERCHANT": "0"}})
    with pytest.raises(SettingsError, match=r"Policies\\LevelUp POS\\MERCHANT"):
        load_settings(paths, {}, registry=registry)


@pytest.mark.skipif(sys.platform == "win32", reason="off Windows only")
def test_off_windows_nothing_is_read(paths: Paths) -> None:
    assert windows_policy.read_hklm(PROVISIONING_KEY) == {}
    assert load_settings(paths, {}).register_.id == "1"


def test_a_policy_wins_over_the_registers_own_settings(paths: Paths) -> None:
    paths.settings_file.write_text('[register]\nid = "local"\n[scanner]\nurl = "keyboard://"\n')
    registry = fake(
        {PROVISIONING_KEY: {"SCANNER": "serial://COM3"}, POLICY_KEY: {"REGISTER": "gpo-7"}}
    )
    settings = load_settings(paths, {}, registry=registry)
    assert settings.register_.id == "gpo-7", "Group Policy is over settings.toml"
    assert settings.scanner.url == "keyboard://", "settings.toml is over the MSI's values"
    assert (
        load_settings(paths, {"LEVELUP_POS_REGISTER_ID": "env"}, registry=registry).register_.id
        == "env"
    )
