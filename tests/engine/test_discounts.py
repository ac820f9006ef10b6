"""Discounts with control (who may give what, a reason, a manager beyond the limits, all on the
audit trail) and named checks that survive a restart; against the real engine and journal."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pos_app.app.catalog import CatalogError, load_discounts
from pos_app.app.terminal import engine_settings
from pos_app.domain import Discount, DomainError, IllegalTransition
from pos_app.engine import (
    AUDITED,
    ApprovalAction,
    ApprovalRequired,
    CheckState,
    DiscountPolicy,
    DiscountPreset,
    DiscountRequest,
    EngineError,
    EventKind,
)
from pos_app.engine.discounts import approval_target
from pos_app.engine.replay import replay
from pos_app.engine.staff import PERMISSIONS, Permission, Role
from pos_app.host.paths import Paths
from pos_app.host.settings import load_settings, set_settings
from pos_app.journal.codec import load_changes
from pos_app.journal.schema import events
from tests.engine.support import CASHIER_PIN, MANAGER_PIN

HAPPY_HOUR = DiscountPreset("Happy hour", percent=Decimal(10))
COUPON = DiscountPreset("Coupon $2", amount=200)
STAFF_MEAL = DiscountPreset("Staff meal", percent=Decimal(50))
DOLLAR_OFF = DiscountPreset("$1 off item", amount=100, on_line=True)
POLICY = DiscountPolicy((HAPPY_HOUR, COUPON, STAFF_MEAL, DOLLAR_OFF), Decimal(20), 500)


@pytest.fixture
def shop(make_register):
    """A register with the presets above and Cal, a cashier, signed in."""
    register = make_register(discounts=POLICY)
    register.engine.sign_in("cal", CASHIER_PIN)
    return register


def written(register, check_id):
    """What a refused command must leave as it was: the check and the journal's events."""
    return register.journal.load(check_id), register.journal.event_count()


def give(register, check_id, request, reason, by, approval=None):
    """``by`` gives ``request`` on the check, with ``reason`` (and ``approval``)."""
    asked = replace(request, reason=reason, staff_id=by, approval=approval)
    return register.engine.give_discount(check_id, asked)


def given(register, check_id):
    return [
        e for e in register.journal.events_of(check_id) if e["kind"] is EventKind.DISCOUNT_GIVEN
    ]


def test_a_cashier_gives_a_preset_within_the_limits_with_a_reason_on_the_audit_trail(shop):
    record = shop.check(1000, 1000)
    record = give(shop, record.check_id, DiscountRequest.of(HAPPY_HOUR), " happy hour ", "cal")
    assert record.check.totals.check_discount == 200
    [event] = given(shop, record.check_id)
    assert event["data"] == {
        "preset": "Happy hour",
        "label": "Happy hour",
        "on": "check",
        "value": "10%",
        "taken": 200,
        "reason": "happy hour",
        "given_by": "Cal (cal)",
        "approved_by": None,
        "approval_id": None,
    }
    assert EventKind.DISCOUNT_GIVEN in AUDITED
    trail = shop.journal.audit_trail(AUDITED)
    assert [e["kind"] for e in trail][-1] == "discount_given"


def test_beyond_the_limits_a_manager_approves_exactly_that_discount_once(shop):
    record = shop.check(1000, 1000)
    check_id = record.check_id
    meal = DiscountRequest.of(STAFF_MEAL)
    before = written(shop, check_id)
    with pytest.raises(
        ApprovalRequired, match=r"\$10.00 \(50.0% of its items\): more than the \$5.00 and 20%"
    ):
        give(shop, check_id, meal, "staff", "cal")
    assert written(shop, check_id) == before  # refused: nothing written
    other = shop.approval(
        ApprovalAction.GIVE_DISCOUNT,
        approval_target(check_id, DiscountRequest.of(HAPPY_HOUR)),
        check_id=check_id,
    )
    with pytest.raises(ApprovalRequired, match="for something else"):
        give(shop, check_id, meal, "staff", "cal", approval=other)
    assert written(shop, check_id) == before
    approval = shop.approval(
        ApprovalAction.GIVE_DISCOUNT, approval_target(check_id, meal), check_id=check_id
    )
    record = give(shop, check_id, meal, "staff", "cal", approval=approval)
    assert record.check.totals.check_discount == 1000
    [event] = given(shop, check_id)
    assert event["data"]["approved_by"] == "Mia (mia)"
    assert event["data"]["approval_id"] == approval.approval_id
    kinds = [e["kind"] for e in shop.journal.events_of(check_id)]
    assert kinds[-2:] == ["approval", "discount_given"]
    with pytest.raises(ApprovalRequired, match="used already"):
        give(shop, check_id, DiscountRequest.of(COUPON), "x", "cal", approval=approval)


def test_the_limits_count_every_discount_on_the_check_together(shop):
    record = shop.check(1500)
    dollar = DiscountRequest.of(DOLLAR_OFF, record.check.items[0].line_id)
    record = give(shop, record.check_id, dollar, "dented", "cal")
    record = give(
        shop, record.check_id, DiscountRequest.of(COUPON), "coupon", "cal"
    )  # $3.00 of $15.00: 20 %, the limit
    with pytest.raises(ApprovalRequired, match=r"\$4.00 \(26.7% of its items\): more than the 20%"):
        give(shop, record.check_id, DiscountRequest.of(DOLLAR_OFF, 1), "again", "cal")


def test_a_custom_discount_needs_a_manager_and_a_manager_gives_one_alone(shop):
    record = shop.check(1000)
    custom = DiscountRequest(Discount("Regular", 50))
    with pytest.raises(ApprovalRequired, match=r"not on the list \(\$0.50\) needs a manager"):
        give(shop, record.check_id, custom, "regular", "cal")
    shop.engine.sign_in("mia", MANAGER_PIN)
    record = give(shop, record.check_id, custom, "regular", "mia")
    record = give(shop, record.check_id, DiscountRequest.of(STAFF_MEAL), "staff", "mia")
    assert [e["data"]["given_by"] for e in given(shop, record.check_id)] == ["Mia (mia)"] * 2


@pytest.mark.parametrize(
    ("request_", "reason", "staff_id", "refusal"),
    [
        (DiscountRequest.of(HAPPY_HOUR), " ", "cal", "needs a reason"),
        (DiscountRequest.of(HAPPY_HOUR), "late", "mia", "Sign in at this register first"),
        (DiscountRequest(Discount("Happy hour", 500), preset="Happy hour"), "x", "cal", "no disc"),
        (DiscountRequest.of(DiscountPreset("VIP", percent=Decimal(5))), "x", "cal", "no disc"),
        (DiscountRequest.of(DOLLAR_OFF), "dented", "cal", "is for one line: select the line"),
        (replace(DiscountRequest.of(COUPON), line_id=1), "x", "cal", "is for the whole check"),
        (DiscountRequest.of(DOLLAR_OFF, 7), "dented", "cal", "There is no line 7"),
    ],
)
def test_what_cannot_be_given_is_refused_and_writes_nothing(
    shop, request_, reason, staff_id, refusal
):
    record = shop.check(1000)
    before = written(shop, record.check_id)
    with pytest.raises((EngineError, DomainError), match=refusal):
        give(shop, record.check_id, request_, reason, staff_id)
    assert written(shop, record.check_id) == before


def test_nothing_is_given_beyond_what_is_left(shop):
    shop.engine.sign_in("mia", MANAGER_PIN)
    record = shop.check(350)
    line = DiscountRequest.of(DOLLAR_OFF, record.check.items[0].line_id)
    for _ in range(3):
        record = give(shop, record.check_id, line, "dented", "mia")
    assert record.check.items[0].charged_price == 50
    with pytest.raises(DomainError, match=r"more than the \$0.50 left on Lunch"):
        give(shop, record.check_id, line, "dented", "mia")
    whole = DiscountRequest(Discount("Comp", percent=Decimal(100)))
    record = give(shop, record.check_id, whole, "cold", "mia")
    with pytest.raises(IllegalTransition, match="Nothing is left to discount on the check"):
        give(shop, record.check_id, whole, "cold", "mia")


def test_an_edit_cannot_put_a_discount_on_but_takes_one_off(shop):
    record = shop.check(1500)
    line_id = record.check.items[0].line_id
    before = written(shop, record.check_id)
    for change in (
        lambda c: c.add_discount(Discount("Free", percent=Decimal(100))),
        lambda c: c.update_item(line_id, lambda i: i.with_discount(Discount("Free", 1000))),
    ):
        with pytest.raises(IllegalTransition, match="never as an edit of the check"):
            shop.engine.edit_check(record.check_id, change)
        assert written(shop, record.check_id) == before
    record = give(shop, record.check_id, DiscountRequest.of(COUPON), "coupon", "cal")
    record = give(shop, record.check_id, DiscountRequest.of(DOLLAR_OFF, line_id), "dented", "cal")
    record = shop.engine.edit_check(  # the same item again: its discount stays, none is added
        record.check_id, lambda c: c.update_item(line_id, lambda i: replace(i, quantity=2))
    )
    record = shop.engine.edit_check(record.check_id, lambda c: c.remove_discount(0))
    assert record.check.discounts == ()
    assert record.check.items[0].discounts == (DOLLAR_OFF.discount,)


def test_a_paid_check_takes_no_discount(shop):
    record = shop.check(1000)
    record = shop.engine.pay_cash(record.check_id, 1000)
    with pytest.raises(IllegalTransition, match="is closed"):
        give(shop, record.check_id, DiscountRequest.of(COUPON), "late", "cal")


def test_a_cashier_may_not_approve_a_discount(shop):
    record = shop.check(1000)
    target = approval_target(record.check_id, DiscountRequest.of(STAFF_MEAL))
    with pytest.raises(ApprovalRequired, match="Cal is a cashier: a manager must approve"):
        shop.approval(
            ApprovalAction.GIVE_DISCOUNT,
            target,
            check_id=record.check_id,
            staff_id="cal",
            pin=CASHIER_PIN,
        )


# ----- the catalog and the settings -----------------------------------------------------------


def test_presets_come_from_the_catalog_and_limits_from_the_settings(tmp_path):
    presets = load_discounts()  # the demo catalog
    assert DiscountPreset("Happy hour", percent=Decimal(10)) in presets
    assert DiscountPreset("$1 off item", amount=100, on_line=True) in presets
    paths = Paths(tmp_path / "register")
    set_settings(paths, {}, {"discounts.max_percent": "15", "discounts.max_amount": "750"})
    settings = load_settings(paths, {})
    settings.levelup.location_id = settings.levelup.merchant_id = 1
    policy = engine_settings(settings, presets).discounts
    assert (policy.presets, policy.max_percent, policy.max_amount) == (presets, 15, 750)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('name = "X"\namount = 100\npercent = 5', "discounts.0: .*either an amount or a percent"),
        ('name = "X"\npercent = 150', "discounts.0: .*between 0% and 100%"),
        ('name = "X"\npercent = 0', "discounts.0.percent: .*greater than 0"),
        ('name = "X"\namount = 100\non = "table"', "discounts.0.on: .*'line' or 'check'"),
        ('name = " "\namount = 100', "discounts.0: .*needs a name"),
    ],
)
def test_a_bad_preset_in_the_catalog_is_named(tmp_path, entry, problem):
    path = tmp_path / "menu.toml"
    path.write_text(f'[[items]]\nname = "Tea"\nprice = 100\n\n[[discounts]]\n{entry}\n')
    with pytest.raises(CatalogError, match=problem):
        load_discounts(path)


# ----- named checks ----------------------------------------------------------------------------


def test_a_name_is_journaled_rebuilt_by_the_fold_and_kept_across_a_restart(shop):
    record = shop.check(1000)
    record = shop.engine.name_check(record.check_id, "  Table   4 ")
    assert record.name == "Table 4"
    count = shop.journal.event_count()
    assert shop.engine.name_check(record.check_id, "Table 4") == record  # nothing new
    assert shop.journal.event_count() == count
    [named] = [e for e in shop.journal.events_of(record.check_id) if e["kind"] == "check_named"]
    assert named["data"] == {"name": "Table 4"}
    with shop.journal.database.connect() as connection:
        rows = connection.execute(
            events.select().where(events.c.check_id == record.check_id).order_by(events.c.id)
        ).mappings()
        changes = [load_changes(row["changes"]) for row in rows if row["changes"]]
    assert replay(changes) == record
    engine = shop.restart()
    assert engine.check(record.check_id).name == "Table 4"
    assert [r.name for r in engine.open_checks()] == ["Table 4"]
    assert engine.name_check(record.check_id, "").name == ""  # cleared


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("ana@example.com", "never an email address"),
        ("Ana ana@x.io", "never an email address"),
        ("LU02000TVNYGWGQ5U0BKV7EH030000LU", "a LevelUp payment code"),
        ("x" * 33, "at most 32"),
        ("Table\t4\x07", "at most 32 letters"),
    ],
)
def test_a_name_that_could_carry_a_secret_is_refused(shop, name, refusal):
    record = shop.check(1000)
    before = written(shop, record.check_id)
    with pytest.raises(EngineError, match=refusal):
        shop.engine.name_check(record.check_id, name)
    assert written(shop, record.check_id) == before


def test_only_an_open_check_is_named(shop):
    record = shop.engine.pay_cash(shop.check(1000).check_id, 1000)
    assert record.state is CheckState.CLOSED
    with pytest.raises(IllegalTransition, match="only an open check is named"):
        shop.engine.name_check(record.check_id, "Ana")


def test_a_cashier_gives_presets_and_a_manager_any_discount():
    assert Permission.DISCOUNT in PERMISSIONS[Role.CASHIER]
    assert Permission.ANY_DISCOUNT not in PERMISSIONS[Role.CASHIER]
    assert Permission.ANY_DISCOUNT in PERMISSIONS[Role.MANAGER]
