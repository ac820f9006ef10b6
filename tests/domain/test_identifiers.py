"""``identifier_from_merchant``: at most 10 characters, unique per terminal, readable."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain import (
    MAX_IDENTIFIER_LENGTH,
    InvalidIdentifier,
    identifier_for,
    next_identifier,
    validate_identifier,
)

DAY = date(2026, 11, 23)


def test_identifier_reads_as_day_and_check_number():
    assert identifier_for(DAY, 42) == "2611230042"


def test_sequence_continues_within_a_day_and_restarts_the_next():
    first = next_identifier(None, DAY)
    assert first == "2611230001"
    assert next_identifier(first, DAY) == "2611230002"
    assert next_identifier("2611239998", DAY) == "2611239999"
    assert next_identifier("2611239999", date(2026, 11, 24)) == "2611240001"


def test_a_day_has_at_most_9999_checks():
    with pytest.raises(InvalidIdentifier, match="outside 1–9999"):
        next_identifier("2611239999", DAY)
    with pytest.raises(InvalidIdentifier, match="outside"):
        identifier_for(DAY, 0)


@pytest.mark.parametrize("previous", ["001001", "2611230042\n"])
def test_next_refuses_a_foreign_identifier(previous):
    with pytest.raises(InvalidIdentifier, match="not an identifier this terminal issues"):
        next_identifier(previous, DAY)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "cannot be empty"),
        ("12345678901", "at most 10 characters; '12345678901' has 11"),
        ("12 45", "letters, digits"),
        ("abc/def", "letters, digits"),
        ("12345678\n", "letters, digits"),
    ],
)
def test_validate_refuses_what_levelup_would(value, message):
    with pytest.raises(InvalidIdentifier, match=message):
        validate_identifier(value)


@pytest.mark.parametrize("value", ["001001", "A-1", "2611230042", "x.y_z"])
def test_validate_accepts_levelup_identifiers(value):
    assert validate_identifier(value) == value


@given(
    days=st.lists(st.dates(date(2000, 1, 1), date(2099, 12, 31)), min_size=1, max_size=5),
    per_day=st.integers(1, 50),
)
def test_identifiers_are_unique_short_and_ordered(days, per_day):
    issued: list[str] = []
    previous = None
    for day in sorted(set(days)):
        for _ in range(per_day):
            previous = next_identifier(previous, day)
            issued.append(previous)
    assert len(set(issued)) == len(issued)
    assert all(len(i) <= MAX_IDENTIFIER_LENGTH for i in issued)
    assert issued == sorted(issued)


def test_the_business_day_is_read_back_from_our_identifiers():
    from datetime import date

    from pos_app.domain import identifier_day, identifier_for

    assert identifier_day(identifier_for(date(2026, 12, 2), 42)) == date(2026, 12, 2)
    assert identifier_day("A-1") is None  # not one of ours
    assert identifier_day("2613450001") is None  # no such date
