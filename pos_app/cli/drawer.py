"""``drawer status``: the cash the drawer should hold on a business day, its parts, and the
day's no-sales, pay-ins and pay-outs. Read-only: it runs beside the register window. Cash is
paid in or out, and the drawer opened without a sale, at the window only (a cashier and a
manager's PIN)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.cli._common import Command, ExitCode, reading
from pos_app.domain import format_cents

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.engine import DrawerCash, DrawerMovement


def add_drawer(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    drawer = commands.add_parser(
        "drawer", parents=[common], help="the cash drawer: what it should hold"
    )
    drawer_commands = drawer.add_subparsers(
        title="drawer commands", metavar="ACTION", required=True
    )
    status = drawer_commands.add_parser(
        "status",
        parents=[common],
        help="the cash the drawer should hold, its parts, and the day's no-sales and pay-ins/outs",
        description="Counted from the journal: the cash payments taken (change excluded), "
        "less the cash given back (voids, refunds, returned items), plus the cash paid in, "
        "less the cash paid out, on one business day of this register.",
    )
    status.add_argument(
        "--date",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the business day (default: today)",
    )
    status.add_argument("--json", action="store_true", help="one JSON document")
    status.set_defaults(command=Command("drawer", _status))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _status(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine import journal_days, local_day
    from pos_app.engine.drawer import day_events, drawer_cash, drawer_movements

    with reading(args, environ) as journal:
        day_of = journal_days(journal, local_day)
        day = args.date or day_of(datetime.now(UTC))
        events = day_events(journal, day, day_of)
    cash, movements = drawer_cash(day, events), drawer_movements(events)
    if args.json:
        document = {**cash.as_data(), "movements": [_movement_data(m) for m in movements]}
        json.dump(document, out, indent=1)
        out.write("\n")
    else:
        out.write(_text(cash, movements))
    return ExitCode.OK


def _movement_data(movement: DrawerMovement) -> dict[str, Any]:
    return {"kind": movement.kind.value, "at": movement.at.isoformat(), **movement.as_data()}


_NAMES = {"no_sale": "no sale", "paid_in": "paid in", "paid_out": "paid out"}


def _text(cash: DrawerCash, movements: list[DrawerMovement]) -> str:
    def part(name: str, amount: int, count: int | None = None) -> str:
        times = "" if count is None else f"  ({count})"
        return f"  {name:<22}{format_cents(amount):>12}{times}\n"

    lines = [
        f"Cash drawer, business day {cash.day.isoformat()}\n",
        part("opening", cash.opening),
        part("cash taken", cash.taken.amount, cash.taken.count),
        part("cash given back", -cash.given_back.amount, cash.given_back.count),
        part("paid in", cash.paid_in.amount, cash.paid_in.count),
        part("paid out", -cash.paid_out.amount, cash.paid_out.count),
        part("expected in the drawer", cash.expected),
        f"  {'no-sales':<22}{cash.no_sales:>12}\n",
        "Opened without a sale, cash paid in or out:\n" if movements else "",
    ]
    for movement in movements:
        amount = format_cents(movement.amount) if movement.amount else ""
        approved = f", approved by {movement.manager}" if movement.manager else ""
        lines.append(
            f"  {movement.at.astimezone():%H:%M}  {_NAMES[movement.kind.value]:<8}{amount:>12}"
            f"  {movement.cashier}{approved}: {movement.reason}\n"
        )
    return "".join(lines)
