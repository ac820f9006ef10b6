"""LevelUp POS: a point-of-sale terminal for LevelUp QR payments."""

__version__ = "0.1.0"
