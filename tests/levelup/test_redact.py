"""Credentials are masked wherever they show in text."""

import pytest

from pos_app.levelup.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"token": "981-64eef337"}', '{"token": "***"}'),
        ('{"access_token": {"token": "981-64ee', '{"access_token": {"token": "***"'),
        ('{"password":"a\\"b", "x": 1}', '{"password":"***", "x": 1}'),
        ('{"payment_token_data": "LU02AB"}', '{"payment_token_data": "***"}'),
        ('{"manager_confirmation": "87168"}', '{"manager_confirmation": "***"}'),
        ('{"API_KEY": "k"}', '{"API_KEY": "***"}'),
        ('Authorization: token merchant="982-9a42"', 'Authorization: token merchant="***"'),
        ("token merchant=982-9a, user=1-2", "token merchant=***, user=***"),
        ("Authorization: token 123-abc9", "Authorization: token ***"),
        ("scanned LU0200018SECH4O89A4NBOT7030000LU twice", "scanned LU02*** twice"),
        ("cut off LU0200018SE", "cut off LU02***"),
        ('{"cashier": "Bob", "spend_amount": 100}', '{"cashier": "Bob", "spend_amount": 100}'),
        ("Payment token is invalid.", "Payment token is invalid."),
        ('{"pin": 2468, "token": null}', '{"pin": ***, "token": null}'),
        (
            "{'password': 'hunter2', 'access_token': {'token': '12-ab'}}",
            "{'password': '***', 'access_token': {'token': '***'}}",
        ),
        ("pin=1234 api_key = K3Y; password: hunter2", "pin=*** api_key = ***; password: ***"),
        ("/v15/x?access_token=1-ab&page=2", "/v15/x?access_token=***&page=2"),
        ("spin=3 pinned: 4 token_count=5", "spin=3 pinned: 4 token_count=5"),
        ("Rejected credential 1001-0449ab0449ab0449ab0449", "Rejected credential ***"),
        (
            "order 12345678-1234-4abc-8def-1234567890ab of check 2612030001-000a",
            "order 12345678-1234-4abc-8def-1234567890ab of check 2612030001-000a",
        ),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_an_address_masked_for_people_is_left_as_it_is():
    assert (
        redact("sent to A•••@e•••.com, not ada@example.com") == "sent to A•••@e•••.com, not ***@***"
    )
