"""The report of a day with offline payments (forwarded, declined, still waiting) and a LevelUp
payment whose answer was lost, against the sandbox: counted where they belong, and the charge
LevelUp made for the unknown one named in plain words by the reconciliation."""

from __future__ import annotations

import pytest

from pos_app.app.reports import ReportDesk
from pos_app.domain import TenderStatus
from pos_app.reports import MismatchKind
from tests.engine.support import Register
from tests.engine.test_drawer import at_noon
from tests.engine.test_failures import POLICY, pay


@pytest.fixture
def register(server, tmp_path):
    server.reset()
    register = Register(server, tmp_path, offline=POLICY)
    at_noon(register)
    yield register
    register.close()


def desk(register: Register) -> ReportDesk:
    return ReportDesk(
        register.journal,
        "3",
        location_id=19,
        merchant_id=1,
        gateway=register.client,
        engine=register.engine,
    )


def test_offline_and_unknown_payments_are_reported_and_reconciled(register):
    register.fault(path="*", status=503)
    pay(register, "Ada", 3000)  # queued, then forwarded and approved
    pay(register, "Finn", 1000)  # queued, then declined by LevelUp
    register.admin.delete("/sandbox/faults")
    register.engine.forward_offline()
    register.fault(path="*", status=503)
    waiting, _ = pay(register, "Hal", 1500)  # queued, still waiting
    register.admin.delete("/sandbox/faults")
    register.fault(path="/v15/completed_orders", drop="after_commit", times=1)
    register.fault(path="/v14/locations/*", status=503, times=2)
    lost, lost_id = pay(register, "Ada", 700)
    assert lost.tender(lost_id).status is TenderStatus.UNKNOWN

    report = desk(register).x_report(register.engine.days.today())
    assert (report.offline.forwarded.count, report.offline.forwarded.amount) == (1, 3000)
    assert report.offline.declined.count == 1
    assert (report.offline.waiting.count, report.offline.waiting.amount) == (1, 1500)
    [unknown] = report.unknown
    assert (unknown.check, unknown.status) == (lost.check.identifier, "unknown")

    rec = report.reconciliation
    assert rec.checked, rec.problem
    charged = [d for d in rec.details if d.kind is MismatchKind.MISSING_IN_JOURNAL]
    assert [d.check for d in charged] == [lost.check.identifier]
    assert "does not know the outcome" in charged[0].text and "$7.00" in charged[0].text
    assert rec.matched == 1  # the forwarded payment; the waiting one is not at LevelUp yet
    assert waiting.check.identifier not in {d.check for d in rec.details}
    assert any("not known yet" in note for note in report.notes)
    assert any("not confirmed by LevelUp" in note for note in report.notes)


def test_levelup_down_leaves_the_figures_and_says_it_was_not_reconciled(register):
    pay(register, "Ada", 1200)
    register.fault(path="/v14/locations/*", status=503)
    report = desk(register).x_report(register.engine.days.today())
    assert not report.reconciliation.checked
    assert "could not be asked" in report.reconciliation.problem
    assert report.checks == 1 and report.tenders[0].amount == 1200
    assert any(note.startswith("Not reconciled with LevelUp") for note in report.notes)
