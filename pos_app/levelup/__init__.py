"""The LevelUp v15 protocol: payload models, the proposed-order calculator, QR codes, errors.

These modules do no I/O; the HTTP client (``client``) and what it makes of a failed
connection (``diagnosis``) build on them.
"""

PRODUCTION_URL = "https://api.thelevelup.com"
"""LevelUp's own API: where a register that is not a demo sends its calls."""
