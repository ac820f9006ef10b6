"""Items entered fast (issue 15) through the real engine, journal and LevelUp: a raised line and
a line built from modifier groups and an open price are journaled, survive a restart and are
paid as the check says."""

from __future__ import annotations

from pos_app.domain import Exemption, LineItem, Modifier
from pos_app.domain.catalog import ItemOptions, ModifierGroup
from pos_app.engine import CheckState

DONENESS = ModifierGroup("Doneness", (Modifier("Medium"), Modifier("Well done")), required=True)
TOPPINGS = ModifierGroup("Toppings", (Modifier("Bacon", 150), Modifier("Avocado", 125)), True)
BURGER = LineItem("Cheeseburger", 1045, tax_class="food")
GIFT = LineItem("Gift card", 0, exemption=Exemption.GIFT_CARD)


def test_raised_and_asked_lines_are_journaled_and_paid(register):
    options = ItemOptions((DONENESS, TOPPINGS))
    medium_bacon = options.line(BURGER, [DONENESS.choices[:1], TOPPINGS.choices[:1]])
    gift = ItemOptions(open_price=True).line(GIFT, [], price=2500)
    record = register.engine.open_check()
    for line in (medium_bacon, gift, medium_bacon, gift):
        record = register.engine.edit_check(record.check_id, lambda c, i=line: c.add_or_raise(i))
    assert [(i.name, i.quantity) for i in record.check.items] == [
        ("Cheeseburger", 2),
        ("Gift card", 2),
    ]
    totals = record.check.totals
    assert (totals.subtotal, totals.exempt, totals.tax) == (2 * 1195 + 5000, 5000, 239)
    assert register.restart().check(record.check_id) == record

    record, tender_id = register.engine.pay_levelup(record.check_id, register.code("Ada"))
    assert record.state is CheckState.CLOSED
    [order] = register.orders()
    assert order["spend_amount"] == record.tender(tender_id).amount == totals.grand_total
