"""Tender lines: how a check is paid, one line per payment attempt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.errors import TenderError
from pos_app.domain.money import Cents, require_cents


class TenderKind(StrEnum):
    LEVELUP = "levelup"
    CASH = "cash"
    CREDIT = "credit"
    DEBIT = "debit"
    OTHER = "other"


class TenderStatus(StrEnum):
    """The lifecycle of a payment attempt (DESIGN.md, "The payment flow")."""

    REQUESTED = "requested"
    PROPOSED = "proposed"
    COMPLETING = "completing"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    DECLINED = "declined"
    UNKNOWN = "unknown"
    QUEUED = "queued"
    """Accepted offline under the merchant's policy; LevelUp is asked when it is back."""
    FORWARDING = "forwarding"
    """An offline payment sent to LevelUp whose answer is not in yet (or was lost): it still
    counts as paid, and is looked for at LevelUp before it is ever sent again."""
    CHARGED_LATE = "charged_late"
    """LevelUp committed, after the register had presumed it not charged, an attempt whose
    order was absent once its settle window passed: the money was taken, but it counts for
    nothing until a manager keeps it as payment or refunds it."""
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    VOID = "void"

    @property
    def is_paid(self) -> bool:
        """Money was taken and still stands against the check."""
        return self in _PAID

    @property
    def holds_discount(self) -> bool:
        """A LevelUp discount from this attempt stays applied to the check."""
        return self in _HOLDS_DISCOUNT

    @property
    def is_active(self) -> bool:
        """The attempt is under way or took money: the check's contents must not change."""
        return self not in _INACTIVE

    @property
    def is_in_flight(self) -> bool:
        """LevelUp has been or is being asked and the answer is not settled yet."""
        return self in _IN_FLIGHT

    @property
    def is_pending(self) -> bool:
        """An attempt to take money whose answer is not in: it counts for nothing yet."""
        return self in _PENDING

    @property
    def is_final(self) -> bool:
        """The attempt has its outcome: no request of it is pending or queued, so its payment
        code is no longer needed (an approved payment may still be voided, by order uuid)."""
        return self in _FINAL


_PENDING = frozenset(
    {
        TenderStatus.REQUESTED,
        TenderStatus.PROPOSED,
        TenderStatus.COMPLETING,
        TenderStatus.UNKNOWN,
    }
)
_IN_FLIGHT = _PENDING | {TenderStatus.FORWARDING, TenderStatus.REFUNDING}
_PAID = frozenset(
    {
        TenderStatus.APPROVED,
        TenderStatus.PARTIALLY_APPROVED,
        TenderStatus.REFUNDING,
        TenderStatus.QUEUED,
        TenderStatus.FORWARDING,
    }
)
_HOLDS_DISCOUNT = frozenset(
    {
        TenderStatus.PROPOSED,
        TenderStatus.COMPLETING,
        TenderStatus.UNKNOWN,
        *_PAID,
    }
)
_INACTIVE = frozenset({TenderStatus.DECLINED, TenderStatus.REFUNDED, TenderStatus.VOID})
_FINAL = _INACTIVE | {TenderStatus.APPROVED, TenderStatus.PARTIALLY_APPROVED}


@dataclass(frozen=True)
class LevelUpDetail:
    """What a LevelUp attempt applied to the check, from the proposed and completed orders.

    ``tax_amount`` and ``exemption_amount`` are the values this payment was responsible for
    (the calculator's output), so a later LevelUp payment on the same check is asked only for
    what is left.
    """

    discount_amount: Cents = 0
    tax_amount: Cents = 0
    exemption_amount: Cents = 0
    gift_card_amount: Cents = 0
    gift_card_tip_amount: Cents = 0
    proposed_order_uuid: str | None = None
    order_uuid: str | None = None
    gift_card_known: bool = True
    """False for a payment settled from LevelUp's merchant view of its order (a lost answer
    found, a late charge kept): that view does not say how much the gift card paid, so the
    gift-card fields are 0 without meaning none (red team D9)."""

    def __post_init__(self) -> None:
        for name in (
            "discount_amount",
            "tax_amount",
            "exemption_amount",
            "gift_card_amount",
            "gift_card_tip_amount",
        ):
            require_cents(getattr(self, name), f"The LevelUp {name.replace('_', ' ')}")


@dataclass(frozen=True)
class Tender:
    """One tender line. ``amount`` counts against the balance due; ``tip`` is on top of it.

    For cash, ``tendered`` is what the customer handed over; the change is the difference.
    """

    tender_id: str
    kind: TenderKind
    amount: Cents
    status: TenderStatus = TenderStatus.APPROVED
    tip: Cents = 0
    tendered: Cents | None = None
    levelup: LevelUpDetail | None = None
    asked: Cents = 0
    """What the attempt asked the customer to pay against the check (LevelUp: the spend sent,
    less the discount it applied): shown while its outcome is not known."""
    given_back: Cents = 0
    """What items returned after the sale gave back of this payment (never its tip)."""

    def __post_init__(self) -> None:
        if not self.tender_id:
            raise TenderError("A tender needs an id.")
        require_cents(self.amount, "A tender amount")
        require_cents(self.tip, "A tip")
        require_cents(self.asked, "The amount asked")
        require_cents(self.given_back, "The amount given back")
        if self.given_back > self.amount:
            raise TenderError("A payment cannot give back more than it took.")
        if self.tendered is not None:
            if self.kind is not TenderKind.CASH:
                raise TenderError("Only cash is tendered with change.")
            require_cents(self.tendered, "The cash tendered")
            if self.tendered < self.amount:
                raise TenderError("Cash tendered cannot be less than the amount it pays.")
        if (self.levelup is not None) != (self.kind is TenderKind.LEVELUP):
            raise TenderError("LevelUp details belong to LevelUp tenders only.")

    @property
    def change(self) -> Cents:
        """Change to hand back for a cash tender that still stands."""
        if self.tendered is None or not self.status.is_paid:
            return 0
        return self.tendered - self.amount

    @property
    def shown_amount(self) -> Cents:
        """The amount to show for the line: what it pays, or, while LevelUp's answer is not
        known (or the attempt was not answered yet), what it asked for."""
        if self.status.is_pending:
            return self.asked
        return self.amount

    @property
    def returned(self) -> Cents:
        """What this payment gave back to the customer: all of it, tip included, once voided
        or refunded (returns before included); else what returned items gave back."""
        if self.status in (TenderStatus.VOID, TenderStatus.REFUNDED):
            return self.amount + self.tip
        return self.given_back

    @property
    def kept(self) -> Cents:
        """What of this payment still stands against the check."""
        return self.amount - self.given_back if self.status.is_paid else 0

    @property
    def discount_amount(self) -> Cents:
        """The LevelUp discount this line keeps applied to the check."""
        if self.levelup is None or not self.status.holds_discount:
            return 0
        return self.levelup.discount_amount
