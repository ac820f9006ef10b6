"""What the receipt of money given back says: a check voided, a sale refunded, items
returned, one payment voided."""

from __future__ import annotations

from dataclasses import replace

from pos_app.domain import Check, LineItem, Tender, TenderKind, TenderStatus, format_cents
from pos_app.domain.returns import plan_return, returned
from pos_app.engine import CheckState, TenderInfo
from pos_app.receipts import ReceiptKind
from tests.receipts.checks import (
    OPENED,
    ORDER_UUID,
    PRINTED,
    levelup,
    local,
    paid,
    record_of,
    refund,
    row,
    rung_up,
)

S = TenderStatus


def test_a_check_voided_before_it_was_paid_gives_back_its_cash():
    check = Check("2612010005").add_item(LineItem("Lunch", 855))
    check = check.add_tender(Tender("cash", TenderKind.CASH, 855, S.VOID, tendered=1000))
    receipt = refund(record_of(check, CheckState.VOIDED))
    lines = receipt.text_lines()
    assert receipt.kind is ReceiptKind.VOID
    assert "VOID".center(24).rstrip() in lines
    assert row("Voided", local(PRINTED)) in lines
    at = lines.index(row("Lunch", "$8.55"))
    assert lines[at : at + 6] == [
        row("Lunch", "$8.55"),
        "-" * 48,
        row("Check total", "$8.55"),
        "-" * 48,
        "Give back cash $8.55",
        row("TOTAL GIVEN BACK", "$8.55"),
    ]
    assert receipt.lines()[at + 4].bold


def test_a_void_of_a_check_nothing_was_paid_on():
    check = Check("2612010005").add_item(LineItem("Lunch", 855))
    lines = refund(record_of(check, CheckState.VOIDED)).text_lines()
    assert "Nothing was given back." in lines
    assert not any("TOTAL GIVEN BACK" in line for line in lines)


def test_a_refunded_sale_says_what_each_payment_gave_back():
    check = rung_up()
    check = paid(
        check,
        levelup(2000, S.REFUNDED, tip=150, order_uuid=ORDER_UUID),
        Tender("credit", TenderKind.CREDIT, 1155, S.VOID),
    )
    receipt = refund(record_of(check, CheckState.REFUNDED))
    lines = receipt.text_lines()
    assert receipt.kind is ReceiptKind.REFUND
    assert "REFUND".center(24).rstrip() in lines
    at = lines.index(row("Check total", "$31.55"))
    assert lines[at : at + 5] == [
        row("Check total", "$31.55"),
        "-" * 48,
        "Refunded to LevelUp $21.50",  # its tip with it
        "Refunded to credit card $11.55",
        row("TOTAL GIVEN BACK", "$33.05"),
    ]


def test_a_levelup_refund_not_confirmed_yet_is_pending():
    check = rung_up().add_tender(levelup(3155, S.REFUNDING, tip=100))
    lines = refund(record_of(check, CheckState.CLOSED)).text_lines()
    assert "LevelUp refund pending $32.55" in lines


def test_an_offline_payment_cancelled_was_never_charged():
    check = rung_up().add_tender(levelup(0, S.DECLINED))
    record = record_of(check, CheckState.VOIDED)
    record = replace(record, tender_info={"lu": TenderInfo(queued_at=OPENED)})
    lines = refund(record).text_lines()
    assert "LevelUp offline payment cancelled: never charged" in lines
    assert "Nothing was given back." not in lines


def sold_for_returns() -> Check:
    check = rung_up().add_tender(Tender("credit", TenderKind.CREDIT, 1000))
    return check.pay_cash("cash", 5000)


def test_an_item_return_shows_the_units_and_what_each_payment_gives_back():
    check = sold_for_returns()
    plan = plan_return(check, {1: 1})
    before = record_of(check)
    after = record_of(returned(check, plan))
    receipt = refund(after, before=before)
    lines = receipt.text_lines()
    assert receipt.kind is ReceiptKind.REFUND
    at = lines.index("1 x Burger")
    assert lines[at : at + 8] == [
        "1 x Burger",
        "-" * 48,
        row("Items", format_cents(plan.items)),
        row("Tax", format_cents(plan.tax)),
        row("RETURNED", format_cents(plan.total)),
        "-" * 48,
        f"Give back cash {format_cents(plan.total)}",
        row("TOTAL GIVEN BACK", format_cents(plan.total)),
    ]
    [cash] = plan.refunds
    assert cash.kind is TenderKind.CASH


def test_a_second_return_shows_only_itself_and_without_before_everything_returned():
    check = sold_for_returns()
    first = returned(check, plan_return(check, {1: 1}))
    plan = plan_return(first, {1: 1, 2: 1})
    second = returned(first, plan)
    lines = refund(record_of(second), before=record_of(first)).text_lines()
    assert lines[lines.index("1 x Burger") + 1] == "1 x Fries"
    assert row("RETURNED", format_cents(plan.total)) in lines
    gave = {
        t.tender_id: t.given_back - first.tender(t.tender_id).given_back for t in second.tenders
    }
    total = format_cents(sum(gave.values()))
    assert row("TOTAL GIVEN BACK", total) in lines and total == format_cents(plan.total)

    everything = refund(record_of(second)).text_lines()
    assert everything[everything.index("2 x Burger") + 1] == "1 x Fries"
    assert row("RETURNED", format_cents(second.totals.taken_back)) in everything


def test_one_payment_voided_on_a_sale_says_what_the_check_owes_now():
    check = Check("2612010006").add_item(LineItem("Lunch", 2000))
    before = check.add_tender(Tender("credit", TenderKind.CREDIT, 2000))
    after = before.replace_tender(replace(before.tender("credit"), status=S.VOID))
    lines = refund(record_of(after, CheckState.BALANCE_DUE), before=record_of(before)).text_lines()
    assert "Refunded to credit card $20.00" in lines
    assert row("Check now owes", "$20.00") in lines
    assert "Lunch" not in "\n".join(lines)
