"""Who paid: the name LevelUp shows merchants for each approved LevelUp payment ("First L.",
its order's ``user_display_name``), kept with the tender's notes.

LevelUp's payment answer does not carry the name, and asking for it must never hold up a
payment, so it is asked in two steps after the approval is committed: :meth:`Payers.ask`
asks LevelUp, from any thread, without the journal and without holding the engine's lock
while LevelUp answers; :meth:`Payers.record` journals the answers where every command runs
(the engine's lane), since the journal has one connection for every thread. A lost answer
found at LevelUp brings its name along. The payments wanted are those approved since the
engine started and, from the first recovery on, those of the last day in the journal; one
LevelUp cannot tell about after a few tries is left nameless.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta

from pos_app.domain import TenderKind
from pos_app.engine.eventlog import EventKind
from pos_app.engine.events import CheckUpdated, EngineEvent
from pos_app.engine.model import CheckRecord, EngineSettings
from pos_app.engine.ports import PaymentGateway
from pos_app.engine.recorder import Recorder
from pos_app.levelup.errors import LevelUpError

TRIES = 3
"""How often a payment's name is asked for before it is left unknown."""
LOOK_BACK = timedelta(days=1)
"""How far back the journal is read, once, for payments whose name was never asked."""


@dataclass(frozen=True)
class PayerAnswer:
    """What LevelUp said of who made one payment: ``payer`` "" when it has no name, None
    when it could not be asked."""

    check_id: str
    tender_id: str
    order_uuid: str
    payer: str | None = None


class Payers:
    def __init__(
        self,
        recorder: Recorder,
        gateway: PaymentGateway,
        settings: EngineSettings,
        lock: threading.RLock,
    ) -> None:
        """``lock``: the engine's, held only while the wanted payments are read."""
        self._recorder = recorder
        self._gateway = gateway
        self._settings = settings
        self._lock = lock
        self._wanted: dict[str, PayerAnswer] = {}
        self._tries: Counter[str] = Counter()
        self._done: set[str] = set()
        """Payments asked about already (named, or left nameless)."""
        self._looked_back = False
        recorder.subscribe(self._heard)

    def look_back(self) -> None:
        """Once: want the names of the last day's payments in the journal (a restart)."""
        if not self._looked_back:
            self._looked_back = True
            since = self._recorder.clock() - LOOK_BACK
            for record in self._recorder.journal.opened_since(since):
                self._want(record)

    def ask(self) -> tuple[PayerAnswer, ...]:
        """Ask LevelUp who made each payment whose name is wanted."""
        with self._lock:
            asks = list(self._wanted.values())
        answers = []
        for ask in asks:
            try:
                order = self._gateway.order_details(self._settings.merchant_id, ask.order_uuid)
            except LevelUpError:
                answers.append(ask)
                continue
            answers.append(replace(ask, payer=order.user_display_name or ""))
        return tuple(answers)

    def record(self, answers: tuple[PayerAnswer, ...]) -> int:
        """Journal the names in ``answers`` (under the engine's lock); how many were named."""
        return sum(self._named(answer) for answer in answers)

    def _named(self, answer: PayerAnswer) -> bool:
        tender_id = answer.tender_id
        if answer.payer is None:
            self._tries[tender_id] += 1
            if self._tries[tender_id] < TRIES:
                return False
        self._wanted.pop(tender_id, None)
        self._tries.pop(tender_id, None)
        self._done.add(tender_id)
        record = self._recorder.load(answer.check_id)
        info = record.info(tender_id)
        if not answer.payer or info.payer:
            return False
        notes = {**record.tender_info, tender_id: replace(info, payer=answer.payer)}
        self._recorder.save(
            replace(record, tender_info=notes),
            self._recorder.event(EventKind.PAYER_NAMED, tender_id, payer=answer.payer),
        )
        return True

    def _heard(self, event: EngineEvent) -> None:
        if isinstance(event, CheckUpdated):
            self._want(event.record)

    def _want(self, record: CheckRecord) -> None:
        """Note the payments of ``record`` LevelUp approved whose payer is not known."""
        for tender in record.check.tenders:
            detail = tender.levelup
            if (
                tender.kind is TenderKind.LEVELUP
                and detail is not None
                and detail.order_uuid is not None
                and not record.info(tender.tender_id).payer
                and tender.tender_id not in self._wanted
                and tender.tender_id not in self._done
            ):
                self._wanted[tender.tender_id] = PayerAnswer(
                    record.check_id, tender.tender_id, detail.order_uuid
                )
