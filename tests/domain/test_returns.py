"""Items returned after a sale: what they come to, who gives the money back, and totals that
always agree with the payments."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain import (
    Check,
    Discount,
    Fee,
    FeeType,
    IllegalTransition,
    InvalidQuantity,
    LevelUpDetail,
    LineItem,
    Modifier,
    TaxClass,
    TaxTable,
    Tender,
    TenderError,
    TenderKind,
    TenderStatus,
)
from pos_app.domain.returns import (
    LEVELUP_WHOLE_ORDER,
    Refund,
    left_to_return,
    plan_return,
    returned,
    why_no_returns,
)

TAXES = TaxTable.of(TaxClass("food", Decimal("8.875")), TaxClass("drink", Decimal("5")))


def sold(*tenders: Tender, discount: int = 500) -> Check:
    check = Check("A1", TAXES)
    check = check.add_item(
        LineItem("Burger", 899, quantity=3, tax_class="food", modifiers=(Modifier("Cheese", 50),))
    )
    check = check.add_item(LineItem("Soda", 250, tax_class="drink"))
    if discount:
        check = check.add_discount(Discount("Regulars", amount=discount))
    for tender in tenders:
        check = check.add_tender(tender)
    return check


def test_a_return_gives_back_the_units_after_their_discount_with_their_tax_share():
    check = sold()
    totals = check.totals
    check = check.add_tender(Tender("card", TenderKind.CREDIT, 1000))
    check = check.pay_cash("cash", totals.grand_total - 1000)
    plan = plan_return(check, {1: 1})
    # a burger with its cheese: a third of (2697 + 150 − their share of the $5 discount)
    shares = totals.check_discount_shares[0]
    assert plan.items == (2697 - shares[0]) // 3 + (150 - shares[1]) // 3
    food = [2697 - shares[0], 150 - shares[1]]
    food_tax = TAXES.get("food").tax_on(sum(food))
    assert plan.tax == food_tax * plan.items // sum(food)
    assert plan.refunds == (Refund("cash", TenderKind.CASH, plan.total),)
    after = returned(check, plan)
    assert after.totals.taken_back == plan.total == after.totals.returned
    assert after.tender("cash").given_back == plan.total
    assert after.totals.balance_due == 0 and after.totals.paid == totals.grand_total
    assert after.item(1).returned == 1 and left_to_return(after.item(1)) == 2


def test_the_newest_payment_gives_back_first_and_the_next_takes_the_rest():
    check = sold()
    check = check.add_tender(Tender("card", TenderKind.DEBIT, 300))
    check = check.add_tender(Tender("other", TenderKind.OTHER, check.totals.balance_due))
    plan = plan_return(check, {1: 3, 2: 1})
    other = check.tender("other").amount
    assert plan.refunds == (
        Refund("other", TenderKind.OTHER, other),
        Refund("card", TenderKind.DEBIT, plan.total - other),
    )
    assert plan.total == check.totals.grand_total  # no fees: every item is the whole sale


def test_fees_and_tips_stay_when_every_item_is_returned():
    check = sold(discount=0).add_fee(Fee("Delivery", FeeType.DELIVERY, 300, tax_class="food"))
    check = check.add_tender(Tender("card", TenderKind.CREDIT, check.totals.balance_due, tip=200))
    after = returned(check, plan_return(check, {1: 3, 2: 1}))
    totals = after.totals
    assert totals.taken_back == check.totals.grand_total - 300 - totals.fee_taxes[0]
    assert after.tender("card").kept == 300 + totals.fee_taxes[0]
    assert totals.tip == 200 and totals.balance_due == 0
    assert why_no_returns(after) == "Every item on check A1 was returned already."


@given(
    prices=st.lists(st.integers(1, 5000), min_size=1, max_size=4),
    quantities=st.lists(st.integers(1, 5), min_size=4, max_size=4),
    discount=st.integers(0, 900),
    order=st.randoms(use_true_random=False),
)
def test_returning_unit_by_unit_gives_back_exactly_the_whole_sale(
    prices, quantities, discount, order
):
    check = Check("A1", TAXES)
    for index, price in enumerate(prices):
        kind = "food" if index % 2 else "drink"
        check = check.add_item(LineItem(f"I{index}", price, quantities[index], tax_class=kind))
    if 0 < discount < check.totals.subtotal:
        check = check.add_discount(Discount("Off", amount=discount))
    if check.totals.balance_due > 1:
        check = check.add_tender(Tender("card", TenderKind.CREDIT, check.totals.balance_due // 2))
    check = check.pay_cash("cash", check.totals.balance_due + 100)
    units = [line.line_id for line in check.items for _ in range(line.quantity)]
    order.shuffle(units)
    given_back = 0
    for line_id in units:
        plan = plan_return(check, {line_id: 1})
        check = returned(check, plan)
        given_back += sum(refund.amount for refund in plan.refunds)
        assert check.totals.balance_due == 0 and check.totals.overpaid == 0
    assert given_back == check.totals.taken_back == check.totals.grand_total
    assert check.totals.returned == check.totals.paid
    assert check.tender("cash").change == 100


def test_a_line_returns_no_more_units_than_it_has():
    check = sold(discount=0).pay_cash("cash", 10000)
    with pytest.raises(InvalidQuantity, match="1 of Soda can be returned, not 2"):
        plan_return(check, {2: 2})
    with pytest.raises(InvalidQuantity, match="Choose the items"):
        plan_return(check, {})
    with pytest.raises(InvalidQuantity, match="not -1"):
        plan_return(check, {2: -1})
    with pytest.raises(InvalidQuantity, match="cannot be returned"):
        replace(check.item(2), returned=2)
    with pytest.raises(InvalidQuantity, match="whole number"):
        replace(check.item(2), returned=True)
    with pytest.raises(TenderError, match="more than it took"):
        replace(check.tender("cash"), given_back=check.tender("cash").amount + 1)


def test_a_check_levelup_paid_returns_nothing_item_by_item():
    levelup = Tender(
        "lu",
        TenderKind.LEVELUP,
        500,
        TenderStatus.APPROVED,
        levelup=LevelUpDetail(order_uuid="u"),
    )
    check = sold(discount=0).add_tender(levelup)
    check = check.pay_cash("cash", check.totals.balance_due)
    assert why_no_returns(check) == LEVELUP_WHOLE_ORDER
    with pytest.raises(IllegalTransition, match="whole-order only"):
        plan_return(check, {2: 1})
    for status in (TenderStatus.REFUNDING, TenderStatus.REFUNDED):
        check = check.replace_tender(replace(check.tender("lu"), status=status))
    assert why_no_returns(check) == ""  # LevelUp gave its part back: the rest may return


def test_a_stale_return_is_refused():
    check = sold(discount=0).pay_cash("cash", 10000)
    plan = plan_return(check, {2: 1})
    later = returned(check, plan)
    with pytest.raises(IllegalTransition, match="no longer fits"):
        returned(later, replace(plan, units=((1, 1),)))


def test_voiding_a_payment_after_a_return_owes_only_the_goods_kept():
    check = sold(discount=0).pay_cash("cash", 10000)
    check = returned(check, plan_return(check, {2: 1}))
    soda = check.totals.taken_back
    voided = check.replace_tender(replace(check.tender("cash"), status=TenderStatus.VOID))
    assert voided.totals.balance_due == check.totals.grand_total - soda
    assert voided.totals.returned == check.totals.grand_total  # all of it, the soda once
    with pytest.raises(TenderError, match="more than the"):
        voided.add_tender(Tender("card", TenderKind.CREDIT, voided.totals.balance_due + 1))


def test_no_more_goes_back_than_the_payments_took():
    check = sold(discount=0).add_tender(Tender("card", TenderKind.CREDIT, 100))
    with pytest.raises(IllegalTransition, match="keep too little to give back"):
        plan_return(check, {1: 3})
