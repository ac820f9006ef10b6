"""LevelUp's proposed-order calculator, to the cent (API-NOTES.md §11).

This is the integer arithmetic of ``ProposedOrderCalculator`` in LevelUp's C# and Java POS
libraries: it turns what is outstanding on a check and what the customer wants to pay with
LevelUp into the ``spend_amount``, ``tax_amount`` and ``exemption_amount`` of the proposed and
completed order requests. The last payer pays the tax and bears the exemptions. No rounding
happens here; all amounts are cents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AdjustedCheckValues:
    """The calculator's answer, field for field the request's amounts."""

    spend_amount: int
    tax_amount: int
    exemption_amount: int


def proposed_order_values(
    outstanding: int, tax: int, exempt: int, payment: int
) -> AdjustedCheckValues:
    """Amounts for ``POST /v15/proposed_orders``.

    ``outstanding``: what the check still owes, tax included, after other tenders and
    non-LevelUp discounts; ``tax``: the tax due on it; ``exempt``: the exempt items' total;
    ``payment``: what the customer wants to pay with LevelUp. Raises ``ValueError`` for a
    negative ``outstanding``.
    """
    return _adjust(outstanding, tax, exempt, payment)


def completed_order_values(
    outstanding: int, tax: int, exempt: int, payment: int, applied_discount: int | None
) -> AdjustedCheckValues:
    """Amounts for ``POST /v15/completed_orders``.

    ``outstanding`` and ``tax`` are read from the check after the proposed order's discount was
    applied; the discount is added back to restore the pre-discount basis. ``None`` (discounts
    disabled) counts as 0, and the discount's sign is ignored, as in LevelUp's libraries.
    """
    return _adjust(outstanding + abs(applied_discount or 0), tax, exempt, payment)


def _adjust(
    outstanding: int, tax_amount: int, exempt_amount: int, payment_amount: int
) -> AdjustedCheckValues:
    if outstanding < 0:
        raise ValueError(f"The outstanding amount cannot be negative ({outstanding}).")
    payment = max(0, min(outstanding, payment_amount))
    tax = max(0, min(tax_amount, outstanding))
    pre_tax_subtotal = outstanding - tax
    exempt = max(0, min(exempt_amount, pre_tax_subtotal))
    non_exempt_subtotal = pre_tax_subtotal - exempt

    adjusted_tax = tax if payment >= outstanding else max(0, payment - pre_tax_subtotal)
    adjusted_exempt = (
        exempt if payment >= pre_tax_subtotal else max(0, payment - non_exempt_subtotal)
    )
    return AdjustedCheckValues(payment, adjusted_tax, adjusted_exempt)
