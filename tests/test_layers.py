"""The pure core loads no GUI, HTTP or database library (DESIGN.md, dependency rules)."""

import json
import subprocess
import sys

import pytest

HEAVY = ("PySide6", "httpx", "sqlalchemy", "alembic", "starlette", "uvicorn")


def loaded_by(module: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after importing ``module`` in a fresh process."""
    probe = (
        f"import sys, json, {module}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    "module",
    [
        "pos_app.domain",
        "pos_app.levelup.calculator",
        "pos_app.levelup.qr",
        "pos_app.levelup",
        "pos_app.levelup.envelope",
        "pos_app.levelup.wire",
        "pos_app.levelup.orders",
        "pos_app.levelup.errors",
        "pos_app.engine",
        "pos_app.cli",
        "drivers",
    ],
)
def test_core_module_loads_no_heavy_library(module):
    loaded = loaded_by(module)
    assert module.split(".")[0] in loaded
    assert loaded.isdisjoint(HEAVY), f"{module} loaded {sorted(loaded & set(HEAVY))}"


def test_the_sandbox_loads_its_server_but_no_register_library():
    loaded = loaded_by("pos_app.sandbox")
    assert {"starlette", "uvicorn"} <= loaded
    assert loaded.isdisjoint({"PySide6", "sqlalchemy", "httpx"})


def test_the_probe_would_notice_a_heavy_import():
    """Guards the test above: PySide6 is installed, so importing it must show up."""
    probe = "import sys, PySide6; print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "True"
