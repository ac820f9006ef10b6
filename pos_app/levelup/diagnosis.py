"""Is this register able to take LevelUp payments? A step-by-step check for maintainers.

:func:`check_connection` reaches LevelUp, checks the merchant token and the location, and
says for each failure what it means and what to do about it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from pos_app.levelup.client import LevelUpClient
from pos_app.levelup.errors import (
    ApiError,
    AuthenticationError,
    ClientOutdated,
    InvalidResponse,
    LevelUpError,
    Maintenance,
    NoAnswer,
    Unreachable,
)
from pos_app.levelup.wire import Location


@dataclass(frozen=True)
class Step:
    ok: bool
    text: str


def check_connection(client: LevelUpClient, location_id: int | None) -> list[Step]:
    """The steps that passed, up to and including the first that failed."""
    url = client.config.base_url
    started = time.perf_counter()
    try:
        locations = client.managed_locations()
    except LevelUpError as error:
        return _failed_call(url, error)
    elapsed = (time.perf_counter() - started) * 1000
    steps = [
        Step(True, f"Reached LevelUp at {url} in {elapsed:.0f} ms."),
        Step(True, f"The merchant token is accepted; it manages {len(locations)} location(s)."),
    ]
    known = "; ".join(_describe(loc) for loc in locations) or "none"
    if location_id is None:
        steps.append(Step(False, f"No location is set. This merchant's locations: {known}."))
    elif (match := next((loc for loc in locations if loc.id == location_id), None)) is None:
        steps.append(
            Step(
                False,
                f"Location {location_id} is not one this merchant manages, so LevelUp would "
                f"refuse its orders. Choose one of: {known}.",
            )
        )
    else:
        steps.append(Step(True, f"Location {_describe(match)} belongs to this merchant."))
    return steps


def _failed_call(url: str, error: LevelUpError) -> list[Step]:
    reached = Step(True, f"Reached LevelUp at {url}.")
    match error:
        case Unreachable():
            return [
                Step(
                    False,
                    f"Cannot reach {url} ({error.cause}). Check the network connection, the "
                    "LevelUp address in the settings, and that the firewall lets the register "
                    "make HTTPS connections (TCP 443) to LevelUp.",
                )
            ]
        case NoAnswer():
            return [
                Step(
                    False,
                    f"{url} took the connection but did not answer ({error.cause}). LevelUp or "
                    "the network is very slow; try again in a minute.",
                )
            ]
        case InvalidResponse():
            return [
                Step(
                    False,
                    f"Something answered at {url}, but not as LevelUp does ({error.detail}). "
                    "Check the address: a proxy or a Wi-Fi sign-in page may be in the way.",
                )
            ]
        case Maintenance():
            return [reached, Step(False, "LevelUp is down for maintenance (503). Try later.")]
        case AuthenticationError():
            return [
                reached,
                Step(
                    False,
                    "LevelUp refused the merchant token (401): it was revoked, or it belongs "
                    "to another LevelUp environment. Sign the register in again.",
                ),
            ]
        case ClientOutdated():
            return [
                reached,
                Step(False, "LevelUp says this register's software is too old (501): update it."),
            ]
        case ApiError():
            return [reached, Step(False, f"LevelUp answered with an error: {error.detail}.")]
    return [Step(False, f"LevelUp could not be checked: {error.detail}.")]  # pragma: no cover


def _describe(location: Location) -> str:
    owner = f" of {location.merchant_name}" if location.merchant_name else ""
    return f"{location.id} ({location.name or 'no name'}){owner}"
