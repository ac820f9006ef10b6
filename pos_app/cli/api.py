"""``api ping`` and ``api order``: maintainer tools against LevelUp."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from pos_app.cli._common import Command, CommandError, ExitCode, at_terminal
from pos_app.domain import format_cents
from pos_app.host import logs
from pos_app.levelup import PRODUCTION_URL
from pos_app.levelup.errors import ConfigurationError

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.levelup.client import LevelUpClient

TOKEN_ENV = "LEVELUP_POS_MERCHANT_TOKEN"  # noqa: S105 - the variable's name, not a token
URL_ENV = "LEVELUP_POS_API_URL"
LOCATION_ENV = "LEVELUP_POS_LOCATION"


def add_api(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    api = commands.add_parser(
        "api",
        parents=[common],
        help="check the connection to LevelUp, or look an order up",
        description="Maintainer tools against LevelUp. The merchant token is read from "
        f"${TOKEN_ENV} (or asked for at a terminal), never from the command line.",
    )
    api.add_argument(
        "--url", help=f"LevelUp's address (default: ${URL_ENV}, else {PRODUCTION_URL})"
    )
    api.add_argument("--location", type=int, help=f"location id (default: ${LOCATION_ENV})")
    api.add_argument(
        "--sandbox",
        action="store_true",
        help="start a local LevelUp sandbox and use its demo merchant",
    )
    api_commands = api.add_subparsers(title="api commands", metavar="ACTION", required=True)
    api_commands.add_parser(
        "ping",
        parents=[common],
        help="reach LevelUp, check the token and the location, and say what is wrong",
    ).set_defaults(command=Command("api", _ping, as_root=True))
    order = api_commands.add_parser("order", parents=[common], help="show an order by its uuid")
    order.add_argument("uuid")
    order.set_defaults(command=Command("api", _order, as_root=True))


@dataclass
class ApiSession:
    client: LevelUpClient
    location: int | None


def _usage(message: str) -> CommandError:
    return CommandError(message, status=ExitCode.USAGE)


@contextmanager
def _levelup(args: argparse.Namespace, environ: Mapping[str, str]) -> Iterator[ApiSession]:
    """A client for the ``api`` commands, on a fresh sandbox with ``--sandbox``. A client that
    cannot be set up as asked is a usage error, with the client's own words."""
    from pydantic import SecretStr

    from pos_app.levelup.client import ClientConfig, LevelUpClient

    with ExitStack() as stack:
        location = args.location
        if location is None and environ.get(LOCATION_ENV):
            try:
                location = int(environ[LOCATION_ENV])
            except ValueError:
                raise _usage(f"{LOCATION_ENV} must be a location id (a number).") from None
        if args.sandbox:
            from pos_app.sandbox import start_embedded
            from pos_app.sandbox.seed import DEMO_LOCATION_ID

            sandbox = stack.enter_context(start_embedded())
            merchant = sandbox.ledger.seed_view()["merchants"][0]
            url, token = sandbox.url, merchant["access_token"]
            location = location or DEMO_LOCATION_ID
        else:
            url = args.url or environ.get(URL_ENV) or PRODUCTION_URL
            token = environ.get(TOKEN_ENV) or _ask_token()
        logs.register_secret(token)
        try:
            config = ClientConfig(base_url=url, merchant_token=SecretStr(token), retries=1)
            client = stack.enter_context(LevelUpClient(config))
            yield ApiSession(client, location)
        except ConfigurationError as exc:
            raise _usage(str(exc)) from None


def _ask_token() -> str:
    if not at_terminal():
        raise _usage(f"Set {TOKEN_ENV} to the merchant token (or run at a terminal).")
    token = getpass.getpass("Merchant token: ").strip()
    if not token:
        raise _usage("No merchant token was given.")
    return token


def _ping(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.levelup.diagnosis import check_connection

    with _levelup(args, environ) as session:
        steps = check_connection(session.client, session.location)
    for step in steps:
        print(f"[{'ok' if step.ok else 'FAIL'}] {step.text}", file=out)
    return ExitCode.OK if all(step.ok for step in steps) else ExitCode.FAILED


def _order(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    with _levelup(args, environ) as session:
        locations = session.client.managed_locations()
        merchant_id = next((loc.merchant_id for loc in locations if loc.merchant_id), None)
        if merchant_id is None:
            raise _usage("This merchant token manages no location.")
        order = session.client.order_details(merchant_id, args.uuid)
    fields = [
        ("order", order.uuid),
        ("check", order.identifier_from_merchant),
        ("location", order.location_id),
        ("register", order.register_name),
        ("cashier", order.cashier),
        ("customer", order.user_display_name),
        ("created", order.created_at.isoformat() if order.created_at else None),
        ("refunded", order.refunded_at.isoformat() if order.refunded_at else "no"),
    ]
    amounts = [
        ("spend", order.spend_amount),
        ("tip", order.tip_amount),
        ("total", order.total_amount),
        ("LevelUp credit", order.merchant_funded_credit_amount),
        ("tax", order.tax_amount),
    ]
    for name, value in fields:
        print(f"{name:<15} {value if value is not None else '-'}", file=out)
    for name, cents in amounts:
        print(f"{name:<15} {format_cents(cents) if cents is not None else '-'}", file=out)
    return ExitCode.OK
