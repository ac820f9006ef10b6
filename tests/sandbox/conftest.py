"""One sandbox server per test session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_app.sandbox import RunningSandbox, start_embedded
from tests.sandbox.support import LevelUp


@pytest.fixture(scope="session")
def server() -> Iterator[RunningSandbox]:
    with start_embedded() as running:
        yield running


@pytest.fixture
def levelup(server: RunningSandbox) -> Iterator[LevelUp]:
    server.reset()
    client = LevelUp(server)
    yield client
    client.http.close()
