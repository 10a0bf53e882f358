"""The card's built JavaScript and CSS, read once at import, and their fingerprint.

Text, not a ``Path``: anywidget turns a path into a class-level file watcher
that keeps a reference to every instance forever, so a dropped card could
never be garbage-collected (and would never stop polling).

:func:`build_fingerprint` names this exact build: the Jupyter server extension serves
the files under it, and a kernel takes the server's copy only when the
fingerprints agree (:mod:`.served_assets`), never code of another version.
"""

from __future__ import annotations

import functools
from pathlib import Path

_STATIC = Path(__file__).resolve().parent.parent / "static"

_UNBUILT_ESM = """
export default { render({ el }) {
  el.textContent = "sutro-widget: the card's JavaScript was not built. "
    + "Run `npm run build` in the source tree, or install the published wheel.";
} };
"""


def read_asset(name: str, fallback: str) -> str:
    """The text of a built asset, or ``fallback`` when the card was not built."""
    path = _STATIC / name
    return path.read_text(encoding="utf-8") if path.is_file() else fallback


ESM = read_asset("widget.js", _UNBUILT_ESM)
BOARD_ESM = read_asset("board.js", _UNBUILT_ESM)
CSS = read_asset("widget.css", "")

#: The built files by name, as the server extension serves them.
FILES = {"widget.js": ESM, "board.js": BOARD_ESM, "widget.css": CSS}


@functools.cache
def build_fingerprint() -> str:
    """The build's fingerprint: 16 hex digits of the SHA-256 of every file, in name order.

    Computed on first use, not at import: hashing loads OpenSSL, which a card
    that never meets the server extension does not need.
    """
    import hashlib

    everything = b"\0".join(FILES[name].encode() for name in sorted(FILES))
    return hashlib.sha256(everything).hexdigest()[:16]
