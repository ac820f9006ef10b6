"""The cashier window (PySide6): the only package that imports Qt, and only through
:mod:`pos_app.ui.qt`. It reaches the journal, the LevelUp client and the sandbox only through
:mod:`pos_app.app`.

Widgets run on the GUI thread and nothing else does there: engine commands run in order on
one worker, the engine lane (:mod:`pos_app.ui.lane`), and their results and the engine's
events come back as Qt signals (:mod:`pos_app.ui.bridge`). Scanner bursts typed by a
keyboard-wedge scanner are caught before any text field sees them (:mod:`pos_app.ui.wedge`).
"""
