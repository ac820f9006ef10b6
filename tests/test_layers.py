"""The pure core loads no GUI, HTTP or database library (DESIGN.md, dependency rules)."""

import json
import subprocess
import sys

import pytest

HEAVY = ("PySide6", "httpx", "sqlalchemy")


@pytest.mark.parametrize(
    "module",
    [
        "pos_app.domain",
        "pos_app.levelup.calculator",
        "pos_app.levelup.qr",
        "pos_app.levelup.payloads",
        "pos_app.levelup.errors",
        "drivers",
    ],
)
def test_core_module_loads_no_heavy_library(module):
    probe = (
        f"import sys, json, {module}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert module.split(".")[0] in loaded
    assert loaded.isdisjoint(HEAVY), f"{module} loaded {sorted(loaded & set(HEAVY))}"


def test_the_probe_would_notice_a_heavy_import():
    """Guards the test above: PySide6 is installed, so importing it must show up."""
    probe = "import sys, PySide6; print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "True"
