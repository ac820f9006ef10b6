"""The check model: pure Python, integer cents, no I/O.

Everything a register rings up and how it is paid: line items with modifiers, non-LevelUp
discounts, fees, tax classes, exempt items, tenders, and the totals derived from them.
"""

from pos_app.domain.check import Check, LevelUpDue, Totals
from pos_app.domain.errors import (
    CheckLocked,
    DomainError,
    IllegalTransition,
    InvalidAmount,
    InvalidIdentifier,
    InvalidQuantity,
    TenderError,
    UnknownTaxClass,
)
from pos_app.domain.identifiers import (
    MAX_IDENTIFIER_LENGTH,
    identifier_day,
    identifier_for,
    next_identifier,
    validate_identifier,
)
from pos_app.domain.items import Discount, Exemption, Fee, FeeType, LineItem, Modifier
from pos_app.domain.lifecycle import (
    CHECK_MOVES,
    COUNTER_MOVES,
    LEVELUP_MOVES,
    TENDER_STARTS,
    CheckState,
    can_move,
    check_move,
    move,
    require_start,
)
from pos_app.domain.money import (
    MAX_CENTS,
    Cents,
    allocate,
    format_cents,
    parse_cents,
    percent_of,
    require_cents,
)
from pos_app.domain.tax import TaxClass, TaxTable
from pos_app.domain.tenders import LevelUpDetail, Tender, TenderKind, TenderStatus

__all__ = [
    "CHECK_MOVES",
    "COUNTER_MOVES",
    "LEVELUP_MOVES",
    "MAX_CENTS",
    "MAX_IDENTIFIER_LENGTH",
    "TENDER_STARTS",
    "Cents",
    "Check",
    "CheckLocked",
    "CheckState",
    "Discount",
    "DomainError",
    "Exemption",
    "Fee",
    "FeeType",
    "IllegalTransition",
    "InvalidAmount",
    "InvalidIdentifier",
    "InvalidQuantity",
    "LevelUpDetail",
    "LevelUpDue",
    "LineItem",
    "Modifier",
    "TaxClass",
    "TaxTable",
    "Tender",
    "TenderError",
    "TenderKind",
    "TenderStatus",
    "Totals",
    "UnknownTaxClass",
    "allocate",
    "can_move",
    "check_move",
    "format_cents",
    "identifier_day",
    "identifier_for",
    "move",
    "next_identifier",
    "parse_cents",
    "percent_of",
    "require_cents",
    "require_start",
    "validate_identifier",
]
