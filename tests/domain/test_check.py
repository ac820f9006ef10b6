"""The check: lines, discounts, fees, tax, tenders and totals."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain import (
    MAX_CENTS,
    Check,
    CheckLocked,
    Discount,
    DomainError,
    Exemption,
    Fee,
    FeeType,
    InvalidAmount,
    InvalidIdentifier,
    InvalidQuantity,
    LevelUpDetail,
    LevelUpDue,
    LineItem,
    Modifier,
    TaxClass,
    TaxTable,
    Tender,
    TenderError,
    TenderKind,
    TenderStatus,
    UnknownTaxClass,
)

TAXES = TaxTable.of(
    TaxClass("food", Decimal("10"), "Prepared food"),
    TaxClass("none", Decimal("0")),
    TaxClass("liquor", Decimal("12.5")),
)


def check(*items: LineItem, **changes) -> Check:
    result = Check("2611230001", TAXES)
    for item in items:
        result = result.add_item(item)
    return replace(result, **changes) if changes else result


def food(price: int, quantity: int = 1, **kwargs) -> LineItem:
    return LineItem("Burger", price, quantity, tax_class="food", **kwargs)


def levelup(tender_id: str, amount: int, status=TenderStatus.APPROVED, **detail) -> Tender:
    return Tender(tender_id, TenderKind.LEVELUP, amount, status, levelup=LevelUpDetail(**detail))


# ----- lines -------------------------------------------------------------------------------


def test_lines_get_ids_in_order():
    c = check(food(100), food(200))
    assert [line.line_id for line in c.items] == [1, 2]
    assert c.remove_item(1).add_item(food(5)).items[-1].line_id == 3


def test_modifiers_are_charged_per_unit_of_the_line():
    line = food(500, 3, modifiers=(Modifier("Cheese", 50, 2), Modifier("No onions")))
    assert line.standard_price == 1500
    assert line.modifiers_price == 300
    assert line.total == 1800


def test_item_discounts_come_off_the_item_price_in_order_and_never_below_zero():
    line = food(
        1000, 2, discounts=(Discount("Coupon", 500), Discount("Staff", percent=Decimal("50")))
    )
    assert line.discount_amount == 500 + 750
    assert line.charged_price == 750
    capped = food(100, modifiers=(Modifier("Bacon", 200),), discounts=(Discount("Big", 5000),))
    assert (capped.charged_price, capped.total) == (0, 200)


def test_edit_replace_and_remove_lines():
    c = check(food(100), food(200))
    c = c.update_item(2, lambda line: replace(line, quantity=3))
    assert c.item(2).quantity == 3 and c.totals.subtotal == 700
    c = c.replace_item(1, LineItem("Soda", 150))
    assert c.item(1).name == "Soda"
    assert [line.line_id for line in c.remove_item(1).items] == [2]
    with pytest.raises(DomainError, match="no line 9"):
        c.remove_item(9)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"quantity": -1}, InvalidQuantity, "at least 1"),
        ({"quantity": 0}, InvalidQuantity, "at least 1"),
        ({"quantity": 1.5}, InvalidQuantity, "whole number"),
        ({"quantity": 10_000}, InvalidQuantity, "more than 9999"),
        ({"unit_price": -100}, InvalidAmount, "cannot be negative"),
        ({"unit_price": 1.99}, InvalidAmount, "whole number of cents"),
        ({"unit_price": MAX_CENTS + 1}, InvalidAmount, "more than a register can take"),
        ({"unit_price": MAX_CENTS // 2, "quantity": 3}, InvalidAmount, "more than a register"),
        ({"name": "  "}, DomainError, "needs a name"),
        ({"upc": "12-34"}, DomainError, "digits only"),
    ],
)
def test_invalid_items_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        LineItem(**{"name": "Burger", "unit_price": 100, **kwargs})


def test_invalid_modifiers_and_discounts_are_refused():
    with pytest.raises(InvalidQuantity):
        Modifier("Cheese", 50, 0)
    with pytest.raises(DomainError, match="an amount or a percent"):
        Discount("Nothing")
    with pytest.raises(DomainError, match="either an amount or a percent"):
        Discount("Both", 100, Decimal("5"))
    with pytest.raises(InvalidAmount, match="between 0% and 100%"):
        Discount("Too much", percent=Decimal("150"))


def test_unknown_tax_class_is_refused():
    with pytest.raises(UnknownTaxClass, match=r"'vat'.*known: food, liquor, none"):
        check(LineItem("Soda", 100, tax_class="vat"))
    with pytest.raises(UnknownTaxClass):
        check().add_fee(Fee("Delivery", FeeType.DELIVERY, 100, "vat"))


def test_tax_table_refuses_duplicates_and_bad_classes():
    with pytest.raises(DomainError, match="defined twice"):
        TaxTable.of(TaxClass("a", Decimal(1)), TaxClass("a", Decimal(2)))
    with pytest.raises(DomainError, match="needs a code"):
        TaxClass(" ", Decimal(1))
    assert [t.code for t in TAXES] == ["food", "none", "liquor"]


def test_identifier_of_eleven_characters_is_refused():
    with pytest.raises(InvalidIdentifier, match="at most 10"):
        Check("26112300001")


def test_check_total_overflow_is_refused():
    big = LineItem("Catering", MAX_CENTS // 2 + 1)
    c = check(big)
    with pytest.raises(InvalidAmount, match="more than a register can take"):
        c.add_item(big)


# ----- totals ------------------------------------------------------------------------------


def test_tax_is_rounded_once_per_class_per_check():
    # 25¢ at 10% is 2.5¢ each: per line that would be 2+2+2, per check it is 7.5 → 8.
    c = check(food(25), food(25), food(25))
    assert c.totals.tax == 8


def test_tax_rounds_half_to_even():
    assert check(food(25)).totals.tax == 2
    assert check(food(35)).totals.tax == 4


def test_totals_of_a_mixed_check():
    c = check(
        food(1000, 2, modifiers=(Modifier("Cheese", 100),)),
        LineItem("Wine", 800, tax_class="liquor"),
        LineItem("Cigarettes", 1200, tax_class="none", exemption=Exemption.TOBACCO),
        LineItem("Water", 150),
    ).add_fee(Fee("Delivery", FeeType.DELIVERY, 300, "food"))
    t = c.totals
    assert t.subtotal == 2200 + 800 + 1200 + 150
    assert t.tax == 220 + 100 + 0 + 30
    assert t.fee_taxes == (30,)
    assert t.class_taxes == (("food", 220 + 30), ("liquor", 100), ("none", 0))
    assert sum(amount for _, amount in t.class_taxes) == t.tax
    assert t.fees == 300
    assert t.exempt == 1200
    assert t.grand_total == 4350 + 300 + 350
    assert t.balance_due == t.grand_total
    assert (t.paid, t.change_due, t.tip, t.discounts) == (0, 0, 0, 0)


def test_check_discounts_spare_exempt_items_and_lower_tax():
    c = check(
        food(1000),
        LineItem("Gift card", 2500, exemption=Exemption.GIFT_CARD),
    ).add_discount(Discount("Half off", percent=Decimal("50")))
    t = c.totals
    assert t.check_discount == 500
    assert t.tax == 50
    assert t.grand_total == 3500 - 500 + 50


def test_check_discount_is_capped_and_spread_across_tax_classes():
    """A discount left bigger than the check (its items were removed) takes what is left."""
    c = check(food(1000), LineItem("Wine", 1000, tax_class="liquor"), food(10_000))
    c = c.add_discount(Discount("Coupon", 500)).add_discount(Discount("Huge", 10_000))
    c = c.remove_item(3)
    t = c.totals
    assert t.check_discount == 2000
    assert t.check_discount_amounts == (500, 1500)
    assert t.tax == 0 and t.grand_total == 0


def test_a_fixed_discount_bigger_than_what_is_left_is_refused():
    """Store trial defect 6: $10 off a $3.50 line showed −$10.00 and took $3.50."""
    fries = LineItem("Fries", 350, tax_class="food")
    with pytest.raises(InvalidAmount, match=r"\$10.00 is more than the \$3.50 left on Fries"):
        fries.with_discount(Discount("Coupon", 1000))
    assert fries.with_discount(Discount("Coupon", 350)).charged_price == 0
    half = fries.with_discount(Discount("Half", percent=Decimal(50)))
    assert half.discount_amounts == (175,)
    c = check(fries).add_discount(Discount("Coupon", 300))
    with pytest.raises(InvalidAmount, match=r"\$1.00 is more than the \$0.50 left on the check"):
        c.add_discount(Discount("More", 100))
    assert c.add_discount(Discount("All", percent=Decimal(100))).totals.grand_total == 0


def test_discounts_and_fees_can_be_removed():
    c = check(food(1000)).add_discount(Discount("Coupon", 100))
    c = c.add_fee(Fee("Catering", FeeType.CATERING, 500))
    assert c.remove_discount(0).totals.check_discount == 0
    assert c.remove_fee(0).totals.fees == 0
    with pytest.raises(DomainError, match="no fee number 2"):
        c.remove_fee(1)


def test_fee_type_must_be_one_levelup_accepts():
    from_settings = Fee("Custom", "custom", 100)  # type: ignore[arg-type]
    assert from_settings.type is FeeType.CUSTOM
    with pytest.raises(DomainError, match="not one of delivery, custom, catering"):
        Fee("Service", "service", 100)  # type: ignore[arg-type]


def test_levelup_discount_is_applied_before_tax():
    """$20 + 10 % tax with a $1 LevelUp discount: tax is recomputed to $1.90 (§11.3)."""
    c = check(food(2000))
    assert c.totals.grand_total == 2200
    proposed = c.add_tender(levelup("lu1", 0, TenderStatus.PROPOSED, discount_amount=100))
    assert proposed.totals.levelup_discount == 100
    assert proposed.totals.tax == 190
    assert proposed.levelup_due() == LevelUpDue(outstanding=2090, tax=190, exempt=0)


def test_levelup_discount_is_rolled_back_when_the_payment_fails():
    c = check(food(2000)).add_tender(levelup("lu1", 0, TenderStatus.PROPOSED, discount_amount=100))
    declined = c.replace_tender(replace(c.tender("lu1"), status=TenderStatus.DECLINED))
    assert declined.totals.levelup_discount == 0
    assert declined.totals.grand_total == 2200


def test_levelup_discount_never_touches_exempt_items():
    c = check(food(500), LineItem("Cigarettes", 1000, exemption=Exemption.TOBACCO))
    c = c.add_tender(levelup("lu1", 0, TenderStatus.PROPOSED, discount_amount=900))
    assert c.totals.levelup_discount == 500
    assert c.totals.grand_total == 1000


# ----- tenders -----------------------------------------------------------------------------


def test_cash_makes_change():
    c = check(food(1000)).pay_cash("t1", 2000)
    t = c.totals
    assert (t.paid, t.balance_due, t.change_due) == (1100, 0, 900)
    assert c.can_close


def test_cash_on_a_paid_check_is_refused():
    c = check(food(1000)).pay_cash("t1", 1100)
    with pytest.raises(TenderError, match="Nothing is due"):
        c.pay_cash("t2", 100)
    with pytest.raises(InvalidAmount):
        check(food(1000)).pay_cash("t2", 0)


def test_a_counter_tender_must_pay_something_towards_a_balance_due():
    with pytest.raises(InvalidAmount, match=r"credit amount must be more than \$0.00"):
        check(food(1000)).add_tender(Tender("t1", TenderKind.CREDIT, 0))
    with pytest.raises(TenderError, match="Nothing is due"):
        check().add_tender(Tender("t1", TenderKind.OTHER, 100))


def test_card_may_not_pay_more_than_is_due():
    with pytest.raises(TenderError, match=r"Credit payment of \$20.00 is more than the \$11.00"):
        check(food(1000)).add_tender(Tender("t1", TenderKind.CREDIT, 2000))


def test_split_tender_leaves_a_balance_until_paid_in_full():
    c = check(food(1000)).add_tender(Tender("t1", TenderKind.DEBIT, 600, tip=100))
    assert c.totals.balance_due == 500 and c.totals.tip == 100
    assert not c.can_close
    c = c.add_tender(Tender("t2", TenderKind.OTHER, 500))
    assert c.totals.balance_due == 0 and c.can_close


def test_levelup_then_cash():
    """LevelUp pays $10 of a $22 check with a $1 discount, cash pays the rest (§11.3)."""
    c = check(food(2000)).add_tender(
        levelup("lu1", 0, TenderStatus.COMPLETING, discount_amount=100)
    )
    proposed = c.tender("lu1")
    assert proposed.levelup is not None
    approved = replace(
        proposed,
        amount=1000 - 100,
        status=TenderStatus.APPROVED,
        levelup=replace(proposed.levelup, tax_amount=0, order_uuid="abc"),
    )
    c = c.replace_tender(approved)
    assert c.totals.balance_due == 1190
    assert c.levelup_due() == LevelUpDue(outstanding=1190, tax=190, exempt=0)
    c = c.pay_cash("cash", 1190)
    assert c.can_close


def test_a_second_levelup_payer_owes_only_the_tax_and_exemptions_left():
    c = check(food(900), LineItem("Gift card", 300, exemption=Exemption.GIFT_CARD))
    c = c.add_tender(levelup("lu1", 600, tax_amount=0, exemption_amount=200))
    assert c.levelup_due() == LevelUpDue(outstanding=690, tax=90, exempt=100)


def test_partial_authorization_leaves_the_rest_due():
    c = check(food(1000)).add_tender(levelup("lu1", 500, TenderStatus.PARTIALLY_APPROVED))
    assert c.totals.balance_due == 600
    assert not c.can_close


@pytest.mark.parametrize(
    "status", [TenderStatus.REQUESTED, TenderStatus.COMPLETING, TenderStatus.UNKNOWN]
)
def test_a_payment_in_flight_blocks_closing(status):
    c = check(food(1000)).pay_cash("cash", 1100)
    c = c.add_tender(levelup("lu1", 0, status))
    assert c.totals.balance_due == 0
    assert not c.can_close


def test_an_empty_check_cannot_close():
    assert not check().can_close


def test_payments_lock_the_contents_until_voided():
    c = check(food(1000)).add_tender(Tender("t1", TenderKind.CREDIT, 500))
    assert c.is_locked
    for change in (
        lambda x: x.add_item(food(1)),
        lambda x: x.remove_item(1),
        lambda x: x.replace_item(1, food(2)),
        lambda x: x.add_discount(Discount("d", 1)),
        lambda x: x.remove_discount(0),
        lambda x: x.add_fee(Fee("f", FeeType.CUSTOM, 1)),
        lambda x: x.remove_fee(0),
    ):
        with pytest.raises(CheckLocked, match="void them"):
            change(c)
    voided = c.replace_tender(replace(c.tender("t1"), status=TenderStatus.VOID))
    assert not voided.is_locked
    assert voided.add_item(food(1)).totals.subtotal == 1001


def test_tender_ids_are_unique_and_must_exist():
    c = check(food(1000)).add_tender(Tender("t1", TenderKind.CREDIT, 500))
    with pytest.raises(TenderError, match="already on the check"):
        c.add_tender(Tender("t1", TenderKind.CREDIT, 100))
    with pytest.raises(TenderError, match="no tender t9"):
        c.tender("t9")
    with pytest.raises(TenderError, match="more than"):
        c.replace_tender(replace(c.tender("t1"), amount=2000))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tender_id": ""}, "needs an id"),
        ({"kind": TenderKind.CREDIT, "tendered": 500}, "Only cash"),
        ({"kind": TenderKind.CASH, "amount": 500, "tendered": 100}, "cannot be less"),
        ({"kind": TenderKind.CASH, "levelup": LevelUpDetail()}, "LevelUp tenders only"),
        ({"kind": TenderKind.LEVELUP}, "LevelUp tenders only"),
        ({"amount": -1}, "cannot be negative"),
    ],
)
def test_invalid_tenders_are_refused(kwargs, message):
    with pytest.raises(DomainError, match=message):
        Tender(**{"tender_id": "t", "kind": TenderKind.CASH, "amount": 0, **kwargs})


def test_levelup_detail_amounts_are_checked():
    with pytest.raises(InvalidAmount, match="gift card amount"):
        LevelUpDetail(gift_card_amount=-1)


def test_voided_cash_gives_no_change():
    cash = Tender("t1", TenderKind.CASH, 500, TenderStatus.VOID, tendered=1000)
    assert cash.change == 0


# ----- properties --------------------------------------------------------------------------

prices = st.integers(min_value=0, max_value=50_000)
lines = st.builds(
    LineItem,
    name=st.just("Item"),
    unit_price=prices,
    quantity=st.integers(1, 20),
    tax_class=st.sampled_from([None, "food", "none", "liquor"]),
    exemption=st.sampled_from([None, None, Exemption.TOBACCO]),
    modifiers=st.lists(
        st.builds(Modifier, name=st.just("Mod"), unit_price=prices, quantity=st.integers(1, 3)),
        max_size=2,
    ).map(tuple),
    discounts=st.lists(
        st.builds(Discount, label=st.just("Item off"), amount=st.integers(1, 5000)), max_size=1
    ).map(tuple),
)


@given(
    items=st.lists(lines, max_size=12),
    check_discount=st.integers(0, 20_000),
    levelup_discount=st.integers(0, 20_000),
)
def test_totals_add_up(items, check_discount, levelup_discount):
    c = check(*items)
    if check_discount:  # as it may stand once items were removed: bigger than the check
        c = replace(c, discounts=(Discount("Coupon", check_discount),))
    if levelup_discount:
        c = c.add_tender(levelup("lu", 0, TenderStatus.PROPOSED, discount_amount=levelup_discount))
    t = c.totals
    assert t.subtotal == sum(line.total for line in c.items)
    assert t.grand_total == t.subtotal - t.discounts + t.fees + t.tax
    assert 0 <= t.check_discount <= check_discount
    assert 0 <= t.levelup_discount <= levelup_discount
    assert t.discounts <= t.subtotal - t.exempt
    assert t.tax >= 0
    assert t.balance_due == t.grand_total
    due = c.levelup_due()
    assert due.exempt == t.exempt <= due.outstanding
    assert due.tax == t.tax


# ----- found in review ---------------------------------------------------------------------


def test_replacing_a_tender_cannot_overpay_through_its_own_discount():
    c = check(food(2000)).add_tender(
        levelup("lu1", 0, TenderStatus.COMPLETING, discount_amount=100)
    )
    assert c.totals.grand_total == 2090
    with pytest.raises(TenderError, match=r"\$21.90 is more than the \$20.90 due"):
        c.replace_tender(replace(c.tender("lu1"), amount=2190, status=TenderStatus.APPROVED))
    paid = c.replace_tender(replace(c.tender("lu1"), amount=2090, status=TenderStatus.APPROVED))
    assert paid.can_close


def test_levelup_discount_reaches_fees_and_their_tax():
    c = check(food(100)).add_fee(Fee("Delivery", FeeType.DELIVERY, 500, "food"))
    c = c.add_tender(levelup("lu1", 0, TenderStatus.PROPOSED, discount_amount=300))
    t = c.totals
    assert t.levelup_discount == 300
    assert c.applied_levelup_discount("lu1") == 300
    # 300 spread over 100 of item and 500 of fee: 50 and 250 off, leaving 50 and 250 taxed
    assert t.fee_taxes == (25,)
    assert t.tax == 5 + 25
    assert t.grand_total == 600 - 300 + 30


def test_applied_levelup_discount_serves_earlier_tenders_first():
    c = check(food(500))
    c = c.add_tender(levelup("a", 0, TenderStatus.PROPOSED, discount_amount=400))
    c = c.add_tender(levelup("b", 0, TenderStatus.PROPOSED, discount_amount=400))
    assert (c.applied_levelup_discount("a"), c.applied_levelup_discount("b")) == (400, 100)
    with pytest.raises(TenderError, match="no tender z"):
        c.applied_levelup_discount("z")


def test_check_discount_shares_cover_items_and_modifiers():
    c = check(
        food(1000, modifiers=(Modifier("Bacon", 500),)),
        LineItem("Cigarettes", 1000, exemption=Exemption.TOBACCO),
    ).add_discount(Discount("Coupon", 300))
    assert c.totals.check_discount_shares == ((200, 100), (0,))
