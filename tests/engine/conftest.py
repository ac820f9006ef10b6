from collections.abc import Iterator

import pytest

from pos_app.sandbox import RunningSandbox
from tests.engine.support import Register


@pytest.fixture
def register(server: RunningSandbox, tmp_path) -> Iterator[Register]:
    server.reset()
    register = Register(server, tmp_path)
    yield register
    register.close()


@pytest.fixture
def make_register(server: RunningSandbox, tmp_path):
    """A register with settings of the test's choosing."""
    made: list[Register] = []

    def make(**settings) -> Register:
        server.reset()
        register = Register(server, tmp_path / str(len(made)), **settings)
        made.append(register)
        return register

    yield make
    for register in made:
        register.close()
