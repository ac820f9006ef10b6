"""Shared test settings."""

import os

from hypothesis import HealthCheck, settings

# CI machines are small and shared: judge properties on their results, never on their speed.
settings.register_profile(
    "ci", deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
