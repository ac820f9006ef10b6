"""Every module outside the window imports with Qt absent (napari's headless run): a register's
command line, its wiring and its core never need PySide6."""

import json
import subprocess
import sys

PROBE = """
import importlib, importlib.abc, json, pkgutil, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError(f"{name} is not installed (headless probe)")
        return None

sys.meta_path.insert(0, NoQt())
import drivers, pos_app
names = []
for package in (pos_app, drivers):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.startswith(("pos_app.ui", "pos_app.journal.migrations")):
            continue
        importlib.import_module(info.name)
        names.append(info.name)
print(json.dumps({"modules": names, "qt": sorted(m for m in sys.modules if "PySide6" in m)}))
"""


def test_every_module_outside_the_window_imports_without_qt():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["qt"] == []
    assert {"pos_app.cli", "pos_app.app.terminal", "pos_app.engine.engine", "drivers.url"} <= set(
        found["modules"]
    )
