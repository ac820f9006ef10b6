"""What the cashier window needs from the PC before Qt starts.

Qt ends the process (``abort``) when its platform plugin cannot load, printing one line on a
standard error that nobody reads when the register starts from the desktop's autostart. So
``levelup-pos`` asks first, before it imports Qt: is there a display, and does the X11 plugin
find every system library it links? The answer names what is missing and its Debian package.
"""

from __future__ import annotations

import ctypes
import importlib.util
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
"""The system libraries Qt's X11 plugin loads, and the Debian package of each."""

_MISSING = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")

Loader = Callable[[str], object]


def xcb_plugin() -> Path:
    """Where the bundled Qt keeps its X11 platform plugin (found, not imported: importing
    Qt would load the very libraries this checks)."""
    spec = importlib.util.find_spec("PySide6")
    folder = Path(spec.origin).parent if spec is not None and spec.origin else Path()
    return folder / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def startup_problem(
    environ: Mapping[str, str],
    *,
    platform: str = sys.platform,
    plugin: Callable[[], Path] = xcb_plugin,
    load: Loader = ctypes.CDLL,
) -> str | None:
    """Why the cashier window cannot open on this PC, in words for whoever installs it, or
    None when nothing is known to be missing (Qt may still fail, and says so itself)."""
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, eglfs: Qt's own checks apply
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return None
    if not environ.get("DISPLAY"):
        return (
            "there is no display to open the window on (DISPLAY is not set): start the "
            "register from the cashier's desktop session, or run a command instead "
            "(levelup-pos --help)."
        )
    missing = [name for name in DEBIAN_PACKAGES if not _loads(load, name)]
    if not missing:
        where = plugin()
        try:
            load(str(where))
        except OSError as error:
            found = _MISSING.search(str(error))
            if found is None:
                return f"Qt's X11 plugin {where} cannot be loaded: {error}"
            missing = [found.group(1)]
    if not missing:
        return None
    packages = sorted({DEBIAN_PACKAGES.get(name, name) for name in missing})
    return (
        f"this PC lacks system libraries the window needs: {', '.join(missing)}. "
        f"Install them (Debian, Ubuntu: apt-get install {' '.join(packages)}), then start "
        "the register again."
    )


def _loads(load: Loader, name: str) -> bool:
    try:
        load(name)
    except OSError:
        return False
    return True
