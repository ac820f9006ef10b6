"""LevelUp payment codes: parsing, building, masking (API-NOTES.md §13)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.levelup import qr
from pos_app.levelup.qr import CentTip, InvalidPaymentCode, PercentTip

DOC_CODE = "LU0200018SECH4O89A4NBOT7030000LU"
TOKEN = "00018SECH4O89A4NBOT7"


def test_parses_the_documented_example():
    code = qr.parse(DOC_CODE)
    assert code.data == DOC_CODE
    assert code.token_version == 2
    assert code.tip == PercentTip(0)
    assert code.color == 0
    assert code.has_preferences


def test_documented_ten_percent_tip():
    assert qr.parse("LU02000008ZS9OJFUBNEL6ZM0300A0LU").tip == PercentTip(10)


@pytest.mark.parametrize(
    ("tip", "color", "suffix"),
    [
        (PercentTip(1), 1, "030011LU"),
        (CentTip(1), 1, "031011LU"),
        (PercentTip(11), 0, "0300B0LU"),
        (None, 0, "030000LU"),
        (PercentTip(qr.MAX_PERCENT_TIP), 35, "030ZZZLU"),
        (CentTip(qr.MAX_CENT_TIP), 9, "03ZZZ9LU"),
    ],
)
def test_builds_preferences_as_the_android_sdk(tip, color, suffix):
    code = qr.build(TOKEN, tip, color)
    assert code.data == f"LU02{TOKEN}{suffix}"
    assert code.tip == (tip or PercentTip(0))
    assert code.color == color


def test_token_only_code_has_no_preferences():
    code = qr.parse(DOC_CODE[:24])
    assert (code.tip, code.color, code.has_preferences) == (None, None, False)
    assert code.masked() == "LU02…T7…LU"


def test_whitespace_and_lower_case_are_accepted():
    assert qr.parse(f"  {DOC_CODE.lower()}\r\n").data == DOC_CODE


def test_str_and_repr_mask_the_token():
    code = qr.parse(DOC_CODE)
    assert str(code) == "LU02…T703…LU"
    assert TOKEN not in repr(code)
    assert TOKEN[:18] not in f"{code}{code!r}{[code]}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("012345678905", "does not start with LU"),
        ("", "does not start with LU"),
        ("LU02111222333444555666777888999LU", "33 characters"),
        ("LU0200018SECH4O89A4NBOT7030000L", "31 characters"),
        ("LU02000ROETEST_BAD_QR_DATA_D40200A0LU", "characters a code never has"),
        ("LU02-0018SECH4O89A4NBOT7030000LU", "characters a code never has"),
        ("LU0300018SECH4O89A4NBOT7030000LU", "version"),
        ("LU0200018SECH4O89A4NBOT7040000LU", "preferences of a version"),
        ("LU0200018SECH4O89A4NBOT70300000X", "does not end with LU"),
        ("LU02" + "ı" * 20 + "030000LU", "characters a code never has"),
        ("LU02" + "ß" * 10 + "030000LU", "characters a code never has"),
    ],
)
def test_malformed_codes_are_rejected_with_a_reason(text, reason):
    with pytest.raises(InvalidPaymentCode, match=reason) as caught:
        qr.parse(text)
    assert text[4:20] not in str(caught.value) or not text[4:20]


@pytest.mark.parametrize("barcode", ["012345678905", "4006381333931", "04963406", "ABC-123"])
def test_product_barcodes_are_never_payment_codes(barcode):
    assert not qr.looks_like_payment_code(barcode)


def test_a_misread_code_still_looks_like_a_payment_code():
    assert qr.looks_like_payment_code("LU0200018SECH")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("SHORT",), "20 characters"),
        ((TOKEN[:-1] + "-",), "20 characters"),
        ((TOKEN, PercentTip(-1)), "tip"),
        ((TOKEN, PercentTip(qr.MAX_PERCENT_TIP + 1)), "tip"),
        ((TOKEN, CentTip(qr.MAX_CENT_TIP + 1)), "tip"),
        ((TOKEN, None, 36), "colour"),
        ((TOKEN, PercentTip(1.5)), "tip"),  # type: ignore[arg-type]
        ((TOKEN, CentTip(True)), "tip"),
    ],
)
def test_build_refuses_what_a_code_cannot_carry(args, reason):
    with pytest.raises(InvalidPaymentCode, match=reason):
        qr.build(*args)


tokens = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=20, max_size=20)
tips = st.one_of(
    st.builds(PercentTip, st.integers(0, qr.MAX_PERCENT_TIP)),
    st.builds(CentTip, st.integers(0, qr.MAX_CENT_TIP)),
)


@given(token=tokens, tip=tips, color=st.integers(0, qr.MAX_COLOR))
def test_build_then_parse_round_trips(token, tip, color):
    code = qr.build(token, tip, color)
    assert len(code.data) == qr.FULL_LENGTH
    assert qr.parse(code.data) == code
    assert (code.tip, code.color) == (tip, color)
    assert token not in repr(code) and token not in str(code)
