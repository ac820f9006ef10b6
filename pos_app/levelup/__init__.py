"""The LevelUp v15 protocol: payload models, the proposed-order calculator, QR codes, errors.

These modules do no I/O; the HTTP client builds on them.
"""
