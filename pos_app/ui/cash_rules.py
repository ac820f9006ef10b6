"""What the cash dialog offers and what it asks about (no Qt): the amounts customers hand
over, and cash so far above what is due that it is confirmed before it is taken."""

from __future__ import annotations


def quick_amounts(due: int) -> list[int]:
    """What customers hand over: the exact amount and the next whole $1, $5, $10, $20, $50
    and $100 above it; six at most."""
    steps = (100, 500, 1000, 2000, 5000, 10000)
    return sorted({due} | {-(-due // step) * step for step in steps})[:6]


FAR_OVER = 10000
"""Cash more than this over what is due ($100) is asked about before it is taken."""


def far_above(tendered: int, due: int) -> bool:
    """Cash a cashier should look at twice before taking it: more than $100 over what is
    due, or ten times what is due (ten times $5 when less is due), as an extra digit
    typed makes it ($200.00 for a $20 note)."""
    return tendered - due > FAR_OVER or tendered >= 10 * max(due, 500)
