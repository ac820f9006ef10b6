"""``keyboard://``: telling a wedge scanner's typing from a person's.

A keyboard-wedge scanner types a code faster than anyone can (a few milliseconds a key) and
ends it with Enter or Tab. :class:`BurstDetector` is fed every key with its time and answers,
key by key, what to do: hold it (it may be part of a scan), hand held keys back as
:class:`Typed` text (a person is typing: a pause came, or the run was too short), or report a
:class:`Scanned` label (the run was fast, long enough, and ended by a terminator), which then
never reaches a text field. Call :meth:`BurstDetector.tick` when no key came, so held keys go
back to the person within ``max_gap``.

It is pure: the Qt side feeds it from an application-wide event filter.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTER = "\r"
TAB = "\t"


@dataclass(frozen=True)
class Typed:
    """Keys that were a person's typing, to pass on as they were."""

    text: str


@dataclass(frozen=True)
class Scanned:
    """A code a scanner typed."""

    label: str


Decision = Typed | Scanned


class BurstDetector:
    """``max_gap`` (seconds) is the longest pause inside a scan; ``min_length`` the fewest
    characters a scan has; ``terminators`` the keys a scanner ends codes with."""

    def __init__(
        self,
        max_gap: float = 0.05,
        min_length: int = 4,
        terminators: str = ENTER + TAB,
    ) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.terminators = terminators
        self._held: list[str] = []
        self._last: float | None = None

    def feed(self, key: str, now: float) -> list[Decision]:
        """Decide about ``key`` pressed at ``now``; returns what to do, in order."""
        out = self.tick(now)
        if not key:
            return out  # a modifier (Shift): scanners press it for every capital letter
        if key in self.terminators:
            held, self._held = "".join(self._held), []
            self._last = None
            if len(held) >= self.min_length:
                return [*out, Scanned(held)]
            return [*out, Typed(held + key)]
        if len(key) != 1 or not key.isprintable():
            # Arrows, Escape, function keys: a person's. Release what was held with them.
            held, self._held = "".join(self._held), []
            self._last = None
            return [*out, Typed(held + key)] if held or key else out
        self._held.append(key)
        self._last = now
        return out

    def tick(self, now: float) -> list[Decision]:
        """No key since the last one: after ``max_gap`` the held keys were a person's."""
        if self._held and self._last is not None and now - self._last > self.max_gap:
            held, self._held = "".join(self._held), []
            self._last = None
            return [Typed(held)]
        return []

    @property
    def holding(self) -> bool:
        return bool(self._held)
