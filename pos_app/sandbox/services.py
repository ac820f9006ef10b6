"""What every sandbox route works with, and how a request names its merchant."""

from __future__ import annotations

import re

from pos_app.sandbox.faults import FaultBook
from pos_app.sandbox.ledger import Ledger

_PAIR = re.compile(r'(\w+)\s*=\s*"?([^",\s]*)"?')


class Services:
    """What the routes work with; :meth:`reset` starts the world over (tests, demos)."""

    def __init__(self, ledger: Ledger, faults: FaultBook) -> None:
        self.ledger = ledger
        self.faults = faults

    def reset(self) -> None:
        self.ledger.reset()
        self.faults.clear()


def merchant_token(header: str | None) -> str | None:
    """The merchant token of an ``Authorization`` header, in any form LevelUp documents:
    ``token merchant="…"`` (quoted or not, with ``user=`` before or after, ``,`` or ``, ``
    between) or the untagged v14 ``token …``."""
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "token" or not credentials:
        return None
    if "=" not in credentials:
        return credentials
    given = [value for key, value in _PAIR.findall(credentials) if key == "merchant"]
    return given[0] or None if len(given) == 1 else None  # two merchants: neither (D18)
