"""A local LevelUp v15 server: the embedded default the terminal runs against, and the real
server every client, engine and UI test talks to over loopback.

``start_embedded()`` serves it on a free loopback port in a thread; ``levelup-pos sandbox``
serves it in the foreground.
"""

from pos_app.sandbox.faults import FaultBook, FaultRule
from pos_app.sandbox.http import create_app
from pos_app.sandbox.ledger import Ledger
from pos_app.sandbox.rejections import Rejection
from pos_app.sandbox.server import RunningSandbox, serve, start_embedded

__all__ = [
    "FaultBook",
    "FaultRule",
    "Ledger",
    "Rejection",
    "RunningSandbox",
    "create_app",
    "serve",
    "start_embedded",
]
