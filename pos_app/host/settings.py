"""The register's settings: one TOML file in the data directory, in layers.

From lowest to highest: the defaults; a read-only provisioning file an installer drops in
place (``provisioning.toml`` in the data directory, or ``$LEVELUP_POS_PROVISIONING``); on
Windows, the MSI's values in the registry (:mod:`pos_app.host.windows_policy`); the store
server's store-wide settings (:data:`STORE_WIDE`) as last copied (``store-settings.toml``); the
register's own ``settings.toml`` (what ``levelup-pos config set`` and ``setup`` write); on
Windows, Group Policy's values; and environment overrides ``LEVELUP_POS_<SECTION>_<KEY>``
(``LEVELUP_POS_LEVELUP_LOCATION_ID=19``) for rollout scripts. Every layer is validated on
load; an error names the file, the key and its line. ``settings.toml`` is read with tomllib
and written with tomlkit, which keeps its comments, layout and other keys as they were. No
secret is ever kept here: the merchant token lives in the secret store.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from pydantic import ConfigDict, Field, ValidationError

from pos_app.host import windows_policy
from pos_app.host.files import read_bounded, write_atomically
from pos_app.host.paths import Paths
from pos_app.host.setting_sections import (  # noqa: F401 - re-exported
    EMBEDDED,
    DiscountSettings,
    DisplaySettings,
    EmailSettings,
    LevelUpSettings,
    OfflineSettings,
    PrinterSettings,
    ReceiptSettings,
    RegisterSettings,
    ScannerSettings,
    Section,
    StoreSettings,
)

PROVISIONING_ENV = "LEVELUP_POS_PROVISIONING"
ENV_PREFIX = "LEVELUP_POS_"


class Settings(Section):
    """``register_`` is the TOML section ``register`` (pydantic models own a ``register``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    levelup: LevelUpSettings = Field(default_factory=LevelUpSettings)
    register_: RegisterSettings = Field(default_factory=RegisterSettings, alias="register")
    scanner: ScannerSettings = Field(default_factory=ScannerSettings)
    offline: OfflineSettings = Field(default_factory=OfflineSettings)
    discounts: DiscountSettings = Field(default_factory=DiscountSettings)
    display: DisplaySettings = Field(default_factory=DisplaySettings)
    printer: PrinterSettings = Field(default_factory=PrinterSettings)
    receipts: ReceiptSettings = Field(default_factory=ReceiptSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)

    def as_toml(self) -> str:
        return tomlkit.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True))


SECTIONS = {field.alias or name: field for name, field in Settings.model_fields.items()}
"""The TOML sections and their models."""
STORE_LAYER = "store-settings.toml"  # the store-wide settings last copied, in the data directory


class SettingsError(ValueError):
    """Settings that cannot be used; the message names the file or variable, key and line."""


STORE_WIDE = (
    "register.tax_rate",
    "register.comp_needs_manager",
    "offline.*",
    "discounts.*",
    "receipts.*",
)
"""What the store server may set for every register of a store (``section.*``: the whole
section); never a register's id, devices, or how it reaches LevelUp and the store server."""


def is_store_wide(key: str) -> bool:
    section, _, name = key.partition(".")
    return bool(name) and (key in STORE_WIDE or f"{section}.*" in STORE_WIDE)


def check_store_setting(key: str, value: str) -> None:
    """Raise :class:`SettingsError` unless ``key`` is store-wide and ``value`` is valid for it."""
    section, _, name = key.partition(".")
    model = SECTIONS[section].annotation if is_store_wide(key) else None
    if name not in getattr(model, "model_fields", {}):
        raise SettingsError(f"{key!r} is not a store-wide setting: {', '.join(STORE_WIDE)}.")
    _validated({section: {name: _value(value)}}, source=None, text="")


def store_layer(values: Mapping[str, str]) -> str:
    """``store-settings.toml`` for ``values`` (``section.key`` → text, store-wide keys only)."""
    layer: dict[str, dict[str, Any]] = {}
    for key, value in sorted(values.items()):
        if is_store_wide(key):
            section, _, name = key.partition(".")
            layer.setdefault(section, {})[name] = _value(value)
    return tomlkit.dumps(layer)


def provisioning_file(paths: Paths, environ: Mapping[str, str]) -> Path:
    return Path(environ.get(PROVISIONING_ENV) or paths.data_dir / "provisioning.toml")


def load_settings(
    paths: Paths, environ: Mapping[str, str], registry: windows_policy.Reader | None = None
) -> Settings:
    """The settings in force: defaults < provisioning < the MSI's registry values < store
    copy < settings.toml < Windows policies < environment. ``registry`` replaces the Windows
    registry (tests)."""
    merged: dict[str, Any] = {}
    store = paths.data_dir / STORE_LAYER
    provisioning = provisioning_file(paths, environ)
    for file in (provisioning, store, paths.settings_file):
        if file.exists():
            layer = _read(file)
            _validated(layer, source=file, text=_text(file))
            _merge(merged, layer)
        if file is provisioning:
            _merge(merged, _registry_layer(registry, windows_policy.PROVISIONING_KEY))
    _merge(merged, _registry_layer(registry, windows_policy.POLICY_KEY))
    overrides = _environment(environ)
    _merge(merged, overrides)
    return _validated(merged, source=None, text="", env=overrides)


def set_setting(
    paths: Paths,
    environ: Mapping[str, str],
    key: str,
    value: str,
    before_write: Callable[[], None] | None = None,
) -> Settings:
    """Set ``section.key`` in ``settings.toml`` (validated before anything is written)."""
    return set_settings(paths, environ, {key: value}, before_write)


def set_settings(
    paths: Paths,
    environ: Mapping[str, str],
    values: Mapping[str, str],
    before_write: Callable[[], None] | None = None,
) -> Settings:
    """Set several ``section.key`` at once: all validated together, then written in one go,
    so a register is never left with half of a change. The rest of the file (comments, other
    keys, their order) stays as it was. ``before_write`` (the audit) runs once the change is
    valid, before it is written: a change that cannot be audited is not made."""
    keys = {key: key.partition(".") for key in values}
    for key, (section, _, name) in keys.items():
        if not name or section not in SECTIONS:
            raise SettingsError(
                f"{key!r} is not a setting: use SECTION.KEY, with SECTION one of "
                f"{', '.join(SECTIONS)}."
            )
    exists = paths.settings_file.exists()
    own = _read(paths.settings_file) if exists else {}
    document = _document(paths.settings_file) if exists else tomlkit.document()
    for key, (section, _, name) in keys.items():
        table = own.setdefault(section, {})
        written = document.setdefault(section, tomlkit.table())
        if not isinstance(table, dict) or not isinstance(written, MutableMapping):
            raise SettingsError(
                f"{paths.settings_file}: {section} should be a [{section}] table; fix or remove "
                "that line first."
            )
        table[name] = written[name] = _value(values[key])
    _validated(own, source=paths.settings_file, text="")
    if before_write is not None:
        before_write()
    _write(paths, document)
    return load_settings(paths, environ)


def import_settings(
    paths: Paths,
    environ: Mapping[str, str],
    file: Path,
    before_write: Callable[[], None] | None = None,
) -> Settings:
    """Make ``file`` this register's ``settings.toml``, if it is valid (with its comments);
    ``before_write`` (the audit) runs once it is valid, before anything is written."""
    if not file.exists():
        raise SettingsError(f"There is no file {file}.")
    layer = _read(file)
    _validated(layer, source=file, text=_text(file))
    if before_write is not None:
        before_write()
    _write(paths, _document(file))
    return load_settings(paths, environ)


def _registry_layer(reader: windows_policy.Reader | None, key: str) -> dict[str, Any]:
    """HKLM ``key``'s values (none off Windows), each validated."""
    try:
        return windows_policy.registry_layer(reader, (key,))
    except windows_policy.RegistryValueError as exc:
        raise SettingsError(str(exc)) from None


def _read(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_text(file))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{file}: {exc}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{file} is not UTF-8 text; save it as UTF-8.") from None
    except RecursionError:
        raise SettingsError(f"{file} nests its values too deeply to be a settings file.") from None
    except OSError as exc:
        raise SettingsError(f"{file} cannot be read: {exc.strerror}.") from None


def _text(file: Path) -> str:
    """``file``'s text, read within bounds (``/dev/zero`` or a FIFO is refused, not read)."""
    try:
        return read_bounded(file).decode("utf-8")
    except OSError as exc:
        raise SettingsError(f"{file} cannot be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{file} is not UTF-8 text; save it as UTF-8.") from None


def _document(file: Path) -> tomlkit.TOMLDocument:
    """``file`` (already read with :func:`_read`) as a document to change and write back."""
    try:
        return tomlkit.parse(_text(file))
    except tomlkit.exceptions.TOMLKitError as exc:
        raise SettingsError(f"{file}: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"{file} cannot be read: {exc.strerror}.") from None


def _write(paths: Paths, document: tomlkit.TOMLDocument) -> None:
    paths.create()
    write_atomically(paths.settings_file, tomlkit.dumps(document).encode("utf-8"))


def _validated(
    data: dict[str, Any], *, source: Path | None, text: str, env: Mapping[str, Any] | None = None
) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            key = ".".join(str(part) for part in error["loc"])
            where = _where(source, text, key, env)
            problems.append(f"{where}{key}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None


def _where(source: Path | None, text: str, key: str, env: Mapping[str, Any] | None) -> str:
    if source is None:
        section, _, name = key.partition(".")
        variable = f"{ENV_PREFIX}{section}_{name}".upper()
        return f"${variable}: " if env and section in env and name in env[section] else ""
    line = _line_of(text, key)
    return f"{source}{f', line {line}' if line else ''}: "


def _line_of(text: str, key: str) -> int | None:
    section, _, name = key.partition(".")
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[] ")
            if current == section and not name:
                return number
        elif current == section and re.match(rf"{re.escape(name)}\s*=", stripped):
            return number
    return None


def _environment(environ: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for section, model in SECTIONS.items():
        annotation = model.annotation
        fields = getattr(annotation, "model_fields", {})
        for name in fields:
            variable = f"{ENV_PREFIX}{section}_{name}".upper()
            if variable in environ:
                overrides.setdefault(section, {})[name] = _value(environ[variable])
    return overrides


def _value(text: str) -> Any:
    """A TOML value when it reads as one (``19``, ``true``), else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _merge(into: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value
