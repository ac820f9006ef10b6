"""The door to python-escpos: its cache in one per-user folder, no temporary folder left per
import, and none of its chatter on standard output, standard error or in the logs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.escpos_lib import Dummy
from drivers.printer import parse_printer_url, send

REPO = Path(__file__).resolve().parents[2]
IMPORT_AND_PRINT_A_BARCODE = """
import json, logging, os
import drivers.escpos_lib as escpos_lib
printer = escpos_lib.Dummy()
printer.barcode("123456789012", "EAN13")
print(json.dumps({
    "pickle_dir": os.environ[escpos_lib.PICKLE_DIR_ENV],
    "root_handlers": len(logging.getLogger().handlers),
    "bytes": len(printer.output),
}))
"""


def run_escpos(tmp_path: Path, **env: str) -> tuple[dict[str, object], str]:
    environment = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    environment.update(XDG_CACHE_HOME=str(tmp_path / "cache"), TMPDIR=str(tmp_path / "tmp"), **env)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", IMPORT_AND_PRINT_A_BARCODE],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *chatter, last = done.stdout.splitlines()
    assert chatter == []  # no "Using hardware barcode renderer"
    return json.loads(last), done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_CACHE_HOME is Linux's")
def test_escpos_caches_in_one_user_folder_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "levelup-pos" / "escpos"
    for _ in range(2):  # the first import writes the cache, the second reads it
        said, stderr = run_escpos(tmp_path)
        assert said == {"pickle_dir": str(cache), "root_handlers": 0, "bytes": said["bytes"]}
        assert isinstance(said["bytes"], int) and said["bytes"] > 12
        assert stderr == ""
        assert [path.name for path in cache.iterdir()] == [
            f"{sys.version.split()[0]}.capabilities.pickle"
        ]
        assert list((tmp_path / "tmp").iterdir()) == []


def test_a_cache_folder_chosen_in_the_environment_is_kept(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen" / "escpos"
    said, _ = run_escpos(tmp_path, ESCPOS_CAPABILITIES_PICKLE_DIR=str(chosen))
    assert said["pickle_dir"] == str(chosen)
    assert any(chosen.glob("*.capabilities.pickle"))
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_barcode_prints_nothing_on_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    printer = Dummy()
    printer.barcode("123456789012", "EAN13")
    assert b"\x1dk" in printer.output
    assert capsys.readouterr() == ("", "")


def test_escpos_logs_nothing_while_printing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = parse_printer_url(f"file://{tmp_path}/receipt.prn")
    assert url is not None
    send(url, b"\x1b@quiet\n", timeout=1)  # escpos logs "File printer enabled" and its close
    assert (tmp_path / "receipt.prn").read_bytes() == b"\x1b@quiet\n"
    assert [
        r for r in caplog.records if "escpos" in r.pathname or r.name.startswith("escpos")
    ] == []
