"""What the window says about checks and payments, in the cashier's words (no Qt here).

Every amount shown for a payment is :attr:`Tender.shown_amount`: what it paid, or, while
LevelUp's answer is not known, what it asked for (never $0.00 for money that may have been
taken). Voids and refunds say what went back to the customer, tip included, and how.
"""

from __future__ import annotations

from pos_app.domain import CheckState, LineItem, Tender, TenderKind, TenderStatus, format_cents
from pos_app.domain.returns import Refund, ReturnPlan
from pos_app.engine import CheckRecord, ManagerApproval

STATE_WORDS = {
    CheckState.OPEN: "open",
    CheckState.TENDERING: "paying",
    CheckState.CLOSED: "closed",
    CheckState.BALANCE_DUE: "sold, money owed",
    CheckState.VOIDED: "voided",
    CheckState.REFUNDED: "refunded",
}

_STATUS_WORDS = {
    TenderStatus.REQUESTED: "asking LevelUp",
    TenderStatus.PROPOSED: "asking LevelUp",
    TenderStatus.COMPLETING: "charging",
    TenderStatus.APPROVED: "approved",
    TenderStatus.PARTIALLY_APPROVED: "partly approved",
    TenderStatus.DECLINED: "declined",
    TenderStatus.UNKNOWN: "outcome unknown: checking with LevelUp",
    TenderStatus.QUEUED: "accepted offline",
    TenderStatus.FORWARDING: "accepted offline, sending to LevelUp",
    TenderStatus.CHARGED_LATE: "charged late by LevelUp: a manager keeps or refunds it",
    TenderStatus.REFUNDING: "refunding",
    TenderStatus.REFUNDED: "refunded",
    TenderStatus.VOID: "voided",
}


def kind_name(kind: TenderKind) -> str:
    """A tender kind as the cashier says it: LevelUp, Cash, Credit, ..."""
    return "LevelUp" if kind is TenderKind.LEVELUP else kind.value.capitalize()


def tender_title(tender: Tender) -> str:
    return f"{kind_name(tender.kind)} — {_STATUS_WORDS[tender.status]}"


def tender_details(tender: Tender, payer: str = "") -> list[str]:
    """What the payment brought beyond its amount: who paid (LevelUp's "First L."), discount,
    gift card, tip, change, and what was given back."""
    parts = [f"paid by {payer}"] if payer else []
    detail = tender.levelup
    if tender.status.is_pending:
        parts.append(f"{format_cents(tender.shown_amount)} asked")
    if detail is not None and detail.discount_amount and tender.status.holds_discount:
        parts.append(f"discount {format_cents(detail.discount_amount)}")
    if detail is not None and detail.gift_card_amount:
        parts.append(f"gift card {format_cents(detail.gift_card_amount)}")
    if tender.tip:
        parts.append(f"tip {format_cents(tender.tip)}")
    if tender.tendered is not None and tender.change:
        parts.append(f"given {format_cents(tender.tendered)}, change {format_cents(tender.change)}")
    if tender.returned:
        parts.append(f"{format_cents(tender.returned)} given back")
    return parts


def tender_text(tender: Tender, payer: str = "") -> str:
    """A payment in one line: kind, status, amount and details."""
    return ", ".join(
        [
            f"{tender_title(tender)} {format_cents(tender.shown_amount)}",
            *tender_details(tender, payer),
        ]
    )


def payments_text(record: CheckRecord) -> str:
    """Every payment of a check, each with who paid when LevelUp said."""
    return "; ".join(tender_text(t, record.info(t.tender_id).payer) for t in record.check.tenders)


def quantity_text(item: LineItem) -> str:
    """A line's quantity, with the units returned after the sale."""
    return f"{item.quantity} ({item.returned} returned)" if item.returned else str(item.quantity)


def check_label(record: CheckRecord) -> str:
    """The check's number, with its name when it has one: ``2612010003 · Table 4``."""
    name = f" · {record.name}" if record.name else ""
    return f"{record.check.identifier}{name}"


def heading(record: CheckRecord) -> str:
    words = STATE_WORDS[record.state]
    if record.state.is_final:
        words = f"{words.upper()}, read only"
    return f"Check {check_label(record)} — {words}"


def open_at_start(waiting: list[CheckRecord], back: CheckRecord | None) -> str:
    """What the cashier is told at start of the checks left open: the one ``back`` on
    screen, and how many of the others Recall (F7) lists."""
    said = (
        f"Check {back.check.identifier} was open when the register stopped: it is back on screen."
        if back
        else ""
    )
    if not waiting:
        return said
    names = ", ".join(r.name or r.check.identifier for r in waiting[:3])
    more = ", …" if len(waiting) > 3 else ""
    checks = f"{len(waiting)} {'more ' if back else ''}open check{'s' if len(waiting) > 1 else ''}"
    return f"{said} {checks} ({names}{more}): Recall (F7).".strip()


def due_line(record: CheckRecord) -> str:
    """The big line under the totals."""
    totals = record.check.totals
    if record.state is CheckState.VOIDED:
        return "Voided — nothing is owed"
    if record.state is CheckState.REFUNDED:
        return f"Refunded {format_cents(totals.returned)}"
    if record.state is CheckState.CLOSED and totals.taken_back:
        return f"Paid — {format_cents(totals.taken_back)} returned"
    if record.state is CheckState.CLOSED:
        return f"Paid — change {format_cents(totals.change_due)}" if totals.change_due else "Paid"
    return f"Due {format_cents(totals.balance_due)}"


def void_prompt(record: CheckRecord, tender: Tender) -> str:
    """What a manager approves when voiding one payment: the real amount going back."""
    name = kind_name(tender.kind)
    amount = format_cents(tender.amount)
    on = f"on check {record.check.identifier}"
    if tender.kind is TenderKind.LEVELUP and tender.status is TenderStatus.QUEUED:
        return f"Cancel the offline LevelUp payment of {amount} {on}: it was never charged."
    back = format_cents(_still_kept(tender))
    tip = f" and its {format_cents(tender.tip)} tip" if tender.tip else ""
    if tender.given_back:
        tip += f" ({format_cents(tender.given_back)} of it went back for returned items)"
    how = (
        "LevelUp refunds it whole, to the customer's account"
        if tender.kind is TenderKind.LEVELUP
        else ("give it back from the drawer" if tender.kind is TenderKind.CASH else "refund it")
    )
    sold = " The sale stays as it is and owes that payment again." if record.state.was_sold else ""
    return f"Void the {name} payment of {amount}{tip} {on}: {back} goes back ({how}).{sold}"


def void_check_prompt(record: CheckRecord) -> str:
    identifier = record.check.identifier
    paid = [t for t in record.check.tenders if t.status.is_paid]
    if not record.state.was_sold and not paid:
        return f"Void check {identifier}: nothing has been paid on it."
    back = format_cents(sum(_still_kept(t) for t in paid))
    if record.state.was_sold:
        return (
            f"Refund check {identifier}: {back} goes back, every payment on it ({_by_kind(paid)})."
        )
    return f"Void check {identifier} and give back its payments: {back} ({_by_kind(paid)})."


def after_void(record: CheckRecord, tender_id: str) -> str:
    """What the cashier is told once a payment's void went through."""
    tender = record.tender(tender_id)
    now = tender.returned - tender.given_back  # returned items gave the rest back before
    if tender.status is TenderStatus.REFUNDING:
        return "LevelUp did not confirm the refund yet: the register keeps checking."
    if tender.status is TenderStatus.DECLINED:
        said = "Offline payment cancelled: nothing was charged."
    elif tender.kind is TenderKind.CASH:
        said = f"Voided. Give back {format_cents(now)} cash."
    elif tender.kind is TenderKind.LEVELUP:
        said = f"Refunded {format_cents(now)} to the customer's LevelUp account."
    else:
        said = f"Voided: refund {format_cents(now)} on the card terminal."
    if record.state is CheckState.BALANCE_DUE:
        due = format_cents(record.check.totals.balance_due)
        said += (
            f" Check {record.check.identifier} now owes {due}: take another payment, or void it."
        )
    return said


def after_check_void(record: CheckRecord) -> str:
    identifier = record.check.identifier
    read_only = " It is read only: scan or tap an item to start a new check."
    if record.state is CheckState.VOIDED and not record.check.totals.returned:
        return f"Check {identifier} voided.{read_only}"
    if record.state in (CheckState.VOIDED, CheckState.REFUNDED):
        given = [t for t in record.check.tenders if t.returned - t.given_back]
        cash = sum(t.returned - t.given_back for t in given if t.kind is TenderKind.CASH)
        back = f" Give back {format_cents(cash)} cash." if cash else ""
        words = STATE_WORDS[record.state]
        now = sum(t.returned - t.given_back for t in given)
        return (
            f"Check {identifier} {words}: {format_cents(now)} given "
            f"back ({_by_kind(given, returned=True)}).{back}{read_only}"
        )
    return f"Check {identifier} is being voided: the register is still checking with LevelUp."


def _still_kept(tender: Tender) -> int:
    """What voiding a payment gives back now: all of it, tip included, less what returned
    items gave back of it already."""
    return tender.amount + tender.tip - tender.given_back


def return_prompt(record: CheckRecord, plan: ReturnPlan) -> str:
    """What a manager approves for a return: the items, and the money each payment gives back."""
    check = record.check
    items = ", ".join(f"{count} × {check.item(line_id).name}" for line_id, count in plan.units)
    return (
        f"Return {items} from check {check.identifier}: {format_cents(plan.total)} goes back "
        f"(items {format_cents(plan.items)}, tax {format_cents(plan.tax)}). "
        + " ".join(refund_words(refund) for refund in plan.refunds)
    )


def refund_words(refund: Refund) -> str:
    """How one payment gives money back for returned items."""
    amount = format_cents(refund.amount)
    if refund.kind is TenderKind.CASH:
        return f"Give back {amount}."
    if refund.kind is TenderKind.OTHER:
        return f"Give back {amount} the way it was paid (Other)."
    return f"Refund {amount} on the card terminal ({kind_name(refund.kind)})."


def after_return(before: CheckRecord, after: CheckRecord) -> str:
    """What the cashier is told once a return went through: the items, and the money to give
    back, payment by payment."""
    returned = [
        f"{line.returned - before.check.item(line.line_id).returned} × {line.name}"
        for line in after.check.items
        if line.returned != before.check.item(line.line_id).returned
    ]
    refunds = [
        Refund(t.tender_id, t.kind, t.given_back - before.tender(t.tender_id).given_back)
        for t in reversed(after.check.tenders)  # the newest first, as they gave back
        if t.given_back != before.tender(t.tender_id).given_back
    ]
    return f"Returned {', '.join(returned)} from check {after.check.identifier}. " + " ".join(
        refund_words(refund) for refund in refunds
    )


def _by_kind(tenders: list[Tender], *, returned: bool = False) -> str:
    amounts: dict[str, int] = {}
    for tender in tenders:
        name = kind_name(tender.kind)
        amounts[name] = amounts.get(name, 0) + (
            tender.returned - tender.given_back if returned else _still_kept(tender)
        )
    return ", ".join(f"{name} {format_cents(cents)}" for name, cents in amounts.items())


def approved_by(approval: ManagerApproval) -> str:
    return f"Approved by {approval.manager}."


def answered(record: CheckRecord, tender_id: str) -> str:
    """LevelUp's answer about one payment, once it came."""
    tender = tender_text(record.tender(tender_id))
    return f"LevelUp answered about check {record.check.identifier}: {tender}."


def settled_words(before: CheckRecord, after: CheckRecord) -> list[str]:
    """What to tell the cashier when payments that waited for LevelUp's answer got it."""
    waited = {t.tender_id for t in before.check.tenders if t.status is TenderStatus.UNKNOWN}
    return [
        answered(after, t.tender_id)
        for t in after.check.tenders
        if t.tender_id in waited and not t.status.is_pending
    ]
