"""``levelup-pos pay-by-email setup|status|forget``: the LevelUp app credentials (API key and
client secret) a register needs to take payments by email. They go to the secret store, never
to ``settings.toml``; setting them up is audited, and tested against LevelUp first."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import (
    API_KEY_ENV,
    Command,
    CommandError,
    ExitCode,
    audit_settings,
    data_paths,
    secret_input,
)

if TYPE_CHECKING:
    from pydantic import SecretStr

    from pos_app.cli._common import Subcommands

CLIENT_SECRET_ENV = "LEVELUP_POS_CLIENT_SECRET"  # noqa: S105 - the variable's name
_WHAT = "the LevelUp app credentials for paying by email"
_AUDITED = {"key": "pay-by-email"}  # what the audit trail says changed (never the values)


def add_pay_by_email(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "pay-by-email",
        parents=[common],
        help="the LevelUp app credentials that paying by email needs",
        description="A register takes LevelUp payments by email as a LevelUp app: it asks the "
        "customer, by email, for permission to charge them. The app's API key and client "
        f"secret are asked for at a terminal, or read from ${API_KEY_ENV} and "
        f"${CLIENT_SECRET_ENV}, and kept in the secret store.",
    )
    actions = group.add_subparsers(title="pay-by-email commands", metavar="ACTION", required=True)
    actions.add_parser(
        "setup", parents=[common], help="test the app's API key and client secret, then keep them"
    ).set_defaults(command=Command("pay-by-email", _setup))
    status = actions.add_parser("status", parents=[common], help="whether it is set up")
    status.add_argument("--check", action="store_true", help="also sign in to LevelUp as the app")
    status.set_defaults(command=Command("pay-by-email", _status))
    actions.add_parser(
        "forget",
        parents=[common],
        help="remove the credentials: paying by email is no longer offered",
    ).set_defaults(command=Command("pay-by-email", _forget))


def _setup(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    api_key = secret_input("LevelUp app API key: ", environ, API_KEY_ENV)
    keep_credentials(args, environ, api_key, out)
    return ExitCode.OK


def keep_credentials(
    args: argparse.Namespace, environ: Mapping[str, str], api_key: str, out: TextIO
) -> None:
    """Ask for the client secret, test it with ``api_key`` at LevelUp, and keep both (also
    ``levelup-pos setup --pay-by-email``)."""
    from pydantic import SecretStr

    from pos_app.app.email_payments import keep_app_credentials
    from pos_app.engine import EventKind
    from pos_app.host.instance import WriterLock
    from pos_app.host.logs import register_secret
    from pos_app.host.secrets import open_secret_store

    paths = data_paths(args, environ).create()
    client_secret = secret_input("LevelUp app client secret: ", environ, CLIENT_SECRET_ENV)
    for secret in (api_key, client_secret):
        register_secret(secret)
    app_id = _sign_in(args, environ, SecretStr(api_key), SecretStr(client_secret))
    with WriterLock(paths, "levelup-pos pay-by-email setup"):
        keep_app_credentials(open_secret_store(paths.data_dir), api_key, client_secret)
        audit_settings(
            paths, EventKind.SETTINGS_CHANGED, {"key": "pay-by-email", "value": "set up"}
        )
    print(
        f"Paying by email is set up (LevelUp app {app_id}). The register offers it from its "
        "next start.",
        file=out,
    )


def _status(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.app.email_payments import AppCredentials
    from pos_app.host.secrets import open_secret_store

    credentials = AppCredentials.of(open_secret_store(data_paths(args, environ).data_dir))
    if credentials is None:
        print("Paying by email is not set up: levelup-pos pay-by-email setup.", file=out)
        return ExitCode.FAILED
    if args.check:
        app_id = _sign_in(args, environ, credentials.api_key, credentials.client_secret)
        print(f"Paying by email is set up; LevelUp took the credentials (app {app_id}).", file=out)
    else:
        print("Paying by email is set up (add --check to test the credentials).", file=out)
    return ExitCode.OK


def _forget(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine import EventKind
    from pos_app.host.instance import WriterLock
    from pos_app.host.secrets import APP_API_KEY, APP_CLIENT_SECRET, open_secret_store

    paths = data_paths(args, environ).create()
    with WriterLock(paths, "levelup-pos pay-by-email forget"):
        secrets = open_secret_store(paths.data_dir)
        for name in (APP_API_KEY, APP_CLIENT_SECRET):
            secrets.delete(name)
        audit_settings(
            paths, EventKind.SETTINGS_CHANGED, {"key": "pay-by-email", "value": "removed"}
        )
    print(f"Removed {_WHAT}: the register no longer offers paying by email.", file=out)
    return ExitCode.OK


def _sign_in(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    api_key: SecretStr,
    client_secret: SecretStr,
) -> int:
    """Sign in to LevelUp as the app; the app's id. Refuses a demo register's sandbox."""
    from pos_app.host.settings import EMBEDDED, load_settings
    from pos_app.levelup.client import ClientConfig, LevelUpClient
    from pos_app.levelup.errors import AuthenticationError, RequestRejected

    url = load_settings(data_paths(args, environ), environ).levelup.base_url
    if url == EMBEDDED:
        raise CommandError(
            "This is a demo register: it pays by email with the demo sandbox's app already."
        )
    with LevelUpClient(ClientConfig(base_url=url, retries=1)) as client:
        try:
            token = client.app_token(api_key, client_secret)
        except (AuthenticationError, RequestRejected) as exc:
            raise CommandError(
                f"LevelUp refused that API key and client secret ({exc.cashier_message})"
            ) from None
    return token.app_id or 0
