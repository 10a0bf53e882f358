"""VS Code's notebook output webview, stood in for by a page the tests serve (vscode/harness.ts).

The page loads the renderer bundle VS Code ships (npm ``@vscode/jupyter-ipywidgets8``,
as published) and talks to a real kernel of a real Jupyter server. This module is
the extension's side of it: it serves the page, the bundle and requirejs from
``node_modules``, copies the kernel environment's ``nbextensions`` folders into one
place as ``localIPyWidgetScriptManager.node.ts`` does, and answers the page's
script lookups by parsing each ``nbextensions/*/extension.js`` with VS Code's
``REQUIRE_PATTERNS`` (``baseIPyWidgetScriptManager.ts``; ``old`` drops the two
patterns added for anywidget in 2023.11). It also knows VS Code's four kinds of
theme: the body class and a ``--vscode-*`` palette for each.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from jupyter_core.paths import jupyter_path

from .harness import REPO_ROOT

HERE = Path(__file__).resolve().parent / "vscode"
NODE_MODULES = REPO_ROOT / "node_modules"
BUNDLE = NODE_MODULES / "@vscode" / "jupyter-ipywidgets8" / "dist" / "ipywidgets.js"
REQUIRE_JS = NODE_MODULES / "requirejs" / "require.js"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"

#: vscode-jupyter's REQUIRE_PATTERNS (baseIPyWidgetScriptManager.ts), newest first.
REQUIRE_PATTERNS = [
    "require.config({",
    "requirejs?.config({",  # from anywidget (2023.11 on)
    "window.requirejs?.config({",  # from anywidget (2023.11 on)
    "requirejs.config({",
    '["require"].config({',
    "['require'].config({",
    '["requirejs"].config({',
    "['requirejs'].config({",
    '["require"]["config"]({',
    "['require']['config']({",
    '["requirejs"]["config"]({',
    "['requirejs']['config']({",
]
#: The list before commit 76812870 (#14711, first released in v2023.11.1003402403).
OLD_REQUIRE_PATTERNS = [p for p in REQUIRE_PATTERNS if "?." not in p]
BUILT_IN = {"jupyter-js-widgets", "@jupyter-widgets/base", "@jupyter-widgets/controls"}


@dataclass(frozen=True)
class Theme:
    """One VS Code colour theme as a webview sees it: body classes and CSS variables."""

    body_class: str
    variables: Mapping[str, str]


_COMMON = {
    "--vscode-font-family": "system-ui, 'Ubuntu', 'Droid Sans', sans-serif",
    "--vscode-editor-font-family": "'Droid Sans Mono', 'monospace', monospace",
    "--vscode-font-size": "13px",
}
#: VS Code's default themes (Light Modern, Dark Modern, Dark and Light High Contrast),
#: the colours a card uses, from each theme's definition.
THEMES: dict[str, Theme] = {
    "light": Theme(
        "vscode-light",
        {
            **_COMMON,
            "--vscode-editor-background": "#ffffff",
            "--vscode-editor-foreground": "#3b3b3b",
            "--vscode-foreground": "#3b3b3b",
            "--vscode-descriptionForeground": "#3b3b3b",
            "--vscode-focusBorder": "#005fb8",
            "--vscode-panel-border": "#e5e5e5",
            "--vscode-textCodeBlock-background": "#f8f8f8",
            "--vscode-button-background": "#005fb8",
            "--vscode-button-foreground": "#ffffff",
            "--vscode-errorForeground": "#f85149",
        },
    ),
    "dark": Theme(
        "vscode-dark",
        {
            **_COMMON,
            "--vscode-editor-background": "#1f1f1f",
            "--vscode-editor-foreground": "#cccccc",
            "--vscode-foreground": "#cccccc",
            "--vscode-descriptionForeground": "#9d9d9d",
            "--vscode-focusBorder": "#0078d4",
            "--vscode-panel-border": "#2b2b2b",
            "--vscode-textCodeBlock-background": "#2b2b2b",
            "--vscode-button-background": "#0078d4",
            "--vscode-button-foreground": "#ffffff",
            "--vscode-errorForeground": "#f85149",
        },
    ),
    "high-contrast": Theme(
        "vscode-high-contrast",
        {
            **_COMMON,
            "--vscode-editor-background": "#000000",
            "--vscode-editor-foreground": "#ffffff",
            "--vscode-foreground": "#ffffff",
            "--vscode-descriptionForeground": "#ffffff",
            "--vscode-focusBorder": "#f38518",
            "--vscode-contrastBorder": "#6fc3df",
            "--vscode-panel-border": "#6fc3df",
            "--vscode-textCodeBlock-background": "#000000",
            "--vscode-button-background": "#000000",
            "--vscode-button-foreground": "#ffffff",
            "--vscode-errorForeground": "#f48771",
        },
    ),
    "high-contrast-light": Theme(
        "vscode-high-contrast vscode-high-contrast-light",
        {
            **_COMMON,
            "--vscode-editor-background": "#ffffff",
            "--vscode-editor-foreground": "#292929",
            "--vscode-foreground": "#292929",
            "--vscode-descriptionForeground": "#292929",
            "--vscode-focusBorder": "#006bbd",
            "--vscode-contrastBorder": "#0f4a85",
            "--vscode-panel-border": "#0f4a85",
            "--vscode-textCodeBlock-background": "#ffffff",
            "--vscode-button-background": "#0f4a85",
            "--vscode-button-foreground": "#ffffff",
            "--vscode-errorForeground": "#b5200d",
        },
    ),
}


def extract_require_config(contents: str, patterns: list[str]) -> dict[str, str]:
    """``extractRequireConfigFromWidgetEntry``: the module -> path map of an ``extension.js``.

    A port of VS Code's text search (it never runs the file): the last pattern
    found wins the search order, the map is the text between the last ``{`` and
    the first ``}`` of the call, entries split on ``,`` and ``:``.
    """
    index, left = -1, list(patterns)
    while index <= 0 and left:
        index = contents.find(left.pop())
    if index < 0:
        left = [p[:-2] for p in patterns]
        while index <= 0 and left:
            index = contents.find(left.pop())
    if index < 0:
        return {}
    end = contents.find(")", index)
    start = contents.find("{", index)
    if end <= 0 or start < 0:
        return {}
    text = "".join(line.strip() for line in contents[start:end].splitlines() if line.strip())
    inner = text.split("{")[-1].split("}")[0]
    mappings = {}
    for entry in (e.strip() for e in inner.split(",")):
        if ":" not in entry:
            continue
        key, value = entry.split(":", 1)
        mappings[key.strip().strip("'\"")] = value.strip().strip("'\"")
    return mappings


def copy_nbextensions(target: Path) -> Path:
    """Copy every Jupyter data dir's ``nbextensions`` into ``target/nbextensions``, lowest first."""
    nbextensions = target / "nbextensions"
    nbextensions.mkdir(parents=True, exist_ok=True)
    for data_dir in reversed(jupyter_path()):
        source = Path(data_dir) / "nbextensions"
        if source.is_dir():
            shutil.copytree(source, nbextensions, dirs_exist_ok=True)
    return target


def lookup(base: Path, patterns: list[str]) -> dict[str, str]:
    """Every widget module the copied ``nbextensions`` declare, as URL paths (VS Code's map)."""
    found: dict[str, str] = {}
    for entry in sorted((base / "nbextensions").glob("*/extension.js")):
        for module, path in extract_require_config(entry.read_text("utf-8"), patterns).items():
            if module not in BUILT_IN:
                found[module] = "/scripts/" + path.lstrip("/")
    return found


def build_harness(out_dir: Path) -> Path:
    """Bundle vscode/harness.ts (with @jupyterlab/services) for the browser; return the file."""
    out = out_dir / "harness.js"
    subprocess.run(
        [
            str(ESBUILD),
            str(HERE / "harness.ts"),
            "--bundle",
            "--format=esm",
            "--target=es2020",
            "--external:/vendor/*",
            f"--outfile={out}",
            "--log-level=warning",
        ],
        check=True,
        cwd=REPO_ROOT,
    )
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the page, the vendor files, the copied nbextensions and the lookup."""

    site: VSCodeSite

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read failures from the page, not from this log."""

    def do_GET(self) -> None:
        """Route by path; everything else is a 404."""
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        site = self.site
        if url.path == "/":
            theme = THEMES[query.get("theme", ["light"])[0]]
            self._send(site.page(theme).encode(), "text/html")
        elif url.path == "/harness.js":
            self._send(site.harness_js.read_bytes(), "text/javascript")
        elif url.path == "/vendor/ipywidgets.js":
            self._send(BUNDLE.read_bytes(), "text/javascript")
        elif url.path == "/vendor/require.js":
            self._send(REQUIRE_JS.read_bytes(), "text/javascript")
        elif url.path == "/lookup":
            old = query.get("patterns") == ["old"]
            patterns = OLD_REQUIRE_PATTERNS if old else REQUIRE_PATTERNS
            self._send(json.dumps(lookup(site.scripts, patterns)).encode(), "application/json")
        elif url.path.startswith("/scripts/"):
            file = (site.scripts / url.path.removeprefix("/scripts/")).resolve()
            if site.scripts.resolve() in file.parents and file.is_file():
                self._send(file.read_bytes(), "text/javascript")
            else:
                self.send_error(404)
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


@dataclass
class VSCodeSite:
    """The served page and what it needs; :meth:`url` opens it on a Jupyter server."""

    scripts: Path
    harness_js: Path
    port: int = 0

    def page(self, theme: Theme) -> str:
        """index.html dressed as a webview in ``theme``: variables on html, classes on body."""
        style = ";".join(f"{name}:{value}" for name, value in theme.variables.items())
        html = (HERE / "index.html").read_text("utf-8")
        kind = theme.body_class.split()[-1]
        html = html.replace('<html lang="en">', f'<html lang="en" style="{style}">')
        return html.replace(
            "<body>", f'<body class="{theme.body_class}" data-vscode-theme-kind="{kind}">'
        )

    def url(
        self,
        server: str,
        token: str,
        *,
        theme: str = "light",
        patterns: str = "current",
        script_timeout_ms: int = 60_000,
    ) -> str:
        """The page for the Jupyter server at ``server``, in ``theme``, with VS Code's lookups."""
        return (
            f"http://127.0.0.1:{self.port}/?server={server}/&token={token}&theme={theme}"
            f"&patterns={patterns}&scriptTimeoutMs={script_timeout_ms}"
        )


@contextlib.contextmanager
def serving(work: Path) -> Iterator[VSCodeSite]:
    """The site on a free port of 127.0.0.1 for the block; ``work`` holds its copies."""
    site = VSCodeSite(copy_nbextensions(work / "scripts"), build_harness(work))
    handler = type("Handler", (_Handler,), {"site": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=functools.partial(server.serve_forever, 0.1), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
