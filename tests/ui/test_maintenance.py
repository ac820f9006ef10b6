"""Start-up, sign-in, settings, diagnostics and the support bundle."""

from __future__ import annotations

import tomllib

from PySide6.QtGui import QGuiApplication

from pos_app.app.scanners import scanner_test
from pos_app.engine import CheckState
from pos_app.host.paths import Paths
from pos_app.host.secrets import MERCHANT_TOKEN
from pos_app.ui.diagnostics import DiagnosticsDialog
from pos_app.ui.dialogs import ManagerDialog, SignInDialog
from pos_app.ui.launch import Launcher, open_diagnostics, open_settings
from pos_app.ui.settings_screen import SettingsDialog

BURGER_UPC = "012345678905"


def test_the_bare_command_opens_a_demo_register_ready_for_scans(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    launcher = Launcher(Paths(tmp_path / "data"), {})
    launcher.start()
    assert launcher.splash.isVisible()
    try:
        qtbot.waitUntil(lambda: launcher.session is not None, timeout=15_000)
        session = launcher.session
        assert session is not None
        qtbot.waitUntil(lambda: session.till.cashier is not None, timeout=15_000)
        assert session.window.isVisible()
        assert not launcher.splash.isVisible()
        banner = session.window.findChild(type(session.window.message), "demo-banner")
        assert banner is not None
        assert "DEMO MODE" in banner.text()
        qtbot.waitUntil(lambda: session.till.watch.health.reachable is True, timeout=15_000)
        assert session.window.status.levelup.text() == "LevelUp: online"
    finally:
        launcher.close()


def test_a_register_that_cannot_start_says_why(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.sqlite3").write_bytes(b"")  # an emptied journal must never be replaced
    (data / "settings.toml").write_text("[levelup]\nlocation_id = 19\nmerchant_id = 1\n")
    launcher = Launcher(Paths(data), {})
    launcher.start()
    try:
        qtbot.waitUntil(lambda: launcher.exit_code == 1, timeout=15_000)
        assert launcher.session is None
    finally:
        launcher.close()


def test_a_cashier_signs_in_after_a_wrong_pin(cashier):
    cashier.till.sign_out()
    sign_in = cashier.dialog(SignInDialog)
    assert cashier.window.status.cashier.text() == "Not signed in"
    cashier.enter_pin(sign_in, "1", "0000")
    cashier.wait(lambda: sign_in.error.text() == "Wrong PIN.")
    sign_in.reject()  # Escape does not get past sign-in
    assert sign_in.isVisible()
    sign_in.pin.setText("1111")
    cashier.click(sign_in.ok)
    cashier.wait(lambda: not cashier.window.dialogs)
    assert cashier.window.status.cashier.text() == "Demo Cashier"


def test_settings_need_an_admin_and_a_fake_scanner_then_scans(cashier):
    open_settings(cashier.session)
    settings = cashier.dialog(SettingsDialog)
    url = f"fake://?codes={BURGER_UPC}&interval=0.3"
    settings.scanner_url.setEditText(url)
    cashier.click(settings.save)
    manager = cashier.dialog(ManagerDialog)
    cashier.enter_pin(manager, "1", "1111")
    cashier.wait(lambda: "an admin must approve" in manager.error.text())
    cashier.enter_pin(manager, "9", "9999")
    cashier.wait(lambda: not cashier.window.dialogs)
    written = tomllib.loads(cashier.session.terminal.paths.settings_file.read_text())
    assert written["scanner"]["url"] == url
    cashier.wait(lambda: cashier.till.record is not None)  # the fake scanner's burger
    cashier.settle()
    assert [i.name for i in cashier.record.check.items] == ["Burger"]
    assert cashier.window.status.scanner.text().startswith("Scanner: ")
    assert any("scanner scan: upc-a 012345678905" in line for line in cashier.session.scanner_log)


def test_the_scanner_test_reads_one_code_and_masks_payment_codes(cashier):
    assert scanner_test(f"fake://?codes={BURGER_UPC}&interval=0.05", 5) == (
        f"✔ Read product code {BURGER_UPC}"
    )
    code = cashier.code("Ada Card")
    result = scanner_test(f"fake://?codes={code}&interval=0.05", 5)
    assert result.startswith("✔ Read levelup code LU02")
    assert code not in result
    assert scanner_test("fake://?codes=&interval=0.05", 0.2).startswith("The scanner opened")
    assert scanner_test("nope://x", 1).startswith("✘")


def test_diagnostics_show_problems_and_copy_a_redacted_bundle(cashier):
    cashier.fault(path="/v15/proposed_orders", status=500, times=1)
    cashier.tap_item("Burger")
    code = cashier.code("Ada Card")
    cashier.scan_customer("Ada Card")
    cashier.wait(lambda: bool(cashier.till.recent_problems))
    cashier.wait(lambda: cashier.record.check.tenders != ())
    cashier.window.dialogs[-1].accept()
    open_diagnostics(cashier.session)
    diagnostics = cashier.dialog(DiagnosticsDialog)
    cashier.wait(lambda: bool(diagnostics.figures))
    assert diagnostics.figures["events"] > 0
    assert diagnostics.figures["unfinished_payments"] == {}
    diagnostics.problems.setCurrentRow(0)
    assert "500" in diagnostics.problem_detail.toPlainText()
    cashier.click(diagnostics.check)
    cashier.wait(lambda: "✔" in diagnostics.connection.toPlainText())
    cashier.click(diagnostics.copy)
    cashier.wait(lambda: diagnostics.copied.text().startswith("Copied"))
    bundle = QGuiApplication.clipboard().text()
    assert '"versions"' in bundle
    assert '"recent_problems"' in bundle
    token = cashier.session.terminal.secrets.get(MERCHANT_TOKEN)
    assert token
    assert token not in bundle
    assert code not in bundle
    assert cashier.record.state is not CheckState.CLOSED
