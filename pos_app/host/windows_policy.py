r"""Settings from the Windows registry: what the MSI's properties or a Group Policy set.

Two keys of ``HKEY_LOCAL_MACHINE`` (the 64-bit view), two layers of the settings:

- ``Software\LevelUp POS\Provisioning``: written by the MSI from its public properties, right
  above ``provisioning.toml``;
- ``Software\Policies\LevelUp POS``: Group Policy, Intune or any fleet tool, above the
  register's own ``settings.toml`` (a policy is what the PC's owner enforces), below only the
  process's environment.

Their values are named like the installers' switches (:data:`VALUES`) and hold text (a
``REG_DWORD`` is read as its number). An empty value is not set. Each value is checked alone,
so an error names the registry value that is wrong. Off Windows there is no registry and the
layer is empty; tests pass a :data:`Reader` instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from pos_app.host.setting_sections import LevelUpSettings, RegisterSettings, ScannerSettings

PROVISIONING_KEY = r"Software\LevelUp POS\Provisioning"
POLICY_KEY = r"Software\Policies\LevelUp POS"
KEYS = (PROVISIONING_KEY, POLICY_KEY)
"""Lowest first."""

VALUES: dict[str, tuple[str, str]] = {
    "REGISTER": ("register", "id"),
    "LOCATION": ("levelup", "location_id"),
    "MERCHANT": ("levelup", "merchant_id"),
    "TAXRATE": ("register", "tax_rate"),
    "SCANNER": ("scanner", "url"),
    "APIURL": ("levelup", "base_url"),
}
"""Registry value name -> (settings section, key), as the NSIS switches and MSI properties."""

_MODELS: dict[str, type[BaseModel]] = {
    "register": RegisterSettings,
    "levelup": LevelUpSettings,
    "scanner": ScannerSettings,
}

Reader = Callable[[str], Mapping[str, object]]
"""A key under HKLM -> its values (name -> data); an absent key gives an empty mapping."""


class RegistryValueError(ValueError):
    """A registry value that is not a valid setting; the message names the value."""


def read_hklm(key: str) -> dict[str, object]:
    """The values of ``HKLM\\key`` (64-bit view); empty off Windows or when it is absent."""
    if sys.platform != "win32":
        return {}
    import winreg

    try:
        handle = winreg.OpenKey(
            winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY
        )
    except OSError:
        return {}
    values: dict[str, object] = {}
    with handle:
        index = 0
        while True:
            try:
                name, data, _ = winreg.EnumValue(handle, index)
            except OSError:
                break
            values[name] = data
            index += 1
    return values


def registry_layer(
    reader: Reader | None = None, keys: tuple[str, ...] = KEYS
) -> dict[str, dict[str, Any]]:
    """The settings ``keys`` give (``{section: {key: text}}``), a later key over an earlier.

    Raises :class:`RegistryValueError` for a value that is not valid for its setting."""
    read = reader or read_hklm
    layer: dict[str, dict[str, Any]] = {}
    for key in keys:
        by_name = {str(name).upper(): data for name, data in read(key).items()}
        for name, (section, field) in VALUES.items():
            if name not in by_name:
                continue
            text = _text(key, name, by_name[name])
            if text == "":
                continue
            _check(key, name, section, field, text)
            layer.setdefault(section, {})[field] = text
    return layer


def _where(key: str, name: str) -> str:
    section, field = VALUES[name]
    return f"HKLM\\{key}\\{name} ({section}.{field})"


def _text(key: str, name: str, data: object) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, int) and not isinstance(data, bool):
        return str(data)
    raise RegistryValueError(
        f"{_where(key, name)}: should be a text value (REG_SZ), not {type(data).__name__}."
    )


def _check(key: str, name: str, section: str, field: str, text: str) -> None:
    try:
        _MODELS[section].model_validate({field: text})
    except ValidationError as exc:
        problems = "; ".join(
            error["msg"] for error in exc.errors(include_input=False, include_url=False)
        )
        raise RegistryValueError(
            f"{_where(key, name)}: {problems} (the value is {text!r}); correct or delete it."
        ) from None
