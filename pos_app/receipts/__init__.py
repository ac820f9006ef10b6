"""Receipts: one layout, printed as ESC/POS and previewed as a PNG, and emailed."""
