"""The one door to Qt: every other module of :mod:`pos_app.ui` takes its Qt names from here,
and no module outside the package imports Qt at all.

So a binding's version pin, a workaround or a move to another binding has one home. The
binding is PySide6 (its ``shiboken6`` only for :func:`isValid`). One release is refused here:
PySide6 6.12.0's ``Signal.emit`` returns ``True`` without taking a new reference, so every emit
takes one from ``True``, and on Python 3.11 the process aborts (``bool_dealloc``) after some
thousands of signals, within hours of a register's day. ``pyproject.toml`` keeps it out of
installs (``!=6.12.0``); :func:`check_binding` stops a register that got it anyway, before the
first window opens, with words that say what to do. ``tests/ui/test_qt_binding.py`` checks the
binding in use does not leak.
"""

from __future__ import annotations

import PySide6
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal, SignalInstance, qVersion
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIntValidator,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QScreen,
    QShortcut,
    QShowEvent,
    QWindow,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStatusBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

__all__ = [
    "UNFIT_BINDINGS",
    "QAbstractItemView",
    "QApplication",
    "QBoxLayout",
    "QButtonGroup",
    "QCheckBox",
    "QCloseEvent",
    "QColor",
    "QComboBox",
    "QDialog",
    "QEvent",
    "QFileDialog",
    "QFont",
    "QFontMetrics",
    "QFormLayout",
    "QFrame",
    "QGridLayout",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QIntValidator",
    "QKeyEvent",
    "QKeySequence",
    "QLabel",
    "QLayout",
    "QLineEdit",
    "QListWidget",
    "QMainWindow",
    "QMenu",
    "QObject",
    "QPaintEvent",
    "QPainter",
    "QPen",
    "QPlainTextEdit",
    "QProgressBar",
    "QPushButton",
    "QRadioButton",
    "QRectF",
    "QResizeEvent",
    "QScreen",
    "QScrollArea",
    "QShortcut",
    "QShowEvent",
    "QSizePolicy",
    "QSpinBox",
    "QStatusBar",
    "QTabWidget",
    "QTableWidget",
    "QTableWidgetItem",
    "QTimer",
    "QTreeWidget",
    "QTreeWidgetItem",
    "QVBoxLayout",
    "QWidget",
    "QWindow",
    "Qt",
    "QtBindingUnfit",
    "Signal",
    "SignalInstance",
    "binding_versions",
    "check_binding",
    "isValid",
]

UNFIT_BINDINGS = {
    "6.12.0": (
        "its Signal.emit drops a reference to True on every call, and on Python 3.11 the "
        "register aborts after some thousands of signals"
    ),
}
"""PySide6 releases the register must not run on, and why."""


class QtBindingUnfit(ImportError):
    """The installed Qt binding is one the register must not run on."""


def check_binding(version: str = PySide6.__version__) -> None:
    """Refuse a PySide6 release listed in :data:`UNFIT_BINDINGS`, saying what to install."""
    why = UNFIT_BINDINGS.get(version)
    if why is not None:
        raise QtBindingUnfit(
            f"PySide6 {version} cannot run the register: {why}. Install another release, "
            "for example: pip install 'PySide6-Essentials>=6.6,!=6.12.0'."
        )


def binding_versions() -> dict[str, str]:
    """The binding's and Qt's versions, for the diagnostics view and the support bundle."""
    return {"pyside6": PySide6.__version__, "qt": qVersion()}


check_binding()
