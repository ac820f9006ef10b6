"""What support gets from a register: versions, the journal's figures, the connection check
and the support bundle, made without Qt from a terminal and plain data."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_app.app.support import (
    LOG_LINES_IN_BUNDLE,
    check_connection,
    journal_figures,
    support_bundle,
    versions,
)
from pos_app.app.terminal import Terminal, sign_in_to_sandbox
from pos_app.host.logs import LOG_FILE
from pos_app.host.paths import Paths
from pos_app.host.secrets import MERCHANT_TOKEN
from pos_app.sandbox import RunningSandbox


@dataclass(frozen=True)
class Told:
    message: str
    detail: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@pytest.fixture
def terminal(server: RunningSandbox, tmp_path: Path, monkeypatch) -> Iterator[Terminal]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    server.reset()
    paths, key = Paths(tmp_path / "register"), tmp_path / "secret.key"
    config = sign_in_to_sandbox(paths, server.url, {}, key_path=key)
    with Terminal(paths, config, key_path=key, what="a support test") as opened:
        yield opened


def code_of(server: RunningSandbox, name: str) -> str:
    [customer] = [c for c in server.ledger.customers() if c["name"] == name]
    return str(customer["payment_token_data"])


def test_the_bundle_masks_every_credential_and_payment_code(terminal, server):
    token = terminal.secrets.get(MERCHANT_TOKEN)
    code = code_of(server, "Ada Card")
    log = terminal.paths.log_dir / LOG_FILE
    log.write_text(f"sent token {token}\nscanned {code}\n", encoding="utf-8")
    bundle = support_bundle(
        terminal,
        {"events": 3},
        health={"reachable": True, "queued": 0},
        problems=[Told("LevelUp said no", f"payment_token_data={code}, merchant={token}")],
        scanner_events=[f"12:00:00 scanner scan: levelup code {code}"],
    )
    assert token
    assert token not in bundle
    assert code not in bundle
    assert json.loads(bundle)["recent_problems"][0]["message"] == "LevelUp said no"


def test_the_bundle_carries_what_a_support_desk_asks_for(terminal):
    log = terminal.paths.log_dir / LOG_FILE
    log.write_text("".join(f"line {n}\n" for n in range(LOG_LINES_IN_BUNDLE + 50)))
    first, second = Told("first"), Told("second", "the detail")
    bundle = json.loads(
        support_bundle(
            terminal,
            journal_figures(terminal),
            health={"reachable": False, "queued": 2},
            problems=[second, first],
            scanner_events=["12:00:00 state: enabled"],
            binding={"pyside6": "6.x", "qt": "6.y"},
        )
    )
    assert bundle["register"] == terminal.config.register_.id
    assert bundle["levelup_url"] == terminal.levelup_url
    assert bundle["settings"]["levelup"]["location_id"] == terminal.config.levelup.location_id
    assert bundle["health"] == {"reachable": False, "queued": 2}
    assert bundle["journal"]["file"] == str(terminal.paths.journal_file)
    assert bundle["journal"]["unfinished_payments"] == {}
    assert [p["message"] for p in bundle["recent_problems"]] == ["second", "first"]
    assert bundle["recent_problems"][0]["detail"] == "the detail"
    assert bundle["scanner_events"] == ["12:00:00 state: enabled"]
    assert len(bundle["log_tail"]) == LOG_LINES_IN_BUNDLE
    assert bundle["log_tail"][-1] == f"line {LOG_LINES_IN_BUNDLE + 49}"
    assert bundle["versions"]["pyside6"] == "6.x"


def test_a_bundle_without_a_log_file_has_an_empty_tail(terminal):
    assert not (terminal.paths.log_dir / LOG_FILE).exists()
    bundle = json.loads(support_bundle(terminal, {}, health={}))
    assert bundle["log_tail"] == []
    assert bundle["recent_problems"] == []


def test_versions_name_the_register_and_what_it_runs_on():
    assert list(versions()) == ["levelup-pos", "python", "sqlite", "platform"]
    with_binding = versions({"pyside6": "6.x", "qt": "6.y"})
    assert list(with_binding) == ["levelup-pos", "python", "pyside6", "qt", "sqlite", "platform"]


def test_the_journal_figures_count_what_the_journal_holds(terminal):
    terminal.engine.open_check()
    figures = journal_figures(terminal)
    assert figures["events"] > 0
    assert figures["unsettled_checks"] == 1
    assert figures["size_bytes"] > 0


def test_the_connection_check_reaches_the_sandbox_step_by_step(terminal):
    steps = check_connection(terminal)
    assert steps
    assert all(step.ok for step in steps), steps


def test_support_needs_no_qt():
    probe = "import sys, pos_app.app.support; print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
