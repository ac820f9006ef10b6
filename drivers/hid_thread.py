"""The one thread every hidapi call runs on, enumeration included.

hidapi is not thread-safe, so (as Electrum's ``run_in_hwd_thread`` does) every call into the
``hid`` module goes through one single-worker executor, whichever thread asks: the GUI opening
a scanner, a helper listing devices, a scanner's reader thread. A call made on that thread
itself runs at once, so a call that makes another never waits for itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

THREAD_NAME = "hidapi"

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_worker: threading.Thread | None = None


def run_in_hid_thread(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``call(*args, **kwargs)`` on the hidapi thread; its result, or what it raised.

    Once the interpreter is shutting down no call can be made any more: that raises
    :class:`OSError`, as a device that went away does.
    """
    if threading.current_thread() is _worker:
        return call(*args, **kwargs)
    try:
        future = _hid_executor().submit(call, *args, **kwargs)
    except RuntimeError as exc:  # "cannot schedule new futures after (interpreter) shutdown"
        raise OSError(f"hidapi can no longer be called ({exc})") from None
    return future.result()


def _hid_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=THREAD_NAME, initializer=_remember_worker
            )
        return _executor


def _remember_worker() -> None:
    global _worker
    _worker = threading.current_thread()
