"""Events carry what they changed: folding them from nothing rebuilds the check exactly."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pos_app import cli
from pos_app.domain import (
    Check,
    CheckState,
    Discount,
    Fee,
    FeeType,
    LevelUpDetail,
    LineItem,
    Modifier,
    Tender,
    TenderKind,
    TenderStatus,
    move,
)
from pos_app.engine import CheckRecord, EventKind, JournalEvent, TenderInfo
from pos_app.engine.replay import attach, replay
from pos_app.journal import SqliteJournal

AT = datetime(2026, 12, 2, 12, tzinfo=UTC)


def event(kind=EventKind.CHECK_CHANGED, tender_id=None):
    return JournalEvent(kind, AT, tender_id)


def opened():
    return CheckRecord("c1", Check("2612020001"), CheckState.OPEN, AT)


# Steps change a record as the engine's commands do; each returns (record, event) or None.


def add_line(record, price, quantity):
    line = LineItem("Lunch", price, quantity, modifiers=(Modifier("Cheese", 75),))
    return replace(record, check=record.check.add_item(line)), event()


def edit_line(record, price, quantity):
    if not record.check.items or record.check.is_locked:
        return None
    line_id = record.check.items[len(record.check.items) // 2].line_id
    check = record.check.update_item(line_id, lambda i: replace(i, quantity=quantity))
    return replace(record, check=check), event()


def remove_line(record, price, quantity):
    if not record.check.items or record.check.is_locked:
        return None
    return replace(record, check=record.check.remove_item(record.check.items[0].line_id)), event()


def discount(record, price, quantity):
    if record.check.is_locked:
        return None
    check = record.check.add_discount(Discount("Half", percent=Decimal(50)))
    return replace(record, check=check), event()


def fee(record, price, quantity):
    if record.check.is_locked:
        return None
    check = record.check.add_fee(Fee("Delivery", FeeType.DELIVERY, price))
    return replace(record, check=check), event()


def pay_levelup(record, price, quantity):
    due = record.check.totals.balance_due
    if not due or record.in_flight or not record.state.takes_payments:
        return None
    tender_id = f"t{len(record.check.tenders)}"
    tender = Tender(
        tender_id, TenderKind.LEVELUP, 0, TenderStatus.REQUESTED, levelup=LevelUpDetail()
    )
    record = record.with_tender(tender, TenderInfo(requested=due))
    return record, event(EventKind.TENDER_REQUESTED, tender_id)


def answer(record, price, quantity):
    pending = [t for t in record.check.tenders if t.status is TenderStatus.REQUESTED]
    if not pending:
        return None
    tender = pending[0]
    due = record.check.totals.balance_due
    for status in (TenderStatus.PROPOSED, TenderStatus.COMPLETING):  # one commit, as sent
        record = record.with_tender(move(record.tender(tender.tender_id), status))
    approved = move(
        record.tender(tender.tender_id), TenderStatus.APPROVED, amount=min(due, price), tip=quantity
    )
    info = replace(record.info(tender.tender_id), note="", sent_at=AT)
    record = record.with_tender(approved, info)
    if record.check.can_close:
        record = record.moved(CheckState.CLOSED, closed_at=AT + timedelta(minutes=1))
    return record, event(EventKind.APPROVED, tender.tender_id)


def void_cash(record, price, quantity):
    if not record.state.takes_payments or not record.check.totals.balance_due:
        return None
    cash = record.check.pay_cash(f"c{len(record.check.tenders)}", record.check.totals.balance_due)
    record = replace(record, check=cash)
    record = record.moved(CheckState.TENDERING) if record.state is CheckState.OPEN else record
    voided = move(cash.tenders[-1], TenderStatus.VOID)
    return record.with_tender(voided), event(EventKind.VOIDED, voided.tender_id)


def rename(record, price, quantity):
    name = "" if record.name else f"Table {quantity}"
    return replace(record, name=name), event(EventKind.CHECK_NAMED)


STEPS = [add_line, edit_line, remove_line, discount, fee, pay_levelup, answer, void_cash, rename]


@given(
    st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(1, 5_000), st.integers(1, 4)),
        max_size=25,
    )
)
def test_folding_the_events_of_any_sequence_of_changes_rebuilds_the_check(steps):
    record = opened()
    changes = [c.changes for c in attach(None, record, [event(EventKind.CHECK_OPENED)])]
    assert replay(changes) == record
    for step, price, quantity in steps:
        try:
            done = step(record, price, quantity)
        except ValueError:  # a change the domain refuses writes nothing
            continue
        if done is None:
            continue
        after, why = done
        committed = attach(record, after, [why])
        changes += [e.changes for e in committed]
        record = after
        assert replay(changes) == record


def test_a_commit_s_changes_go_to_the_events_they_belong_to():
    before = add_line(opened(), 1000, 1)[0]
    paying, _ = pay_levelup(before, 0, 0)
    answered, _ = answer(paying, 1075, 0)
    events = attach(
        paying,
        answered,
        [event(EventKind.APPROVED, "t0"), event(EventKind.CHECK_CLOSED)],
    )
    assert [c.tender.status for c in events[0].changes.tenders] == [TenderStatus.APPROVED]
    assert events[0].changes.state is None
    closing = events[1].changes.state
    assert closing is not None and closing.state is CheckState.CLOSED
    assert not events[1].changes.tenders


def test_the_difference_knows_every_field_of_a_check():
    """A new field of a check must be carried by events: this fails until replay knows it."""
    assert {f.name for f in fields(CheckRecord)} == {
        "check_id",
        "check",
        "state",
        "opened_at",
        "closed_at",
        "void_requested",
        "tender_info",
        "name",
    }
    assert {f.name for f in fields(Check)} == {
        "identifier",
        "tax_table",
        "items",
        "discounts",
        "fees",
        "tenders",
        "next_line_id",
    }


def test_verify_passes_on_a_register_s_own_journal(register, capsys):
    record = register.check(1500)
    register.engine.pay_levelup(record.check_id, register.code("Cora"))
    register.journal.close()
    assert cli.main(["journal", "verify", "--data-dir", str(register.path.parent)]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["checks"] == 1 and result["mismatches"] == 0 and result["events"] >= 6
    register.journal = SqliteJournal(register.path, register.key, "3")
