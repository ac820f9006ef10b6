"""Product barcodes, recognised by their GS1 check digit: UPC-A (12 digits), EAN-13 (13), EAN-8
(8) and UPC-E (8, number system 0 or 1, checked through its UPC-A expansion)."""

from __future__ import annotations


def check_digit(body: str) -> int:
    """The GS1 check digit of ``body`` (all digits before the check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def upc_e_to_upc_a(code: str) -> str:
    """The 12-digit UPC-A that an 8-digit UPC-E stands for."""
    system, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return system + body + check


def product_symbology(label: str) -> str | None:
    """``upc-a``, ``ean-13``, ``ean-8`` or ``upc-e`` when ``label`` is one with a valid check
    digit, else ``None``."""
    if not label.isascii() or not label.isdigit():
        return None
    if len(label) == 12 and check_digit(label[:11]) == int(label[11]):
        return "upc-a"
    if len(label) == 13 and check_digit(label[:12]) == int(label[12]):
        return "ean-13"
    if len(label) == 8:
        if label[0] in "01":
            expanded = upc_e_to_upc_a(label)
            if check_digit(expanded[:11]) == int(expanded[11]):
                return "upc-e"
        if check_digit(label[:7]) == int(label[7]):
            return "ean-8"
    return None
