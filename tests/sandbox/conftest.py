"""A bare HTTP client for each sandbox contract test, on a freshly reset sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_app.sandbox import RunningSandbox
from tests.sandbox.support import LevelUp


@pytest.fixture
def levelup(server: RunningSandbox) -> Iterator[LevelUp]:
    server.reset()
    client = LevelUp(server)
    yield client
    client.http.close()
