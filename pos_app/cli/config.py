"""``setup``, and ``config show``, ``set`` and ``import``: this register's settings."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.cli._common import (
    API_KEY_ENV,
    Command,
    CommandError,
    ExitCode,
    at_terminal,
    audit_settings,
    data_paths,
    secret_input,
)
from pos_app.levelup import PRODUCTION_URL

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands


def add_setup(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    setup = commands.add_parser(
        "setup",
        parents=[common],
        help="sign this register in to LevelUp and choose its location",
        description="Exchanges the merchant's LevelUp login for a token (the password is used "
        "once and never stored), lets you choose one of the merchant's locations, tests it and "
        "saves it. The password is asked for at a terminal or read from standard input; the "
        f"API key comes from ${API_KEY_ENV} or is asked for.",
    )
    setup.add_argument("--url", default=None, help="LevelUp's address (default: production)")
    setup.add_argument("--username", required=True, help="the merchant's LevelUp e-mail")
    setup.add_argument("--location", type=int, help="one of the merchant's location ids")
    setup.add_argument(
        "--pay-by-email",
        action="store_true",
        help="also keep the API key and the app's client secret (asked, or "
        "$LEVELUP_POS_CLIENT_SECRET) so the register takes payments by email",
    )
    setup.set_defaults(command=Command("setup", _setup))


def add_config(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    config = commands.add_parser(
        "config", parents=[common], help="this register's settings (settings.toml)"
    )
    config_commands = config.add_subparsers(
        title="config commands", metavar="ACTION", required=True
    )
    config_commands.add_parser(
        "show", parents=[common], help="the settings in force, from every layer"
    ).set_defaults(command=Command("config", _show))
    setting = config_commands.add_parser("set", parents=[common], help="set SECTION.KEY")
    setting.add_argument("key", help="for example levelup.location_id")
    setting.add_argument("value")
    setting.set_defaults(command=Command("config", _set))
    importing = config_commands.add_parser(
        "import", parents=[common], help="make a TOML file this register's settings"
    )
    importing.add_argument("file", type=Path)
    importing.set_defaults(command=Command("config", _import))


def _setup(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.onboarding import finish, sign_in
    from pos_app.app.terminal import retire_demo_staff
    from pos_app.host.instance import WriterLock
    from pos_app.host.settings import load_settings

    paths = data_paths(args, environ).create()
    with WriterLock(paths, "levelup-pos setup"):
        url = args.url or load_settings(paths, environ).levelup.base_url or PRODUCTION_URL
        api_key = secret_input("LevelUp API key: ", environ, API_KEY_ENV)
        signed_in = sign_in(
            url, api_key, args.username, secret_input("LevelUp password: ", environ)
        )
        location = _choose_location(signed_in.locations, args.location, out)
        finish(paths, environ, signed_in, location.id)
        retired = retire_demo_staff(paths)
    print(f"Signed in: {location.name} (location {location.id}) at {url}.", file=out)
    if args.pay_by_email:
        from pos_app.cli.pay_by_email import keep_credentials

        keep_credentials(args, environ, api_key, out)
    _say_retired(retired, out)
    return ExitCode.OK


def _say_retired(retired: list[str], out: TextIO) -> None:
    if retired:
        print(
            f"The demo staff ({', '.join(retired)}) can no longer sign in: add your own with "
            "levelup-pos staff add.",
            file=out,
        )


def _choose_location(locations: Sequence[Any], chosen: int | None, out: TextIO) -> Any:
    """The location asked for (``finish`` checks it is the merchant's), the only one, or one
    picked from the list at a terminal."""
    by_id = {location.id: location for location in locations}
    listing = "; ".join(f"{loc.id} ({loc.name})" for loc in locations)
    if chosen is not None:
        if chosen not in by_id:
            raise CommandError(
                f"Location {chosen} is not this merchant's. Choose one of: {listing}."
            )
        return by_id[chosen]
    if len(locations) == 1:
        return locations[0]
    if not at_terminal():
        raise CommandError(
            f"This merchant has several locations; add --location, one of: {listing}."
        )
    for number, location in enumerate(locations, start=1):
        print(f"  {number}. {location.name} (location {location.id})", file=out)
    answer = input("Which location is this register at? ").strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(locations):
        raise CommandError("No location was chosen.")
    return locations[int(answer) - 1]


def _show(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.host.secrets import MERCHANT_TOKEN, open_secret_store
    from pos_app.host.settings import load_settings, provisioning_file

    paths = data_paths(args, environ)
    settings = load_settings(paths, environ)
    signed_in = paths.data_dir.exists() and (
        open_secret_store(paths.data_dir).get(MERCHANT_TOKEN) is not None
    )
    print(f"# settings: {paths.settings_file}", file=out)
    print(f"# provisioning: {provisioning_file(paths, environ)}", file=out)
    print(
        "# merchant token: " + ("stored in the secret store (****)" if signed_in else "none"),
        file=out,
    )
    out.write(settings.as_toml())
    return ExitCode.OK


def _set(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.terminal import retire_demo_staff
    from pos_app.engine import EventKind
    from pos_app.host.instance import WriterLock
    from pos_app.host.settings import set_setting

    paths = data_paths(args, environ)
    with WriterLock(paths, "levelup-pos config set"):
        change = {"key": args.key, "value": args.value}  # audited before it is written (D12)
        settings = set_setting(
            paths,
            environ,
            args.key,
            args.value,
            lambda: audit_settings(paths, EventKind.SETTINGS_CHANGED, change),
        )
        # Red team D15: demo staff have published PINs; a register no longer a demo retires them.
        demo_off = args.key == "levelup.demo" and not settings.levelup.demo
        retired = retire_demo_staff(paths) if demo_off else []
    print(f"{args.key} set in {paths.settings_file}", file=out)
    _say_retired(retired, out)
    return ExitCode.OK


def _import(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine import EventKind
    from pos_app.host.instance import WriterLock
    from pos_app.host.settings import import_settings

    paths = data_paths(args, environ)
    with WriterLock(paths, "levelup-pos config import"):
        imported = {"file": str(args.file.resolve())}
        import_settings(
            paths,
            environ,
            args.file,
            lambda: audit_settings(paths, EventKind.SETTINGS_IMPORTED, imported),
        )
    print(f"{args.file} is now {paths.settings_file}", file=out)
    return ExitCode.OK
