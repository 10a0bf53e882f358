"""The card's built JavaScript and CSS, read once at import.

Text, not a ``Path``: anywidget turns a path into a class-level file watcher
that keeps a reference to every instance forever, so a dropped card could
never be garbage-collected (and would never stop polling).
"""

from __future__ import annotations

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
