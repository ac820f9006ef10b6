"""Closing the register from outside: SIGTERM (a shutdown, an upgrade's drain) and Ctrl+C.

A set-up register idles at its sign-in dialog, which a cashier cannot dismiss: a signal must
still close it, or every upgrade and removal waits for ``kill -KILL`` (rollout trial D1). A
payment under way is never cut off: the window closes once LevelUp has answered it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos_app.app.terminal import sign_in_to_sandbox
from pos_app.host.paths import Paths
from pos_app.host.settings import set_settings
from pos_app.ui.dialogs import SignInDialog
from pos_app.ui.payment import LevelUpDialog

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))


def set_up_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A register set up on the embedded sandbox, not a demo: it waits for a cashier."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    data = tmp_path / "register"
    sign_in_to_sandbox(Paths(data), None, env)
    set_settings(Paths(data), env, {"levelup.demo": "false"})
    return data, env


def wait_for_log(data: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    log = data / "logs" / "levelup-pos.log"
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(encoding="utf-8", errors="replace"):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    raise AssertionError(f"no {text!r} in {log}")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_a_set_up_register_at_its_sign_in_closes_on_a_signal(tmp_path, monkeypatch, number):
    data, env = set_up_register(tmp_path, monkeypatch)
    register = subprocess.Popen(
        [SCRIPT, "--data-dir", str(data)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_log(data, "The register window is up", register)
        time.sleep(0.5)  # the sign-in dialog is open by now
        register.send_signal(number)
        assert register.wait(timeout=10) == 0
    finally:
        register.kill()
        register.communicate()
    assert not (data / "register.owner").exists()  # the writer lock was let go


def test_the_sign_in_dialog_goes_with_the_window(cashier):
    cashier.till.sign_out()
    sign_in = cashier.dialog(SignInDialog)
    assert cashier.window.shut_down()
    assert not sign_in.isVisible()
    assert not cashier.window.isVisible()


def test_closing_waits_for_levelup_to_answer_the_payment_under_way(cashier):
    cashier.fault(path="/v15/proposed_orders", latency_ms=800, times=1)
    cashier.tap_item("Burger")
    cashier.click(cashier.window.tenders.levelup)
    payment = cashier.dialog(LevelUpDialog)
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: payment.state == "paying")
    assert not cashier.window.shut_down()
    assert cashier.window.isVisible()
    assert "closes once LevelUp answers" in cashier.window.message.text()
    cashier.wait(lambda: payment.state == "answered")
    assert cashier.window.shut_down()
    assert not cashier.window.isVisible()
    assert len(cashier.orders()) == 1  # the payment went through; nothing was cut short
