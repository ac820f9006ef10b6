"""The composition root: the one module that wires every layer together.

A :class:`Terminal` is a register's working parts on one data directory: the secret store,
the journal, the LevelUp client and the engine. What it connects to is in ``settings.toml``
(:mod:`pos_app.host.settings`); the merchant token and the journal's data key are in the secret
store, never in a settings file.

A demo data directory remembers the sandbox it used: a URL, or ``embedded`` for a sandbox
this process starts itself. An embedded sandbox keeps its state beside the data directory
(``<data dir>-sandbox/state.json``), so that ``levelup-pos recover`` can bring the same
LevelUp back; not inside it, since that state is LevelUp's, payment codes and merchant tokens
included.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

from pydantic import SecretStr

from pos_app.app.catalog import CatalogError, catalog_file, load_discounts
from pos_app.app.email_payments import AppCredentials, EmailPayments, keep_app_credentials
from pos_app.app.journals import open_journal
from pos_app.app.receipts import ReceiptDesk
from pos_app.app.reports import ReportDesk
from pos_app.app.sandbox_admin import SandboxAdmin, SandboxAdminError
from pos_app.app.shipping import Shipper
from pos_app.app.store_copy import StoreCopier
from pos_app.app.store_learn import store_learning
from pos_app.domain import TaxClass, TaxTable
from pos_app.engine import (
    DiscountPolicy,
    DiscountPreset,
    Engine,
    EngineSettings,
    ManagerApproval,
    OfflinePolicy,
    RecoveryReport,
)
from pos_app.engine.staff import Role
from pos_app.host.instance import DataDirectoryBusy, WriterLock
from pos_app.host.logs import register_secret
from pos_app.host.paths import Paths
from pos_app.host.secrets import MERCHANT_TOKEN, SecretStore, SecretStoreError, open_secret_store
from pos_app.host.settings import (
    EMBEDDED,
    Settings,
    SettingsError,
    load_settings,
    set_settings,
)
from pos_app.journal import JournalUnusable
from pos_app.journal.staff import SqliteStaff
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.reports import Report


class TerminalError(Exception):
    """The terminal cannot start as configured; the message says why and what to do."""


STARTUP_ERRORS = (
    TerminalError,
    JournalUnusable,
    SettingsError,
    CatalogError,
    DataDirectoryBusy,
    SecretStoreError,
    OSError,
)
"""What stops a register from starting with a message meant for whoever starts it (anything
else is a bug, and is logged in full)."""


def engine_settings(settings: Settings, presets: tuple[DiscountPreset, ...] = ()) -> EngineSettings:
    """What the engine needs to know of the register's settings (and of its catalog, the
    discount ``presets``)."""
    levelup, offline, discounts = settings.levelup, settings.offline, settings.discounts
    if levelup.location_id is None or levelup.merchant_id is None:
        raise TerminalError(
            "This register is not set up for LevelUp yet: run levelup-pos setup (or set "
            "levelup.location_id and levelup.merchant_id)."
        )
    return EngineSettings(
        location_id=levelup.location_id,
        merchant_id=levelup.merchant_id,
        register=settings.register_.id,
        levelup_enabled=levelup.enabled,
        comp_needs_approval=settings.register_.comp_needs_manager,
        tax_table=TaxTable.of(TaxClass("food", settings.register_.tax_rate, "Sales tax")),
        offline=OfflinePolicy(
            enabled=offline.enabled,
            max_order=offline.max_order,
            max_total=offline.max_total,
            max_count=offline.max_count,
            max_age=timedelta(hours=offline.max_age_hours),
        ),
        discounts=DiscountPolicy(presets, discounts.max_percent, discounts.max_amount),
    )


DEMO_ACCEPT_AFTER = 2.0
"""Seconds before a demo customer accepts a request to pay by email (the embedded sandbox)."""


class Terminal:
    """A register's secret store, journal, LevelUp client, engine and receipts desk, with its data
    directory's writer lock (``what`` says who holds it). Close it when done."""

    def __init__(
        self,
        paths: Paths,
        config: Settings,
        *,
        key_path: Path | None = None,
        settle_after: timedelta | None = None,
        what: str = "the register window",
    ) -> None:
        self.paths = paths.create()
        self.config = config
        self._stack = ExitStack()
        try:
            self._stack.enter_context(WriterLock(self.paths, what))
            self.secrets: SecretStore = open_secret_store(self.paths.data_dir, key_path)
            url = config.levelup.base_url
            if url == EMBEDDED:
                from pos_app.sandbox import Ledger, start_embedded

                # Demo customers accept a request to pay by email by themselves.
                sandbox = start_embedded(
                    Ledger.open(self.sandbox_state), accept_after=DEMO_ACCEPT_AFTER
                )
                self._stack.callback(sandbox.stop)
                url = sandbox.url
            self.levelup_url = url
            token = self.secrets.get(MERCHANT_TOKEN)
            if token is None:
                raise TerminalError(
                    "This register is not signed in to LevelUp (no merchant token)."
                )
            register_secret(token)  # masked in every log line and crash report
            self.client = LevelUpClient(ClientConfig(base_url=url, merchant_token=SecretStr(token)))
            self._stack.callback(self.client.close)
            self.journal = open_journal(
                self.paths, terminal_id=config.register_.id, codes=True, secrets=self.secrets
            )
            self._stack.callback(self.journal.close)
            self.shipper: Shipper | None = None
            """Ships the journal to the store server (``store.url``); started by whoever runs
            the register. A server that is down or refuses never stops the register."""
            if config.store.url:
                self.shipper = Shipper.of(self.journal, config, self.secrets)
                self._stack.callback(self.shipper.close)
            self.store_copy: StoreCopier | None = None
            """Staff, catalog and store-wide settings fetched from the store server in the
            background (a server that is down only leaves the last copy in use)."""
            if config.store.url and config.levelup.location_id:
                self.store_copy = StoreCopier.of(self.paths, self.journal, config, self.secrets)
                self.store_copy.start()
                self._stack.callback(self.store_copy.close)
            settings = engine_settings(config, load_discounts(catalog_file(self.paths.data_dir)))
            if settle_after is not None:
                settings = replace(settings, settle_after=settle_after)
            learning = store_learning(config, self.secrets)
            if learning is not None:
                self._stack.callback(learning.close)
            self.engine = Engine(
                self.journal, self.client, settings, staff=SqliteStaff(self.journal), store=learning
            )
            self.email_payments = EmailPayments(
                self.client,
                lambda: AppCredentials.of(self.secrets),
                timeout=config.levelup.email_wait,
            )
            """Asks customers paying by email for their permission, off the engine's lane."""
            self.receipts = ReceiptDesk(self.journal, config, self.secrets)
            """Receipts, printer and drawer; started by whoever prints (the window, the demo)."""
            self._stack.callback(self.receipts.close)
            self.reports = ReportDesk.of(
                self.journal,
                config,
                self.client,
                engine=self.engine,
                print_receipt=self._print_report,
            )
            """The X and Z reports of this register."""
            # Every start settles what a previous run left unfinished (nothing is lost).
            self.recovery = self.engine.recover()
        except BaseException:
            self._stack.close()
            raise

    def _print_report(self, report: Report) -> str:
        from pos_app.reports.printout import report_receipt

        receipt = report_receipt(report, width_mm=self.config.printer.width)
        return self.receipts.print_document(receipt)

    @property
    def sandbox_state(self) -> Path:
        return sandbox_state_file(self.paths)

    def change_settings(
        self,
        approval: ManagerApproval,
        changes: Mapping[str, str],
        environ: Mapping[str, str] = os.environ,
    ) -> Settings:
        """Change this register's settings (``section.key`` strings) with an admin's approval:
        the change is audited in the journal, then ``settings.toml`` is written in one
        validated write, and the settings in force (``environ`` and the provisioning file
        included) become :attr:`config`. Run it on the engine lane (the journal's thread).
        What the engine was started with (register id, location, offline policy) stays until
        the register restarts."""
        self.engine.confirm_settings_change(approval, ", ".join(sorted(changes)))
        self.config = set_settings(self.paths, environ, changes)
        return self.config

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def sandbox_state_file(paths: Paths) -> Path:
    """Where an embedded sandbox keeps its state for this data directory (outside it)."""
    legacy = paths.data_dir.with_name(paths.data_dir.name + "-sandbox.json")  # as 0.1.0 had it
    if legacy.exists():
        return legacy
    # A folder of its own, which an installer can make writable by the register's users.
    folder = paths.data_dir.with_name(paths.data_dir.name + "-sandbox")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / "state.json"


def sign_in_to_sandbox(
    paths: Paths,
    sandbox_url: str | None,
    environ: Mapping[str, str],
    *,
    key_path: Path | None = None,
) -> Settings:
    """Configure ``paths`` as a demo register of the sandbox's demo merchant, and return the
    settings in force (the provisioning file and ``environ`` included).

    ``None`` means a sandbox embedded in this process, its state kept in the data directory.
    """
    from pos_app.sandbox import Ledger

    paths.create()
    if sandbox_url is None:
        seed = Ledger.open(sandbox_state_file(paths)).seed_view()
    else:
        try:
            with SandboxAdmin(sandbox_url) as admin:
                seed = admin.seed()
        except SandboxAdminError as exc:
            raise TerminalError(f"No LevelUp sandbox answers at {sandbox_url} ({exc}).") from None
    merchant = seed["merchants"][0]
    secrets = open_secret_store(paths.data_dir, key_path)
    secrets.set(MERCHANT_TOKEN, merchant["access_token"])
    keep_app_credentials(secrets, seed["app"]["api_key"], seed["app"]["client_secret"])
    return set_settings(
        paths,
        environ,
        {
            "levelup.base_url": sandbox_url or EMBEDDED,
            "levelup.location_id": str(merchant["locations"][0]["id"]),
            "levelup.merchant_id": str(merchant["id"]),
            "levelup.demo": "true",
        },
    )


DEMO_STAFF: list[tuple[str, str, Role, str]] = [
    ("1", "Demo Cashier", Role.CASHIER, "1111"),
    ("9", "Demo Manager", Role.ADMIN, "9999"),
]
"""Who works at a demo register (published on purpose, like the sandbox's demo merchant)."""


def retire_demo_staff(paths: Paths) -> list[str]:
    """Disable the demo staff (whose PINs are published) of a register that was a demo;
    returns their ids. Real staff with the same ids but other names are left alone."""
    if not paths.journal_file.exists():
        return []
    journal = open_journal(paths, terminal_id="setup", codes=False)
    try:
        staff = SqliteStaff(journal)
        demo = {(staff_id, name) for staff_id, name, _, _ in DEMO_STAFF}
        retired = [
            member.staff_id
            for member in staff.members()
            if member.active and (member.staff_id, member.name) in demo
        ]
        for staff_id in retired:
            staff.disable(staff_id)
        return retired
    finally:
        journal.close()


def open_register(
    paths: Paths, environ: Mapping[str, str], *, key_path: Path | None = None
) -> Terminal:
    """The terminal the cashier window runs: as configured, or, when this data directory was
    never set up, a demo register of an embedded sandbox with demo staff."""
    config = load_settings(paths, environ)
    if config.levelup.location_id is None and not paths.settings_file.exists():
        config = sign_in_to_sandbox(paths, None, environ, key_path=key_path)
    terminal = Terminal(paths, config, key_path=key_path)
    if config.levelup.demo and AppCredentials.of(terminal.secrets) is None:
        from pos_app.sandbox.seed import DEMO_API_KEY, DEMO_CLIENT_SECRET

        keep_app_credentials(terminal.secrets, DEMO_API_KEY, DEMO_CLIENT_SECRET)  # made before
    if config.levelup.demo:
        staff = SqliteStaff(terminal.journal)
        known = {member.staff_id for member in staff.members()}
        for staff_id, name, role, pin in DEMO_STAFF:
            if staff_id not in known:
                staff.add(staff_id, name, role, pin)
    return terminal


def recover_fully(
    engine: Engine,
    report: RecoveryReport,
    wait: Callable[[float], None],
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RecoveryReport:
    """Recover again after the settle window of every payment not found yet, until LevelUp
    has settled them all or cannot be asked; ``wait(seconds)`` waits (and may say so)."""
    resolved = list(report.resolved)
    while report.waiting_only and report.wait_until is not None:
        wait(max(0.0, (report.wait_until - now()).total_seconds()))
        report = engine.recover()
        resolved += report.resolved
    report.resolved = resolved
    return report
