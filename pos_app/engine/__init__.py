"""The transaction engine: pure Python, talking to LevelUp and the journal through ports."""

from pos_app.engine.approvals import SETTINGS_TARGET
from pos_app.engine.days import (
    DAY_TARGET,
    BusinessDays,
    Calendar,
    ClosedDay,
    DayAlreadyClosed,
    closed_days,
    journal_days,
)
from pos_app.engine.discounts import DiscountRequest
from pos_app.engine.drawer import DRAWER_TARGET, CashDrawer, DrawerCash, DrawerMovement, Tally
from pos_app.engine.engine import Engine, local_day
from pos_app.engine.errors import ApprovalRequired, CheckNotFound, EngineError, IllegalTransition
from pos_app.engine.eventlog import AUDITED, Changes, EventKind, JournalEvent
from pos_app.engine.events import CheckUpdated, EngineEvent, PaymentProblem, RemainderDue
from pos_app.engine.model import (
    ApprovalAction,
    CheckRecord,
    CheckState,
    DiscountPolicy,
    DiscountPreset,
    EngineSettings,
    ManagerApproval,
    OfflinePolicy,
    TenderInfo,
)
from pos_app.engine.offline import ForwardReport
from pos_app.engine.recovery import RecoveryReport
from pos_app.engine.shifts import SHIFT_TARGET, Shift, ShiftCash, ShiftClose, Shifts

__all__ = [
    "AUDITED",
    "DAY_TARGET",
    "DRAWER_TARGET",
    "SETTINGS_TARGET",
    "SHIFT_TARGET",
    "ApprovalAction",
    "ApprovalRequired",
    "BusinessDays",
    "Calendar",
    "CashDrawer",
    "Changes",
    "CheckNotFound",
    "CheckRecord",
    "CheckState",
    "CheckUpdated",
    "ClosedDay",
    "DayAlreadyClosed",
    "DiscountPolicy",
    "DiscountPreset",
    "DiscountRequest",
    "DrawerCash",
    "DrawerMovement",
    "Engine",
    "EngineError",
    "EngineEvent",
    "EngineSettings",
    "EventKind",
    "ForwardReport",
    "IllegalTransition",
    "JournalEvent",
    "ManagerApproval",
    "OfflinePolicy",
    "PaymentProblem",
    "RecoveryReport",
    "RemainderDue",
    "Shift",
    "ShiftCash",
    "ShiftClose",
    "Shifts",
    "Tally",
    "TenderInfo",
    "closed_days",
    "journal_days",
    "local_day",
]
