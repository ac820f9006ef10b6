"""The check: items, discounts, fees and tenders, and the totals derived from them.

A :class:`Check` is immutable: every change returns a new check, so the engine can journal a
snapshot and hand the same one to the UI without locks. Totals are computed once per check.

How the totals are built:

1. Each line's total is its charged price (after item discounts) plus its modifiers.
2. Check discounts come off the items and modifiers that are not exempt, spread in proportion
   to their prices (exempt items such as tobacco or gift cards are never discounted). The
   LevelUp discount then comes off what is left of them and off the fees, as LevelUp offers it
   on the spend less tax and exemptions.
3. Tax is computed on what each tax class still costs, rounded half to even once per class per
   check; each fee is taxed on its own, on what is left of it.
4. Grand total = subtotal − discounts + fees + tax. Tips ride on tenders, above the total.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

from pos_app.domain.errors import CheckLocked, DomainError, InvalidAmount, TenderError
from pos_app.domain.identifiers import validate_identifier
from pos_app.domain.items import Discount, Fee, LineItem, require_within
from pos_app.domain.lifecycle import require_tender_move
from pos_app.domain.money import MAX_CENTS, Cents, allocate, format_cents, require_cents
from pos_app.domain.tax import TaxTable
from pos_app.domain.tenders import Tender, TenderKind, TenderStatus

_T = TypeVar("_T")


@dataclass(frozen=True)
class Totals:
    """Everything a receipt or a tender screen shows about a check's money, in cents."""

    item_discounts: Cents
    subtotal: Cents
    check_discount: Cents
    check_discount_shares: tuple[tuple[Cents, ...], ...]
    """Per line, the check discount's share of the item's own price, then of each modifier."""
    levelup_discount: Cents
    tax: Cents
    fees: Cents
    fee_taxes: tuple[Cents, ...]
    exempt: Cents
    grand_total: Cents
    paid: Cents
    balance_due: Cents
    change_due: Cents
    tip: Cents
    overpaid: Cents = 0
    """Paid beyond the total by outcomes the register did not choose (to be refunded)."""
    check_discount_amounts: tuple[Cents, ...] = ()
    """What each check discount takes, in order (a percent or a capped amount, in cents)."""
    returned: Cents = 0
    """Given back to the customer by voided and refunded payments (tips included) and by
    returned items."""
    returned_items: Cents = 0
    """What the units returned after the sale came to, after their discounts, before tax."""
    returned_tax: Cents = 0
    """The tax on the returned units: their share of each tax class's tax."""
    class_taxes: tuple[tuple[str, Cents], ...] = ()
    """The tax of each tax class charged (items and fees), by class code, in code order."""

    @property
    def discounts(self) -> Cents:
        """Discounts taken off the subtotal: the check's own plus LevelUp's."""
        return self.check_discount + self.levelup_discount

    @property
    def taken_back(self) -> Cents:
        """The part of the sale its returned items took back, tax included."""
        return self.returned_items + self.returned_tax


@dataclass(frozen=True)
class LevelUpDue:
    """What the proposed-order calculator needs from the check right now."""

    outstanding: Cents
    tax: Cents
    exempt: Cents


@dataclass(frozen=True)
class Check:
    """An order being rung up and paid. ``identifier`` is its ``identifier_from_merchant``."""

    identifier: str
    tax_table: TaxTable = field(default_factory=TaxTable)
    items: tuple[LineItem, ...] = ()
    discounts: tuple[Discount, ...] = ()
    fees: tuple[Fee, ...] = ()
    tenders: tuple[Tender, ...] = ()
    next_line_id: int = 1

    def __post_init__(self) -> None:
        validate_identifier(self.identifier)
        self.tax_table.require(item.tax_class for item in self.items)
        self.tax_table.require(fee.tax_class for fee in self.fees)
        # Tax is at most 100 % of what it is on, so twice the prices bound the total: the
        # totals are computed here only for a check near the limit (they are lazy otherwise).
        prices = sum(i.standard_price + i.modifiers_price for i in self.items)
        bound = 2 * (prices + sum(fee.amount for fee in self.fees)) + len(self.tax_table.classes)
        if bound > MAX_CENTS and self.totals.grand_total > MAX_CENTS:
            raise InvalidAmount(
                f"The check total of {format_cents(self.totals.grand_total)} is more than "
                "a register can take."
            )

    # ----- contents -------------------------------------------------------------------------

    def add_item(self, item: LineItem) -> Check:
        """Add a line; it gets the next ``line_id`` of this check."""
        self._require_unlocked()
        line = replace(item, line_id=self.next_line_id)
        return replace(self, items=(*self.items, line), next_line_id=self.next_line_id + 1)

    def add_or_raise(self, item: LineItem) -> Check:
        """Add ``item``, or raise by its quantity the first line that sells as it (the same
        item, modifiers and price, no discount): a second tap is one line of two."""
        same = self.line_like(item)
        if same is None:
            return self.add_item(item)
        raised = replace(same, quantity=same.quantity + item.quantity)
        return self.replace_item(same.line_id, raised)

    def line_like(self, item: LineItem) -> LineItem | None:
        """The first line ``item`` would raise (see :meth:`add_or_raise`), if any."""
        return next((line for line in self.items if line.sells_as(item)), None)

    def item(self, line_id: int) -> LineItem:
        for line in self.items:
            if line.line_id == line_id:
                return line
        raise DomainError(f"There is no line {line_id} on check {self.identifier}.")

    def replace_item(self, line_id: int, item: LineItem) -> Check:
        """Put ``item`` in place of line ``line_id`` (an edit keeps the line's id)."""
        self._require_unlocked()
        self.item(line_id)
        new = replace(item, line_id=line_id)
        return replace(self, items=tuple(new if i.line_id == line_id else i for i in self.items))

    def update_item(self, line_id: int, change: Callable[[LineItem], LineItem]) -> Check:
        return self.replace_item(line_id, change(self.item(line_id)))

    def remove_item(self, line_id: int) -> Check:
        self._require_unlocked()
        self.item(line_id)
        return replace(self, items=tuple(i for i in self.items if i.line_id != line_id))

    def add_discount(self, discount: Discount) -> Check:
        """Add a check discount; a fixed one may not be more than what is left to discount."""
        self._require_unlocked()
        totals = self.totals
        left = totals.subtotal - totals.exempt - totals.check_discount
        require_within(discount, left, "the check")
        return replace(self, discounts=(*self.discounts, discount))

    def remove_discount(self, index: int) -> Check:
        self._require_unlocked()
        return replace(self, discounts=_without(self.discounts, index, "discount"))

    def add_fee(self, fee: Fee) -> Check:
        self._require_unlocked()
        return replace(self, fees=(*self.fees, fee))

    def remove_fee(self, index: int) -> Check:
        self._require_unlocked()
        return replace(self, fees=_without(self.fees, index, "fee"))

    @property
    def is_locked(self) -> bool:
        """A payment is under way or was taken: items, discounts and fees are frozen."""
        return any(t.status.is_active for t in self.tenders)

    def _require_unlocked(self) -> None:
        if self.is_locked:
            raise CheckLocked(
                f"Check {self.identifier} has payments on it; void them before changing it."
            )

    # ----- tenders --------------------------------------------------------------------------

    def tender(self, tender_id: str) -> Tender:
        for tender in self.tenders:
            if tender.tender_id == tender_id:
                return tender
        raise TenderError(f"There is no tender {tender_id} on check {self.identifier}.")

    def add_tender(self, tender: Tender) -> Check:
        """Add a tender line; a paid one may not pay more than the balance due, and one taken
        at the counter (not LevelUp) must pay something towards a balance that is due."""
        if any(t.tender_id == tender.tender_id for t in self.tenders):
            raise TenderError(f"Tender {tender.tender_id} is already on the check.")
        if tender.kind is not TenderKind.LEVELUP:
            require_cents(tender.amount, f"The {tender.kind.value} amount", allow_zero=False)
            if self.totals.balance_due == 0:
                raise TenderError(f"Nothing is due on check {self.identifier}.")
        return replace(self, tenders=(*self.tenders, tender))._require_not_overpaid(tender)

    def replace_tender(self, tender: Tender, *, allow_overpayment: bool = False) -> Check:
        """Replace the tender line with the same id (its status or amounts changed); a new
        status must be one the lifecycle allows (:mod:`pos_app.domain.lifecycle`).

        ``allow_overpayment`` records an outcome decided elsewhere (money LevelUp took) even
        when it pays more than is due: ``totals.overpaid`` then says how much.
        """
        old = self.tender(tender.tender_id)
        if tender.status is not old.status:
            require_tender_move(old.kind, old.status, tender.status)
        new = replace(self, tenders=tuple(tender if t is old else t for t in self.tenders))
        return new if allow_overpayment else new._require_not_overpaid(tender)

    def pay_cash(self, tender_id: str, tendered: Cents) -> Check:
        """Take ``tendered`` cash against the balance due; what is over is change."""
        require_cents(tendered, "The cash tendered", allow_zero=False)
        due = self.totals.balance_due
        if due == 0:
            raise TenderError(f"Nothing is due on check {self.identifier}.")
        return self.add_tender(
            Tender(tender_id, TenderKind.CASH, amount=min(tendered, due), tendered=tendered)
        )

    def _require_not_overpaid(self, tender: Tender) -> Check:
        """This check, unless ``tender`` made it pay more than its total (cash change is
        outside ``amount``, so cash never does)."""
        totals = self.totals
        if tender.status.is_paid and totals.overpaid:
            due = max(0, tender.amount - totals.overpaid)
            raise TenderError(
                f"{tender.kind.value.capitalize()} payment of {format_cents(tender.amount)} "
                f"is more than the {format_cents(due)} due."
            )
        return self

    @property
    def can_close(self) -> bool:
        """Nothing is due, no payment attempt waits for its answer and none is being given
        back (an offline payment being forwarded counts as paid)."""
        return (
            bool(self.items)
            and self.totals.balance_due == 0
            and not any(
                t.status.is_pending or t.status is TenderStatus.REFUNDING for t in self.tenders
            )
        )

    # ----- totals ---------------------------------------------------------------------------

    @cached_property
    def totals(self) -> Totals:
        # Discounts are spread over components: each line's own price and each modifier, so
        # every price sent to LevelUp stays whole and the parts add up to the total.
        owners: list[LineItem] = []
        amounts: list[Cents] = []
        for line in self.items:
            for amount in (line.charged_price, *(line.modifier_charge(m) for m in line.modifiers)):
                owners.append(line)
                amounts.append(amount)
        eligible = [0 if line.exemption else a for line, a in zip(owners, amounts, strict=True)]

        base = sum(eligible)
        remaining = base
        taken: list[Cents] = []
        for discount in self.discounts:
            taken.append(discount.off(remaining))
            remaining -= taken[-1]
        check_discount = base - remaining
        check_shares = allocate(check_discount, eligible)
        after_check = [e - s for e, s in zip(eligible, check_shares, strict=True)]

        # LevelUp offers its discount on spend - tax - exemptions, which includes fees.
        levelup_base = [*after_check, *(fee.amount for fee in self.fees)]
        wanted = sum(t.discount_amount for t in self.tenders)
        levelup_discount = min(wanted, sum(levelup_base))
        levelup_shares = allocate(levelup_discount, levelup_base)

        taxable: dict[str, Cents] = defaultdict(int)
        # What the units returned after the sale came to: each component's share in
        # proportion to its line's units returned, and of each tax class's tax.
        returned_items = 0
        returned_taxable: dict[str, Cents] = defaultdict(int)
        for line, amount, check_share, levelup_share in zip(
            owners, amounts, check_shares, levelup_shares, strict=False
        ):
            net = amount - check_share - levelup_share
            back = net * line.returned // line.quantity
            returned_items += back
            if line.tax_class is not None:
                taxable[line.tax_class] += net
                returned_taxable[line.tax_class] += back
        class_taxes = {code: self.tax_table.get(code).tax_on(a) for code, a in taxable.items()}
        items_tax = sum(class_taxes.values())
        returned_tax = sum(
            class_taxes[code] * back // taxable[code]
            for code, back in returned_taxable.items()
            if back
        )
        fee_taxes = tuple(
            self.tax_table.get(fee.tax_class).tax_on(fee.amount - share) if fee.tax_class else 0
            for fee, share in zip(self.fees, levelup_shares[len(amounts) :], strict=True)
        )
        by_class = Counter(class_taxes)
        for fee, fee_tax in zip(self.fees, fee_taxes, strict=True):
            if fee.tax_class is not None:
                by_class[fee.tax_class] += fee_tax
        fees = sum(fee.amount for fee in self.fees)
        subtotal = sum(amounts)
        tax = items_tax + sum(fee_taxes)
        grand_total = subtotal - check_discount - levelup_discount + fees + tax

        per_line: list[tuple[Cents, ...]] = []
        position = 0
        for line in self.items:
            count = 1 + len(line.modifiers)
            per_line.append(tuple(check_shares[position : position + count]))
            position += count

        paying = [t for t in self.tenders if t.status.is_paid]
        paid = sum(t.amount for t in paying)
        # Returned items take their value off what is owed and off what the payments keep.
        owed = grand_total - returned_items - returned_tax
        kept = sum(t.kept for t in paying)
        return Totals(
            item_discounts=sum(line.discount_amount for line in self.items),
            subtotal=subtotal,
            check_discount=check_discount,
            check_discount_shares=tuple(per_line),
            levelup_discount=levelup_discount,
            tax=tax,
            fees=fees,
            fee_taxes=fee_taxes,
            exempt=sum(a for line, a in zip(owners, amounts, strict=True) if line.exemption),
            grand_total=grand_total,
            paid=paid,
            balance_due=max(0, owed - kept),
            change_due=sum(t.change for t in paying),
            tip=sum(t.tip for t in paying),
            overpaid=max(0, kept - owed),
            check_discount_amounts=tuple(taken),
            returned=sum(t.returned for t in self.tenders),
            returned_items=returned_items,
            returned_tax=returned_tax,
            class_taxes=tuple(sorted(by_class.items())),
        )

    def applied_levelup_discount(self, tender_id: str) -> Cents:
        """The part of a LevelUp tender's discount the check could take: what the completed
        order reports as ``applied_discount_amount``. Earlier tenders are served first."""
        remaining = self.totals.levelup_discount
        for tender in self.tenders:
            applied = min(tender.discount_amount, remaining)
            if tender.tender_id == tender_id:
                return applied
            remaining -= applied
        raise TenderError(f"There is no tender {tender_id} on check {self.identifier}.")

    def levelup_due(self) -> LevelUpDue:
        """The calculator's inputs: the balance due, and the tax and exempt amounts not yet
        paid by earlier LevelUp payments on this check."""
        totals = self.totals
        paid_levelup = [
            t.levelup for t in self.tenders if t.levelup is not None and t.status.is_paid
        ]
        return LevelUpDue(
            outstanding=totals.balance_due,
            tax=max(0, totals.tax - sum(d.tax_amount for d in paid_levelup)),
            exempt=max(0, totals.exempt - sum(d.exemption_amount for d in paid_levelup)),
        )


def _without(entries: tuple[_T, ...], index: int, what: str) -> tuple[_T, ...]:
    if not 0 <= index < len(entries):
        raise DomainError(f"There is no {what} number {index + 1} on the check.")
    return entries[:index] + entries[index + 1 :]
