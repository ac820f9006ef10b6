"""What the status bar shows, kept up to date: whether LevelUp answers (asked on a thread of
its own every 30 s), how many payments are queued offline or unknown and how many sales owe
money again (counted on the engine lane after every payment), the offline queue forwarded
whenever LevelUp answers, and unknown payments asked about again every few seconds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pos_app.domain import TenderStatus
from pos_app.engine import Engine
from pos_app.levelup.errors import LevelUpError
from pos_app.ui.lane import Lane
from pos_app.ui.problems import Health
from pos_app.ui.qt import QObject, QTimer, Signal

STATUS_EVERY_MS = 30_000
SETTLE_EVERY_MS = 5_000
"""How often LevelUp is asked again about payments whose outcome is not known."""


class HealthWatch(QObject):
    changed = Signal(object)  # Health

    def __init__(
        self,
        engine: Engine,
        lane: Lane,
        probe: Callable[[], object],
        fail: Callable[[Exception], None],
        parent: QObject | None = None,
    ) -> None:
        """``probe`` asks LevelUp something harmless; it raises when LevelUp is not reached.
        ``lane`` is the engine's; ``fail`` tells what went wrong."""
        super().__init__(parent)
        self.health = Health()
        self._engine, self._lane, self._probe, self._fail = engine, lane, probe, fail
        self._io = Lane("levelup-probe", self)
        self._io.unhandled.connect(fail)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(STATUS_EVERY_MS)
        self._settler = QTimer(self)
        self._settler.timeout.connect(self.settle)
        self._settler.start(SETTLE_EVERY_MS)

    def close(self) -> None:
        self._timer.stop()
        self._settler.stop()
        self._io.close()

    def check(self) -> None:
        """Ask LevelUp whether it answers (never on the engine lane), count again, and
        forward the offline queue once LevelUp is back."""

        def answered(_: object) -> None:
            self._set(replace(self.health, reachable=True))
            # Whatever the count said a moment ago: the queue may have grown since.
            self._lane.run(self._engine.forward_offline, lambda _: self.count())

        def unanswered(error: Exception) -> None:
            self._set(replace(self.health, reachable=False))
            if not isinstance(error, LevelUpError):
                self._fail(error)

        self.count()
        self._io.run(self._probe, answered, unanswered)

    def count(self) -> None:
        """Count the queued, unknown and owing payments again."""

        def counted() -> Health:
            waiting = self._engine.unfinished()
            return replace(
                self.health,
                queued=waiting[TenderStatus.QUEUED] + waiting[TenderStatus.FORWARDING],
                unknown=waiting[TenderStatus.UNKNOWN] + waiting[TenderStatus.COMPLETING],
                owing=len(self._engine.owing()),
            )

        self._lane.run(
            counted,
            lambda health: self._set(replace(health, reachable=self.health.reachable)),
            self._fail,
        )

    def settle(self) -> None:
        """While payments are unknown, ask LevelUp about them again (on the engine lane,
        when it is free), so a customer at the counter is not kept waiting for a manager."""
        if self.health.unknown and self._lane.idle:
            self._lane.run(self._engine.recover, lambda _: self.count(), self._fail)

    def _set(self, health: Health) -> None:
        if health != self.health:
            self.health = health
            self.changed.emit(health)
