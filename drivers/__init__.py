"""Scanner drivers: serial, HID and keyboard-wedge scanners opened by URL.

A library of its own: it imports nothing from ``pos_app`` and no Qt.
"""
