"""The transaction engine: pure Python, talking to LevelUp and the journal through ports."""

from pos_app.engine.engine import (
    SETTINGS_TARGET,
    ApprovalRequired,
    CheckNotFound,
    Engine,
    EngineError,
    EngineSettings,
    ForwardReport,
    IllegalTransition,
    RecoveryReport,
)
from pos_app.engine.events import CheckUpdated, EngineEvent, PaymentProblem, RemainderDue
from pos_app.engine.model import (
    ApprovalAction,
    CheckRecord,
    CheckState,
    JournalEvent,
    ManagerApproval,
    OfflinePolicy,
    TenderInfo,
)

__all__ = [
    "SETTINGS_TARGET",
    "ApprovalAction",
    "ApprovalRequired",
    "CheckNotFound",
    "CheckRecord",
    "CheckState",
    "CheckUpdated",
    "Engine",
    "EngineError",
    "EngineEvent",
    "EngineSettings",
    "ForwardReport",
    "IllegalTransition",
    "JournalEvent",
    "ManagerApproval",
    "OfflinePolicy",
    "PaymentProblem",
    "RecoveryReport",
    "RemainderDue",
    "TenderInfo",
]
