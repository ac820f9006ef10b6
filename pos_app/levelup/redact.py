"""Masking credentials in text meant for people: error details, logs, support bundles.

Payment codes, tokens, passwords, API keys, PINs and manager codes are replaced wherever they
show:
as JSON string values (even cut off mid-string), in ``Authorization`` headers, or bare (a
``LU02…`` code anywhere in the text).
"""

from __future__ import annotations

import re

MASK = "***"

SECRET_KEYS = (
    "payment_token_data",
    "token",
    "access_token",
    "password",
    "api_key",
    "client_id",
    "client_secret",
    "manager_confirmation",
    "pin",
)

_JSON_VALUE = re.compile(
    r'("(?:' + "|".join(SECRET_KEYS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"?', re.IGNORECASE
)
_AUTHORIZATION = re.compile(
    r'(\b(?:merchant|user)\s*=\s*"?)[^",\s]+'  # token merchant="…", user=…
    r"|(\btoken\s+)\d+-[0-9a-f]+",  # the untagged v14 form: token 123-abc…
    re.IGNORECASE,
)
_CODE = re.compile(r"LU02[0-9A-Z]{2,}", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every credential it carries replaced by ``***`` (codes keep ``LU02``)."""
    text = _JSON_VALUE.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    text = _AUTHORIZATION.sub(lambda m: f"{m.group(1) or m.group(2)}{MASK}", text)
    return _CODE.sub(f"LU02{MASK}", text)
