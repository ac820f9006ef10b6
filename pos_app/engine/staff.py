"""Who may do what at the register: roles, permissions, and PINs as salted slow hashes.

PINs are hashed with scrypt (a fresh random salt each, cost N=2**14, r=8, p=1: tens of
milliseconds, which makes guessing a stolen table slow) and compared in constant time. The
directory that stores staff (:class:`StaffDirectory`) locks a member out after
:data:`MAX_FAILURES` wrong PINs in a row, for :data:`LOCKOUT`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from pos_app.engine.model import ApprovalAction

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
_N, _R, _P = 2**14, 8, 1


class Role(StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    SELL = "sell"
    VOID = "void"
    REFUND = "refund"
    RESOLVE = "resolve"
    SETTINGS = "settings"
    STAFF = "staff"
    COMP = "comp"
    DISCOUNT = "discount"
    """Give a preset discount within the merchant's limits."""
    ANY_DISCOUNT = "any_discount"
    """Give (or approve) any discount: one not on the list, or beyond the limits."""
    PAY_IN_OUT = "pay_in_out"
    """Approve cash paid into or out of the drawer without a sale."""
    REPORTS = "reports"
    """See the X and Z reports, take the Z report, accept a drawer over or short."""


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset({Permission.SELL, Permission.DISCOUNT}),
    Role.MANAGER: frozenset(
        {
            Permission.SELL,
            Permission.VOID,
            Permission.REFUND,
            Permission.RESOLVE,
            Permission.COMP,
            Permission.DISCOUNT,
            Permission.ANY_DISCOUNT,
            Permission.PAY_IN_OUT,
            Permission.REPORTS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}

NEEDED: dict[ApprovalAction, Permission] = {
    ApprovalAction.VOID_CHECK: Permission.REFUND,
    ApprovalAction.VOID_TENDER: Permission.VOID,
    ApprovalAction.RESOLVE_TENDER: Permission.RESOLVE,
    ApprovalAction.CHANGE_SETTINGS: Permission.SETTINGS,
    ApprovalAction.COMP_CHECK: Permission.COMP,
    ApprovalAction.RETURN_ITEMS: Permission.REFUND,
    ApprovalAction.GIVE_DISCOUNT: Permission.ANY_DISCOUNT,
    ApprovalAction.PAY_IN: Permission.PAY_IN_OUT,
    ApprovalAction.PAY_OUT: Permission.PAY_IN_OUT,
    ApprovalAction.CLOSE_SHIFT: Permission.REPORTS,
    ApprovalAction.VIEW_REPORTS: Permission.REPORTS,
    ApprovalAction.CLOSE_DAY: Permission.REPORTS,
}
"""The permission an approval of each action needs."""


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    name: str
    role: Role
    active: bool = True

    def may(self, permission: Permission) -> bool:
        return self.active and permission in PERMISSIONS[self.role]

    @property
    def label(self) -> str:
        """``Name (id)``: how events and reports name who did something."""
        return f"{self.name} ({self.staff_id})"


class AccessDenied(Exception):
    """A sign-in or approval refused; the message says why, never the PIN.

    ``known`` is False when the staff id typed is nobody's (it may be a PIN typed in the wrong
    field, so it is not written down).
    """

    def __init__(self, message: str, *, known: bool = True) -> None:
        super().__init__(message)
        self.known = known

    def staff_id_to_record(self, staff_id: str) -> str:
        """What an audit entry may say of the id typed."""
        return staff_id if self.known else "(unknown id)"


class StaffDirectory(Protocol):
    """Staff as the engine needs them (``pos_app.journal`` keeps them)."""

    def verify(self, staff_id: str, pin: str) -> StaffMember:
        """The member whose PIN this is; raises :class:`AccessDenied` (unknown, disabled,
        locked out, or a wrong PIN, which counts towards the lockout)."""
        ...


def check_pin_shape(pin: str) -> str:
    """A PIN is 4 to 8 digits."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValueError("A PIN is 4 to 8 digits.")
    return pin


def hash_pin(pin: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for a new PIN."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(check_pin_shape(pin).encode(), salt=salt, n=_N, r=_R, p=_P)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(digest).decode()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
