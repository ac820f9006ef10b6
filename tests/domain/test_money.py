"""Money: whole cents, exact rates, exact allocation."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain import (
    MAX_CENTS,
    InvalidAmount,
    allocate,
    format_cents,
    parse_cents,
    percent_of,
    require_cents,
)
from pos_app.domain.money import to_rate


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "$0.00"), (5, "$0.05"), (1234, "$12.34"), (123456789, "$1,234,567.89"), (-5, "-$0.05")],
)
def test_format(cents, text):
    assert format_cents(cents) == text


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("$12.34", 1234),
        (" $ 1,234.50 ", 123450),
        (".99", 99),
        ("0", 0),
        ("7.", 700),
    ],
)
def test_parse(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "12.345", "-5", "1,23", "1e3", "$", ".", "12.3.4"])
def test_parse_rejects_what_is_not_an_amount(text):
    with pytest.raises(InvalidAmount, match="not an amount"):
        parse_cents(text)


def test_parse_rejects_an_overflow():
    with pytest.raises(InvalidAmount, match="more than a register can take"):
        parse_cents("99999999.99")


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_format_then_parse_round_trips(cents):
    assert parse_cents(format_cents(cents)) == cents


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "whole number of cents"),
        ("100", "whole number of cents"),
        (True, "whole number of cents"),
        (-1, "cannot be negative"),
        (MAX_CENTS + 1, "more than a register can take"),
    ],
)
def test_require_cents_refuses_bad_amounts(value, message):
    with pytest.raises(InvalidAmount, match=message):
        require_cents(value, "The price")


def test_require_cents_can_refuse_zero():
    assert require_cents(0, "x") == 0
    with pytest.raises(InvalidAmount, match=r"more than \$0.00"):
        require_cents(0, "The cash", allow_zero=False)


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [(1000, "10", 100), (25, "10", 2), (35, "10", 4), (897, "4.7", 42), (1, "50", 0), (3, "50", 2)],
)
def test_percent_of_rounds_half_to_even(amount, percent, expected):
    assert percent_of(amount, Decimal(percent)) == expected


@pytest.mark.parametrize("value", [0.1, True, "abc", "-1", "100.01", "NaN", "Infinity"])
def test_rates_must_be_exact_and_in_range(value):
    with pytest.raises(InvalidAmount):
        to_rate(value, "The rate")


def test_allocate_examples():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [0, 5, 5]) == [0, 5, 5]
    assert allocate(0, [3, 4]) == [0, 0]
    assert allocate(7, [1000, 1]) == [7, 0]


def test_allocate_refuses_what_cannot_be_split():
    with pytest.raises(InvalidAmount, match="over nothing"):
        allocate(5, [0, 0])
    with pytest.raises(InvalidAmount, match="non-negative"):
        allocate(-1, [1])


@given(
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30),
    data=st.data(),
)
def test_allocate_is_exact_and_bounded(weights, data):
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    shares = allocate(total, weights)
    assert sum(shares) == total
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=False))
    # proportional: each share is within one cent of its exact part
    if sum(weights):
        assert all(
            abs(s * sum(weights) - total * w) < sum(weights)
            for s, w in zip(shares, weights, strict=False)
        )
