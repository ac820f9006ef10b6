"""Shared test settings, and the sandbox server every client and engine test talks to."""

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from pos_app.sandbox import RunningSandbox, start_embedded

# CI machines are small and shared: judge properties on their results, never on their speed.
settings.register_profile(
    "ci", deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def server() -> Iterator[RunningSandbox]:
    """One LevelUp sandbox on a free loopback port for the whole run; reset it per test."""
    with start_embedded() as running:
        yield running
