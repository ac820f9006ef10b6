"""What a scanned label is: a LevelUp code, a product barcode, or neither."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.app.scans import Classified, CodeKind, classify
from pos_app.domain.barcodes import check_digit, product_symbology, upc_e_to_upc_a
from pos_app.levelup import qr

LU = "LU0200018SECH4O89A4NBOT7030000LU"
LU_MASKED = "LU02…T703…LU"
LU_TOKEN_ONLY = "LU0200018SECH4O89A4NBOT7"

# ----- check digits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("03600029145", 2),  # UPC-A 036000291452
        ("400638133393", 1),  # EAN-13 4006381333931
        ("9638507", 4),  # EAN-8 96385074
        ("04210000526", 4),  # UPC-A form of UPC-E 04252614
        ("01234500006", 5),  # UPC-A form of UPC-E 01234565
        ("00000000000", 0),
    ],
)
def test_check_digits_of_known_codes(body, digit):
    assert check_digit(body) == digit


@pytest.mark.parametrize(
    ("label", "symbology"),
    [
        ("036000291452", "upc-a"),
        ("4006381333931", "ean-13"),
        ("96385074", "ean-8"),
        ("04252614", "upc-e"),
        ("01234565", "upc-e"),
    ],
)
def test_known_product_codes(label, symbology):
    assert product_symbology(label) == symbology
    classified = classify(label)
    assert classified == Classified(CodeKind.PRODUCT, label, symbology)
    assert classified.shown() == label


@pytest.mark.parametrize(
    ("upc_e", "upc_a"),
    [
        ("04252614", "042100005264"),
        ("01234565", "012345000065"),
        # each expansion rule, by the last digit of the six (check digit passed through)
        ("01234509", "012000003459"),
        ("01234519", "012100003459"),
        ("01234529", "012200003459"),
        ("01234539", "012300000459"),
        ("01234549", "012340000059"),
        ("01234579", "012345000079"),
        ("11234599", "112345000099"),
    ],
)
def test_upc_e_expands_to_upc_a(upc_e, upc_a):
    assert upc_e_to_upc_a(upc_e) == upc_a


@pytest.mark.parametrize(
    "label",
    [
        "036000291453",  # UPC-A, check digit off by one
        "4006381333932",  # EAN-13
        "96385075",  # EAN-8
        "04252615",  # UPC-E
        "01234566",
        "03600029145",  # 11 digits
        "40063813339310",  # 14 digits
        "0360002914５2",  # a full-width digit
        "٠٣٦٠٠٠٢٩١٤٥٢",  # Arabic-Indic digits: 036000291452
        "03600029145A",
        "",
        "hello",
    ],
)
def test_labels_with_a_wrong_check_digit_or_shape_are_unknown(label):
    assert product_symbology(label) is None
    classified = classify(label)
    assert classified.kind is CodeKind.UNKNOWN
    assert classified.symbology is None
    assert classified.payment_code is None
    assert classified.reason


def test_surrounding_whitespace_is_ignored():
    assert classify(" 036000291452\r\n") == Classified(CodeKind.PRODUCT, "036000291452", "upc-a")


# ----- LevelUp codes ------------------------------------------------------------------------


def test_a_levelup_code():
    classified = classify(LU)
    assert classified.kind is CodeKind.LEVELUP
    assert classified.symbology == "levelup"
    assert classified.payment_code is not None
    assert classified.payment_code.data == LU
    assert classified.payment_code.tip == qr.PercentTip(0)
    assert classified.reason == ""


def test_a_levelup_code_is_masked_unless_asked():
    classified = classify(LU)
    assert classified.shown() == LU_MASKED
    assert LU not in classified.shown()
    assert classified.shown(show_codes=True) == LU


def test_a_classified_code_does_not_show_in_its_repr():
    assert "SECH4O89" not in repr(classify(LU)) and "SECH4O89" not in repr(classify(LU[:-1]))


def test_a_token_only_code_and_a_lower_case_code():
    token_only = classify(LU_TOKEN_ONLY)
    assert token_only.kind is CodeKind.LEVELUP
    assert token_only.shown() == "LU02…T7…LU"
    lower = classify(LU.lower())
    assert lower.kind is CodeKind.LEVELUP
    assert lower.payment_code is not None
    assert lower.payment_code.data == LU
    assert lower.shown() == LU_MASKED


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("LU0200018SECH", "13 characters"),  # read partly
        ("LU0200018SECH4O89A4NBOT7030000LX", "does not end with LU"),
        ("LU0200018SECH4O89A4NBOT7030000L!", "characters a code never has"),
        ("LU0900018SECH4O89A4NBOT7030000LU", "version"),
    ],
)
def test_a_malformed_levelup_code_is_unknown_with_a_reason_and_masked(label, reason):
    classified = classify(label)
    assert classified.kind is CodeKind.UNKNOWN
    assert classified.payment_code is None
    assert reason in classified.reason
    assert label not in classified.reason
    shown = classified.shown()
    assert shown == "LU02…(masked)"
    assert label not in shown
    assert classified.shown(show_codes=True) == label


# ----- scanner prefixes --------------------------------------------------------------------


def test_a_scanner_sending_aim_identifiers_still_pays_and_sells():
    """Serial scanners set to prefix ``]Q1`` (QR) or ``]E0`` (EAN/UPC) to each code."""
    paid = classify("]Q1" + LU + "\r\n")
    assert paid.payment_code is not None and paid.payment_code.data == LU
    assert classify("]E0036000291452") == Classified(CodeKind.PRODUCT, "036000291452", "upc-a")


# ----- properties ---------------------------------------------------------------------------

ASCII_DIGITS = "0123456789"


@given(st.text(alphabet=ASCII_DIGITS, min_size=11, max_size=11))
def test_any_12_digits_with_their_check_digit_are_upc_a(body):
    label = body + str(check_digit(body))
    assert classify(label) == Classified(CodeKind.PRODUCT, label, "upc-a")


@given(
    st.text(alphabet=ASCII_DIGITS, min_size=11, max_size=11),
    st.integers(min_value=0, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_one_wrong_digit_in_a_upc_a_is_caught(body, position, shift):
    label = body + str(check_digit(body))
    wrong = label[:position] + str((int(label[position]) + shift) % 10) + label[position + 1 :]
    assert classify(wrong).kind is CodeKind.UNKNOWN


@given(st.text(alphabet=ASCII_DIGITS, min_size=12, max_size=12))
def test_any_13_digits_with_their_check_digit_are_ean_13(body):
    label = body + str(check_digit(body))
    assert classify(label).symbology == "ean-13"


@given(st.text(alphabet=ASCII_DIGITS, min_size=7, max_size=7))
def test_any_8_digits_with_their_check_digit_are_ean_8_or_upc_e(body):
    label = body + str(check_digit(body))
    symbology = classify(label).symbology
    if label[0] in "01":
        assert symbology in ("ean-8", "upc-e")
    else:
        assert symbology == "ean-8"


@given(st.text(alphabet=st.characters(categories=["Nd"]), max_size=40))
def test_no_digit_only_string_is_a_levelup_code(label):
    classified = classify(label)
    assert classified.kind is not CodeKind.LEVELUP
    assert classified.payment_code is None
    assert classified.shown() == label
