"""The store server's entry in the status bar: whether the register's journal is all on the
server, how many events wait and why; and the shipper's status, heard on its thread, as a
signal on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from pos_app.app.shipping import Shipper, ShipStatus
from pos_app.ui.qt import QObject, Signal


def store_words(status: ShipStatus | None) -> tuple[str, str]:
    """The store entry's text and role ("" when this register has no store server)."""
    if status is None:
        return "", ""
    if status.problem:
        why = "cannot be reached" if status.reachable is False else "refused"
        if not status.pending:
            return f"Store: {why}", "bad"
        return f"Store: {status.pending} waiting — {why}", "bad"
    if status.pending is None:
        return "Store: connecting…", "warn"
    if status.pending:
        return f"Store: sending {status.pending}", "warn"
    return "Store: up to date", "ok"


def store_tip(status: ShipStatus | None) -> str:
    """The full story for the entry's tooltip (the server's address never holds a password)."""
    if status is None:
        return ""
    parts = [f"The store server holds this register's events up to {status.shipped_seq}."]
    if status.shipped_at is not None:
        parts.append(f"Last shipped at {status.shipped_at.astimezone():%H:%M:%S}.")
    if status.problem:
        parts.append(f"{status.problem.rstrip('.')}. Sales go on; the register keeps trying.")
    return " ".join(parts)


class ShipperBridge(QObject):
    """A shipper's status changes (heard on its thread) as a signal."""

    status_changed = Signal(object)  # ShipStatus

    def __init__(self, shipper: Shipper) -> None:
        super().__init__()
        self._stop: Callable[[], None] | None = shipper.subscribe(self.status_changed.emit)

    def close(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None
