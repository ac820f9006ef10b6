"""The declared lifecycles: complete tables, checked moves, nothing else gets through."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_app.domain import (
    CHECK_MOVES,
    COUNTER_MOVES,
    LEVELUP_MOVES,
    TENDER_STARTS,
    Check,
    CheckState,
    IllegalTransition,
    LevelUpDetail,
    LineItem,
    Tender,
    TenderKind,
    TenderStatus,
    can_move,
    check_move,
    move,
    require_start,
)


def reachable(table, start):
    seen, todo = {start}, [start]
    while todo:
        for after in table[todo.pop()]:
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return seen


def test_the_levelup_table_is_closed_and_every_status_in_it_is_reachable():
    for before, afters in LEVELUP_MOVES.items():
        assert afters <= set(LEVELUP_MOVES), before
    assert reachable(LEVELUP_MOVES, TenderStatus.REQUESTED) == set(LEVELUP_MOVES)
    assert set(LEVELUP_MOVES) == set(TenderStatus) - {TenderStatus.VOID}


def test_counter_payments_are_taken_and_given_back_nothing_else():
    assert {
        TenderStatus.APPROVED: {TenderStatus.VOID},
        TenderStatus.VOID: frozenset(),
    } == COUNTER_MOVES
    for kind in (TenderKind.CASH, TenderKind.CREDIT, TenderKind.DEBIT, TenderKind.OTHER):
        assert TENDER_STARTS[kind] is TenderStatus.APPROVED
        assert not can_move(kind, TenderStatus.APPROVED, TenderStatus.REFUNDING)
    assert TENDER_STARTS[TenderKind.LEVELUP] is TenderStatus.REQUESTED
    assert not can_move(TenderKind.LEVELUP, TenderStatus.APPROVED, TenderStatus.VOID)


def test_statuses_without_a_way_out_are_final_and_take_no_money():
    for table in (LEVELUP_MOVES, COUNTER_MOVES):
        for status, afters in table.items():
            if not afters:
                assert status.is_final and not status.is_paid and not status.is_active


def test_a_payment_whose_answer_is_awaited_never_goes_straight_to_given_back():
    for status in (TenderStatus.COMPLETING, TenderStatus.UNKNOWN, TenderStatus.FORWARDING):
        assert not can_move(TenderKind.LEVELUP, status, TenderStatus.REFUNDED)
        assert not can_move(TenderKind.LEVELUP, status, TenderStatus.REFUNDING)


def test_an_illegal_move_raises_and_changes_nothing():
    declined = Tender("t", TenderKind.LEVELUP, 0, TenderStatus.DECLINED, levelup=LevelUpDetail())
    with pytest.raises(IllegalTransition, match="cannot go from declined to approved"):
        move(declined, TenderStatus.APPROVED, amount=500)
    assert declined.status is TenderStatus.DECLINED and declined.amount == 0
    approved = move(
        Tender("t", TenderKind.LEVELUP, 0, TenderStatus.UNKNOWN, levelup=LevelUpDetail()),
        TenderStatus.APPROVED,
        amount=500,
    )
    assert (approved.status, approved.amount) == (TenderStatus.APPROVED, 500)


def test_the_check_refuses_a_status_change_outside_the_table():
    check = Check("2612020001").add_item(LineItem("Lunch", 1000))
    check = check.add_tender(Tender("c", TenderKind.CASH, 1000))
    with pytest.raises(IllegalTransition, match="cash payment cannot go from approved to refunded"):
        check.replace_tender(replace(check.tender("c"), status=TenderStatus.REFUNDED))
    voided = check.replace_tender(replace(check.tender("c"), status=TenderStatus.VOID))
    assert voided.totals.balance_due == 1000 and voided.totals.returned == 1000


def test_a_new_tender_starts_where_its_kind_starts():
    require_start(Tender("c", TenderKind.CASH, 100))
    with pytest.raises(IllegalTransition, match="starts requested, not approved"):
        require_start(Tender("l", TenderKind.LEVELUP, 100, levelup=LevelUpDetail()))


def test_the_check_table_ends_in_voided_or_refunded_and_a_sale_never_reopens():
    assert reachable(CHECK_MOVES, CheckState.OPEN) == set(CheckState)
    assert CHECK_MOVES[CheckState.VOIDED] == CHECK_MOVES[CheckState.REFUNDED] == frozenset()
    for sold in (CheckState.CLOSED, CheckState.BALANCE_DUE, CheckState.REFUNDED):
        assert not sold.editable
        for after in CHECK_MOVES[sold]:
            assert after not in (CheckState.OPEN, CheckState.TENDERING, CheckState.VOIDED)
    with pytest.raises(IllegalTransition, match="from closed to tendering"):
        check_move(CheckState.CLOSED, CheckState.TENDERING)


def test_what_a_line_shows_while_its_outcome_is_not_known_is_what_it_asked():
    unknown = Tender(
        "t", TenderKind.LEVELUP, 0, TenderStatus.UNKNOWN, levelup=LevelUpDetail(), asked=1355
    )
    assert unknown.shown_amount == 1355  # store trial defect 4: never $0.00
    assert move(unknown, TenderStatus.APPROVED, amount=1355, tip=203).returned == 0
    refunded = replace(unknown, status=TenderStatus.REFUNDED, amount=1355, tip=203)
    assert refunded.shown_amount == 1355 and refunded.returned == 1558
