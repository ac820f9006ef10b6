"""ESC/POS bytes: decoded as the fake printer decodes them, they print exactly the receipt's
lines, with its barcode, the drawer kick first and the cut last when asked, in the code page
asked for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_app.domain import LevelUpDetail, Tender, TenderKind, TenderStatus
from pos_app.engine import CheckState
from pos_app.receipts import (
    Copy,
    Receipt,
    ReceiptKind,
    Text,
    drawer_slip,
    refund_receipt,
    sale_receipt,
)
from pos_app.receipts import test_page as make_test_page
from pos_app.receipts.escpos_bytes import drawer_kick, to_escpos
from tests.fake_printer import decode
from tests.receipts.checks import HEADER, ORDER_UUID, PRINTED, record_of, rung_up

ESC, GS = b"\x1b", b"\x1d"


def sold(width_mm: int = 80, copy: Copy = Copy.CUSTOMER) -> Receipt:
    check = rung_up().add_tender(
        Tender(
            "lu",
            TenderKind.LEVELUP,
            1000,
            tip=100,
            levelup=LevelUpDetail(gift_card_amount=300, order_uuid=ORDER_UUID),
        )
    )
    record = record_of(check.pay_cash("cash", 5000), payers={"lu": "Ada C."})
    return sale_receipt(
        record,
        HEADER,
        register="3",
        cashier="Cal",
        width_mm=width_mm,
        printed_at=PRINTED,
        copy=copy,
    )


def voided() -> Receipt:
    check = rung_up().pay_cash("cash", 4000)
    voided = check.replace_tender(replace(check.tender("cash"), status=TenderStatus.VOID))
    return refund_receipt(
        record_of(voided, CheckState.REFUNDED),
        HEADER,
        register="3",
        cashier="Mia",
        width_mm=58,
        printed_at=PRINTED,
    )


RECEIPTS = {
    "sale 80 mm": lambda: sold(80),
    "sale 58 mm, merchant copy": lambda: sold(58, Copy.MERCHANT),
    "refund": voided,
    "test page": lambda: make_test_page("socket://127.0.0.1:9100", 58, printed_at=PRINTED),
    "paid out": lambda: drawer_slip(ReceiptKind.PAID_OUT, 1250, "Milk", "Mia", PRINTED, "3"),
}


@pytest.mark.parametrize("name", RECEIPTS)
def test_the_printer_prints_exactly_the_receipts_lines(name):
    receipt = RECEIPTS[name]()
    printed = decode(to_escpos(receipt))
    assert printed.lines == receipt.text_lines()
    assert printed.barcodes == [line.barcode for line in receipt.lines() if line.barcode]


def test_the_check_number_is_a_hardware_code128_barcode():
    data = to_escpos(sold())
    assert GS + b"kI\x0c{B2612010003" in data  # CODE128, function B, 12 bytes
    assert GS + b"H\x00" in data  # the printer's own text off: the next line is the text
    assert decode(data).barcodes == ["2612010003"]


def test_bold_and_big_lines_are_styled_and_the_style_ends_with_them():
    receipt = Receipt(
        ReceiptKind.TEST,
        "",
        "",
        32,
        (Text("plain"), Text("bold", bold=True), Text("BIG", big=True), Text("after")),
        PRINTED,
    )
    data = to_escpos(receipt, cut=False)
    plain, bold, big, after = (data.index(word) for word in (b"plain", b"bold", b"BIG", b"after"))
    assert ESC + b"E\x01" in data[plain:bold] and ESC + b"!0" in data[bold:big]  # 2x, bold
    assert ESC + b"E\x00" in data[big:after] and ESC + b"!\x00" in data[big:after]
    assert data.startswith(ESC + b"@")  # each job from the printer's defaults


@pytest.mark.parametrize(("cut", "cuts"), [(True, 1), (False, 0)])
@pytest.mark.parametrize(("pin", "kicks"), [(None, []), (2, [2]), (5, [5])])
def test_the_drawer_is_kicked_first_and_the_paper_cut_last_when_asked(cut, cuts, pin, kicks):
    data = to_escpos(sold(), cut=cut, kick_drawer_pin=pin)
    printed = decode(data)
    assert (printed.cuts, printed.drawer_kicks) == (cuts, kicks)
    if pin is not None:
        assert data.index(ESC + b"p") < data.index(b"Demo")
    if cut:
        assert data.endswith(GS + b"V\x00") and data.rindex(ESC + b"d") > data.rindex(b"\n")


def test_a_drawer_kick_alone():
    assert decode(drawer_kick(2)).drawer_kicks == [2]
    assert decode(drawer_kick(5)).drawer_kicks == [5]
    assert decode(drawer_kick(2)).text == ""
    with pytest.raises(ValueError, match="pin 2 or 5"):
        drawer_kick(3)
    with pytest.raises(ValueError, match="pin 2 or 5"):
        to_escpos(sold(), kick_drawer_pin=1)


def accented(text: str) -> Receipt:
    return Receipt(ReceiptKind.TEST, "", "", 48, (Text(text),), PRINTED)


@pytest.mark.parametrize(("codepage", "number"), [("CP437", 0), ("CP858", 19), ("cp858", 19)])
def test_accents_and_the_pound_survive_in_the_code_page(codepage, number):
    data = to_escpos(accented("Café £5"), codepage=codepage)
    printed = decode(data)
    assert printed.codepage == number
    assert printed.lines == ["Café £5"]  # é and £ sit at the same place in both pages
    assert b"Caf\x82 \x9c5" in data


def test_a_character_the_code_page_lacks_prints_as_a_question_mark():
    assert decode(to_escpos(accented("5 € 日本"), codepage="CP437")).lines == ["5 ? ??"]
    assert b"5 \xd5" in to_escpos(accented("5 €"), codepage="CP858")  # the euro, in CP858


def test_an_unknown_code_page_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="code page 'KLINGON' is not one python-escpos knows"):
        to_escpos(sold(), codepage="KLINGON")
