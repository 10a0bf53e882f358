"""One download of the card's code per page, not 49 KB in every card's ``comm_open``.

anywidget sends a widget's ``_esm`` and ``_css`` in its ``comm_open``: inline,
that is the whole built card (about 31 KB of JavaScript and 18 KB of CSS) for
every card, and again in the saved notebook's widget state. anywidget also
accepts an ``http(s)`` URL for ``_esm``, which the page imports once and keeps.

Only the page knows a URL that reaches its Jupyter server (a proxy, a hub
prefix, a tunnel). So the first cards of a kernel come inline; where
JupyterLab's Sutro extension is on the page and its server serves this very
build (same :func:`~.assets.build_fingerprint`), a card tells the kernel the address
(``{"type": "assets", "base": ..., "fingerprint": ...}``), and every card made
after that names the server's module instead (its ``_css`` empty: the module
links its own stylesheet). Everywhere else (VS Code, Colab, marimo, Voila) no
one offers, and cards stay inline. An offer that is not exactly that shape,
for another build, or not over ``http(s)``, is ignored.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from .assets import CSS, build_fingerprint

log = logging.getLogger(__name__)

#: The longest base URL taken (a page's address, not a payload).
MAX_URL_CHARS = 2000

_lock = threading.Lock()
_base: str | None = None


def offered_base(content: object) -> str | None:
    """The base URL in an ``assets`` offer, if it is one this kernel can take; else ``None``."""
    if not isinstance(content, dict) or content.get("type") != "assets":
        return None
    base, fingerprint = content.get("base"), content.get("fingerprint")
    if not isinstance(base, str) or len(base) > MAX_URL_CHARS or fingerprint != build_fingerprint():
        return None
    try:
        parts = urlsplit(base)
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        return None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or not parts.path.endswith(f"/sutro/static/{build_fingerprint()}/")
    ):
        return None
    return base


def take_offer(content: object) -> bool:
    """Remember the page server's address of this build, if ``content`` offers it rightly."""
    global _base
    base = offered_base(content)
    if base is None:
        return False
    with _lock:
        if _base != base:
            log.debug("cards from now on load their code from %s", base)
        _base = base
    return True


def code_for(entry: str, inline_esm: str) -> tuple[str, str]:
    """``(_esm, _css)`` for a new widget whose built module is ``entry`` (``widget.js``...)."""
    with _lock:
        base = _base
    return (base + entry, "") if base is not None else (inline_esm, CSS)


def forget() -> None:
    """Go back to inline code (a test, or a kernel that moved to another page)."""
    global _base
    with _lock:
        _base = None
