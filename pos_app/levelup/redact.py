"""Masking credentials in text meant for people: error details, logs, support bundles.

Payment codes, tokens, passwords, API keys, PINs and manager codes are replaced wherever they
show: as the value of a secret key however it is written (JSON, a Python ``repr``, ``key=value``,
a query string; quoted, bare or cut off mid-string), in ``Authorization`` headers, or bare (a
``LU02…`` code or a ``1001-0449…`` token anywhere in the text). Email addresses (a customer
paying by email) are masked too.
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

_KEY_VALUE = re.compile(
    r"""((?<![\w-])(["']?)(?:""" + "|".join(SECRET_KEYS) + r""")\2\s*[:=]\s*)"""
    r'(?:"(?:[^"\\]|\\.)*"?'  # "double-quoted", maybe cut off
    r"|'(?:[^'\\]|\\.)*'?"  # 'single-quoted'
    r"""|(?!(?:null|none|true|false)\b)[^\s,;&"'{}\[\]()]+)""",  # bare: 2468, abc-123
    re.IGNORECASE,
)
_AUTHORIZATION = re.compile(
    r'(\b(?:merchant|user)\s*=\s*"?)[^",\s]+'  # token merchant="…", user=…
    r"|(\btoken\s+)\d+-[0-9a-f]+",  # the untagged v14 form: token 123-abc…
    re.IGNORECASE,
)
_CODE = re.compile(r"LU02[0-9A-Z]{2,}", re.IGNORECASE)
_BARE_TOKEN = re.compile(r"\b\d+-[0-9a-f]{16,}\b", re.IGNORECASE)
"""A LevelUp token on its own in free text (``1001-0449…``): a number, a dash and a long hex
run, which neither an order uuid nor any other value the register shows has."""
# An address already masked for people (``a•••@e•••.com``) is left as it is.
_EMAIL = re.compile(r"[^\s@\"'<>(),;:\[\]•]+@[^\s@\"'<>(),;:\[\]•]+\.[a-z]{2,}", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every credential and email it carries replaced by ``***`` (codes keep
    ``LU02``)."""
    text = _KEY_VALUE.sub(_masked_value, text)
    text = _AUTHORIZATION.sub(lambda m: f"{m.group(1) or m.group(2)}{MASK}", text)
    text = _EMAIL.sub(f"{MASK}@{MASK}", text)
    text = _BARE_TOKEN.sub(MASK, text)
    return _CODE.sub(f"LU02{MASK}", text)


def _masked_value(match: re.Match[str]) -> str:
    quote = match.group(0)[len(match.group(1))]
    return match.group(1) + (f"{quote}{MASK}{quote}" if quote in "\"'" else MASK)
