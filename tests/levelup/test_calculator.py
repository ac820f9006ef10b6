"""The proposed-order calculator against LevelUp's worked examples (API-NOTES.md §11.3) and
properties that follow from its arithmetic."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pos_app.levelup.calculator import (
    AdjustedCheckValues,
    completed_order_values,
    proposed_order_values,
)

# (scenario, proposed input, proposed output, completed input, completed output)
WORKED_EXAMPLES = [
    (
        "SplitTender_NoChangeInSpendOrTax_AfterLevelUpPaidFirst",
        (990, 90, 300, 900),
        (900, 0, 300),
        (880, 80, 300, 900, 100),
        (900, 0, 300),
    ),
    (
        "SplitTender_Cash_Then_LevelUp",
        (1200, 200, 0, 1200),
        (1200, 200, 0),
        (1090, 190, 0, 1200, 100),
        (1190, 190, 0),
    ),
    (
        "SplitTender_LevelUp_Then_Cash",
        (2200, 200, 0, 1000),
        (1000, 0, 0),
        (2090, 190, 0, 1000, 100),
        (1000, 0, 0),
    ),
    (
        "SpendAndTaxAreAdjusted_WhenDiscountCoversSubtotal",
        (1200, 200, 0, 1200),
        (1200, 200, 0),
        (100, 100, 0, 1200, 1000),
        (1100, 100, 0),
    ),
    (
        "WhenMostOfCheckIsDiscounted",
        (1060, 60, 0, 530),
        (530, 0, 0),
        (498, 28, 0, 530, 530),
        (530, 0, 0),
    ),
    ("OneCentPaid", (1, 1, 0, 1), (1, 1, 0), (1, 1, 0, 1, 0), (1, 1, 0)),
    (
        "CS-SDK functional split tender",
        (200, 10, 130, 100),
        (100, 0, 40),
        (300, 10, 130, 200, 100),
        (200, 0, 0),
    ),
]


@pytest.mark.parametrize(
    ("proposed_in", "proposed_out", "completed_in", "completed_out"),
    [example[1:] for example in WORKED_EXAMPLES],
    ids=[example[0] for example in WORKED_EXAMPLES],
)
def test_worked_examples(proposed_in, proposed_out, completed_in, completed_out):
    assert proposed_order_values(*proposed_in) == AdjustedCheckValues(*proposed_out)
    assert completed_order_values(*completed_in) == AdjustedCheckValues(*completed_out)


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ((900, 100, 300, 850), (850, 50, 300)),
        ((900, 100, 300, 950), (900, 100, 300)),
        ((900, 100, 1000, 800), (800, 0, 800)),
        ((900, 100, 2000, 800), (800, 0, 800)),
        ((1131, 74, 0, 1131), (1131, 74, 0)),
        ((1000, 0, 0, 1200), (1000, 0, 0)),
        ((1000, 100, 0, 0), (0, 0, 0)),
        ((1000, -5, 0, 500), (500, 0, 0)),
        ((1000, 100, 0, -5), (0, 0, 0)),
        ((0, 0, 0, 0), (0, 0, 0)),
    ],
    ids=[
        "battery pay 850",
        "battery overpay",
        "exemption clamped to subtotal",
        "large exemption clamped",
        "rounding test",
        "payment clamped to outstanding",
        "zero payment",
        "negative tax floored",
        "negative payment floored",
        "empty check",
    ],
)
def test_edge_cases(inputs, expected):
    assert proposed_order_values(*inputs) == AdjustedCheckValues(*expected)


def test_completed_with_discounts_disabled_treats_null_as_zero():
    assert completed_order_values(300, 10, 130, 200, None) == AdjustedCheckValues(200, 0, 40)


def test_discount_sign_is_ignored():
    assert completed_order_values(1090, 190, 0, 1200, -100) == AdjustedCheckValues(1190, 190, 0)


@pytest.mark.parametrize("call", [proposed_order_values, completed_order_values])
def test_negative_outstanding_is_refused(call):
    args = (-1, 0, 0, 100) if call is proposed_order_values else (-101, 0, 0, 100, 100)
    with pytest.raises(ValueError, match="outstanding"):
        call(*args)


amounts = st.integers(min_value=0, max_value=10**7)
signed = st.integers(min_value=-(10**6), max_value=10**7)


@given(outstanding=amounts, tax=signed, exempt=signed, payment=signed)
def test_results_stay_within_what_was_asked(outstanding, tax, exempt, payment):
    values = proposed_order_values(outstanding, tax, exempt, payment)
    assert values.spend_amount == max(0, min(outstanding, payment))
    assert 0 <= values.tax_amount <= values.spend_amount
    assert values.tax_amount <= max(0, tax)
    assert 0 <= values.exemption_amount <= values.spend_amount - values.tax_amount
    assert values.exemption_amount <= max(0, exempt)


@given(outstanding=amounts, tax=amounts, exempt=amounts, payment=amounts)
def test_tax_rule_matches_the_2017_formulation(outstanding, tax, exempt, payment):
    """LevelUp's 2017 code stated the tax rule as ``clamp0(tax − (outstanding − payment))``."""
    assume(tax <= outstanding)
    values = proposed_order_values(outstanding, tax, exempt, payment)
    assert values.tax_amount == max(0, tax - (outstanding - min(payment, outstanding)))


@given(data=st.data(), outstanding=st.integers(min_value=1, max_value=10**7))
def test_two_payers_together_pay_all_tax_and_exemptions_once(data, outstanding):
    tax = data.draw(st.integers(min_value=0, max_value=outstanding))
    exempt = data.draw(st.integers(min_value=0, max_value=outstanding - tax))
    first = data.draw(st.integers(min_value=0, max_value=outstanding))
    one = proposed_order_values(outstanding, tax, exempt, first)
    rest = outstanding - one.spend_amount
    two = proposed_order_values(rest, tax - one.tax_amount, exempt - one.exemption_amount, rest)
    assert one.spend_amount + two.spend_amount == outstanding
    assert one.tax_amount + two.tax_amount == tax
    assert one.exemption_amount + two.exemption_amount == exempt


@given(outstanding=amounts, tax=amounts, exempt=amounts, payment=amounts, discount=amounts)
def test_completed_order_is_the_proposed_arithmetic_on_the_pre_discount_basis(
    outstanding, tax, exempt, payment, discount
):
    assert completed_order_values(outstanding, tax, exempt, payment, discount) == (
        proposed_order_values(outstanding + discount, tax, exempt, payment)
    )
