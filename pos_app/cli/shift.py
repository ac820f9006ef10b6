"""``shift status``: the shift open on this register (who, since when, its float) and what the
drawer should hold for it now; with none open, the last shift closed and its count. Read-only:
it runs beside the register window. Shifts are opened and closed at the window (a count over
or short needs a manager's PIN)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from pos_app.cli._common import Command, ExitCode, reading
from pos_app.domain import format_cents

if TYPE_CHECKING:
    from pos_app.cli._common import Subcommands
    from pos_app.engine import Shift, ShiftCash, ShiftClose


def add_shift(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    shift = commands.add_parser(
        "shift", parents=[common], help="shifts: the starting float and the drawer count"
    )
    shift_commands = shift.add_subparsers(title="shift commands", metavar="ACTION", required=True)
    status = shift_commands.add_parser(
        "status",
        parents=[common],
        help="the open shift and what its drawer should hold, or the last count",
        description="Counted from the journal: the open shift's float, plus the cash payments "
        "taken since it opened (change excluded), less the cash given back, plus the cash paid "
        "in, less the cash paid out. With no shift open, the last shift's count.",
    )
    status.add_argument("--json", action="store_true", help="one JSON document")
    status.set_defaults(command=Command("shift", _status))


def _status(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from pos_app.engine import Shift, journal_days, local_day
    from pos_app.engine.shifts import journal_shifts, shift_cash

    with reading(args, environ) as journal:
        shifts = journal_shifts(journal)
        last = shifts[-1] if shifts else None
        if isinstance(last, Shift):
            cash = shift_cash(journal, last, datetime.now(UTC), journal_days(journal, local_day))
            text, document = _open_text(cash), {"open": True, **_open_data(cash)}
        else:
            text, document = _closed_text(last), {"open": False, "last_closed": _closed_data(last)}
    if args.json:
        json.dump(document, out, indent=1)
        out.write("\n")
    else:
        out.write(text)
    return ExitCode.OK


def _shift_data(shift: Shift) -> dict[str, Any]:
    return {**shift.as_data(), "opened_at": shift.opened_at.isoformat()}


def _open_data(cash: ShiftCash) -> dict[str, Any]:
    drawer = cash.drawer.as_data()
    del drawer["day"], drawer["opening"]
    return {"shift": _shift_data(cash.shift), "at": cash.at.isoformat(), "cash": drawer}


def _closed_data(close: ShiftClose | None) -> dict[str, Any] | None:
    if close is None:
        return None
    return {**close.as_data(), "closed_at": close.closed_at.isoformat()}


def _line(name: str, amount: int, count: int | None = None) -> str:
    times = "" if count is None else f"  ({count})"
    return f"  {name:<22}{format_cents(amount):>12}{times}\n"


def _open_text(cash: ShiftCash) -> str:
    shift, drawer = cash.shift, cash.drawer
    return "".join(
        [
            f"Shift open since {shift.opened_at.astimezone():%Y-%m-%d %H:%M}: {shift.cashier}, "
            f"register {shift.register}\n",
            _line("float", shift.float_cents),
            _line("cash taken", drawer.taken.amount, drawer.taken.count),
            _line("cash given back", -drawer.given_back.amount, drawer.given_back.count),
            _line("paid in", drawer.paid_in.amount, drawer.paid_in.count),
            _line("paid out", -drawer.paid_out.amount, drawer.paid_out.count),
            _line("expected in the drawer", cash.expected),
        ]
    )


def _closed_text(close: ShiftClose | None) -> str:
    if close is None:
        return "No shift is open on this register, and none was ever opened.\n"
    from pos_app.engine.shifts import over_short_words

    shift = close.shift
    return "".join(
        [
            "No shift is open on this register. The last one:\n",
            f"  opened {shift.opened_at.astimezone():%Y-%m-%d %H:%M} by {shift.cashier}, "
            f"closed {close.closed_at.astimezone():%Y-%m-%d %H:%M} by {close.cashier}\n",
            _line("float", shift.float_cents),
            _line("expected", close.expected),
            _line("counted", close.counted),
            f"  {'over or short':<22}{over_short_words(close.over_short):>12}\n",
            f"  approved by {close.manager}\n" if close.manager else "",
        ]
    )
