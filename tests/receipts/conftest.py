"""The receipts tests' register: the engine tests' (a real engine, journal and sandbox)."""

from tests.engine.conftest import register  # noqa: F401
