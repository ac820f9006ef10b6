"""The ``levelup-pos`` command line."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pos_app import __version__, cli
from pos_app.host.paths import HOME_ENV, resolve_paths


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    "argv",
    [("--data-dir", "{d}", "paths"), ("paths", "--data-dir", "{d}")],
    ids=["before the command", "after the command"],
)
def test_data_dir_is_accepted_before_or_after_the_command(monkeypatch, capsys, tmp_path, argv):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "from-env"))
    status, out, _ = run(monkeypatch, capsys, *(a.format(d=tmp_path / "opt") for a in argv))
    assert status == 0
    assert f"data directory: {tmp_path / 'opt'}" in out
    assert f"journal:        {tmp_path / 'opt' / 'journal.sqlite3'}" in out


def test_environment_chooses_the_data_dir_when_no_option_does(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    _, out, _ = run(monkeypatch, capsys, "paths")
    assert f"data directory: {tmp_path}\n" in out


def test_default_is_the_platform_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    paths = resolve_paths(None, {})
    assert paths.data_dir == tmp_path / "levelup-pos"


def test_paths_create_private_directories(tmp_path):
    paths = resolve_paths(tmp_path / "home", {}).create()
    assert paths.log_dir.is_dir()
    assert paths.data_dir.stat().st_mode & 0o077 == 0
    assert paths.settings_file.parent == paths.data_dir


def test_calc_shows_the_proposed_order(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, "calc", "22.00", "2.00", "0", "10")
    assert status == 0
    assert out.splitlines() == [
        "proposed order",
        "  spend_amount            1000  ($10.00)",
        "  tax_amount                 0  ($0.00)",
        "  exemption_amount           0  ($0.00)",
    ]


def test_calc_shows_the_completed_order_with_a_discount(monkeypatch, capsys):
    _, out, _ = run(monkeypatch, capsys, "calc", "10.90", "1.90", "0", "12", "--discount", "1")
    assert "completed order" in out and "1190  ($11.90)" in out


def test_calc_refuses_what_is_not_an_amount(monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, "calc", "ten", "0", "0", "0")
    assert status == 2
    assert "'ten' is not an amount" in err


def test_code_describes_a_code_without_showing_it(monkeypatch, capsys):
    code = "LU0200018SECH4O89A4NBOT70310A3LU"
    status, out, _ = run(monkeypatch, capsys, "code", stdin=code + "\n")
    assert status == 0
    assert "LU02…T703…LU" in out and "tip:    $0.10" in out and "colour: 3" in out
    assert code not in out and "SECH4O89A4" not in out


@pytest.mark.parametrize(
    ("stdin", "status", "says"),
    [
        ("LU0200018SECH4O89A4NBOT7030050LU\n", 0, "5% of the spend"),
        ("LU0200018SECH4O89A4NBOT7\n", 0, "carries no preferences"),
        ("012345678905\n", 1, "Not a LevelUp code"),
        ("LU0200018SECH\n", 1, "Not a valid LevelUp code: This LevelUp code has 13 characters"),
    ],
)
def test_code_tells_codes_from_barcodes(monkeypatch, capsys, stdin, status, says):
    result, out, _ = run(monkeypatch, capsys, "code", stdin=stdin)
    assert result == status and says in out


def test_code_with_nothing_read(monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, "code", stdin="")
    assert status == 2 and "nothing was read" in err


def test_bare_command_opens_the_register_window_and_closes_on_sigterm(tmp_path):
    """As a store PC starts it: a demo register (never set up), ready for scans, then
    stopped by the system; it closes cleanly."""
    data = tmp_path / "data"
    log = data / "logs" / "levelup-pos.log"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    command = [str(Path(sys.executable).with_name("levelup-pos")), "--data-dir", str(data)]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        try:
            deadline = time.monotonic() + 30
            while not (log.exists() and "ready for scans" in log.read_text()):
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the register was not ready within 30 s"
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
        finally:
            process.kill()
    assert "demo = true" in (data / "settings.toml").read_text()
    assert (data / "journal.sqlite3").exists()


def test_console_script_is_installed_and_reports_its_version():
    script = Path(sys.executable).with_name("levelup-pos")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"levelup-pos {__version__}"


def test_code_with_standard_input_closed(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", None)
    assert cli.main(["code"]) == 2
    assert "nothing was read" in capsys.readouterr().err


def test_api_ping_against_a_fresh_sandbox(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, "api", "--sandbox", "ping")
    assert status == 0
    assert out.count("[ok]") == 3


def test_api_ping_reports_the_failing_step(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, "api", "--sandbox", "--location", "30", "ping")
    assert status == 1
    assert "[FAIL] Location 30 is not one this merchant manages" in out


def test_api_needs_a_token_without_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv("LEVELUP_POS_MERCHANT_TOKEN", raising=False)
    status, _, err = run(monkeypatch, capsys, "api", "--url", "http://127.0.0.1:1", "ping")
    assert status == 2
    assert "Set LEVELUP_POS_MERCHANT_TOKEN" in err


def test_api_location_from_the_environment_must_be_a_number(monkeypatch, capsys):
    monkeypatch.setenv("LEVELUP_POS_LOCATION", "main")
    status, _, err = run(monkeypatch, capsys, "api", "--sandbox", "ping")
    assert status == 2 and "must be a location id" in err


def test_api_order_shows_an_order(monkeypatch, capsys, server):
    server.reset()
    seed = server.ledger.seed_view()
    token = seed["merchants"][0]["access_token"]
    code = seed["customers"][0]["payment_token_data"]
    headers = {"Authorization": f"token {token}"}
    body = {
        "location_id": 19,
        "payment_token_data": code,
        "spend_amount": 1234,
        "tax_amount": 0,
        "identifier_from_merchant": "2611230005",
        "register": "2",
    }
    proposed = httpx.post(
        f"{server.url}/v15/proposed_orders", headers=headers, json={"proposed_order": body}
    ).json()["proposed_order"]["uuid"]
    order = httpx.post(
        f"{server.url}/v15/completed_orders",
        headers=headers,
        json={
            "completed_order": {
                **body,
                "proposed_order_uuid": proposed,
                "applied_discount_amount": 0,
            }
        },
    ).json()["order"]["uuid"]
    monkeypatch.setenv("LEVELUP_POS_MERCHANT_TOKEN", token)
    status, out, _ = run(monkeypatch, capsys, "api", "--url", server.url, "order", order)
    assert status == 0
    assert f"order           {order}" in out
    assert "check           2611230005" in out and "register        2" in out
    assert "spend           $12.34" in out and "refunded        no" in out
    assert token not in out and code not in out

    status, _, err = run(monkeypatch, capsys, "api", "--url", server.url, "order", "nope")
    assert status == 1
    assert "could not find that order" in err and "HTTP 404" in err
