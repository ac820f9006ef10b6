"""The engine lane: jobs in order off the GUI thread, answers on it."""

from __future__ import annotations

import functools
import threading

from PySide6.QtWidgets import QWidget

from pos_app.ui.lane import Lane


def test_jobs_run_in_order_off_the_gui_thread_and_answer_on_it(qtbot):
    lane = Lane("test")
    ran: list[tuple[int, str]] = []
    answered: list[tuple[int, str]] = []

    def job(number: int) -> int:
        ran.append((number, threading.current_thread().name))
        return number

    def answer(number: int) -> None:
        answered.append((number, threading.current_thread().name))

    for number in range(20):
        lane.run(functools.partial(job, number), answer)
    qtbot.waitUntil(lambda: lane.idle)
    assert [n for n, _ in ran] == list(range(20))
    assert all(name.startswith("test") for _, name in ran)
    assert answered == [(n, threading.current_thread().name) for n in range(20)]
    lane.close()


def test_failures_go_to_their_callback_or_to_unhandled(qtbot):
    lane = Lane("test")
    failed: list[Exception] = []
    unhandled: list[Exception] = []
    lane.unhandled.connect(unhandled.append)
    lane.run(lambda: 1 / 0, failed=failed.append)
    lane.run(lambda: [][1])
    qtbot.waitUntil(lambda: lane.idle)
    assert [type(e) for e in failed] == [ZeroDivisionError]
    assert [type(e) for e in unhandled] == [IndexError]
    lane.close()


def test_an_answer_for_a_closed_dialog_is_dropped_and_a_closed_lane_starts_nothing(qtbot):
    lane = Lane("test")
    dialog = QWidget()
    answered: list[object] = []
    gate = threading.Event()
    lane.run(lambda: gate.wait(5), answered.append, owner=dialog)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not _alive(dialog))
    gate.set()
    qtbot.waitUntil(lambda: lane.idle)
    assert answered == []
    lane.close()
    lane.run(lambda: answered.append("late"))
    assert lane.idle
    assert answered == []


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return isValid(widget)
