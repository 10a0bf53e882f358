"""Helpers for the browser tests: a throw-away Jupyter server and a notebook page driver.

Everything here follows the workplace's browser-testing notes: Debian's chromium, all
Jupyter state in a temp dir, wait for ``/api/status`` before opening a page,
wait for the kernel's name AND the idle indicator before running cells, and
record every status the card shows with a MutationObserver so fast sequences
cannot slip between two looks.

Every wait here is bounded and, when it runs out, raises :class:`E2EFailure`
carrying what a person needs to see why: the page's visible text, the statuses
the card went through, and the tail of the Jupyter server's log.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import nbformat
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sutro_widget.simulator import Simulator

#: The two frontends every browser test runs in.
Frontend = Literal["lab", "notebook7"]
FRONTENDS: tuple[Frontend, ...] = ("lab", "notebook7")

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC_JS = REPO_ROOT / "sutro_widget" / "static" / "widget.js"
SCREENSHOT_DIR = REPO_ROOT / "docs" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 15.0
KERNEL_TIMEOUT_S = 60.0
CARD_TIMEOUT_S = 30.0
STATE_TIMEOUT_S = 20.0
#: How long a Run All has to show ``[*]`` before it counts as dropped, and how often to try.
RUN_STARTED_TIMEOUT_S = 10.0
RUN_ATTEMPTS = 3
#: Failure messages show this much of the server log; longer lines are clipped.
LOG_LINE_CHARS = 400

#: Recorded by the init script below: every ``data-status`` any card ever had, in order.
STATUS_LOG_JS = "window.__sutroStatusLog || []"

#: Added with ``page.add_init_script`` before any page script runs. It watches the
#: whole document for cards being attached and for their ``data-status`` changing,
#: and appends each new value (per job id) to ``window.__sutroStatusLog``.
#: A card in a notebook, a console or a dashboard: not one of the Lab panel's rows.
NOTEBOOK_CARD = ".sutro-job-card:not(.sutro-jobs-panel *)"


RECORD_STATUSES_INIT_SCRIPT = """
(() => {
  const log = [];
  const last = new Map();
  window.__sutroStatusLog = log;
  const record = (card) => {
    const status = card.getAttribute("data-status");
    if (status === null) return;
    const idNode = card.querySelector('[data-testid="job-id"]');
    const jobId = idNode ? idNode.textContent : "";
    if (last.get(card) === status) return;
    last.set(card, status);
    log.push({ jobId, status, t: Date.now() });
  };
  const scan = (node) => {
    if (!(node instanceof Element)) return;
    if (node.matches(NOTEBOOK_CARD)) record(node);
    node.querySelectorAll(NOTEBOOK_CARD).forEach(record);
  };
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") scan(m.target);
      else m.addedNodes.forEach(scan);
    }
  });
  observer.observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-status"],
  });
})();
""".replace("NOTEBOOK_CARD", json.dumps(NOTEBOOK_CARD))


@dataclass(frozen=True)
class OpenCard:
    """A card on screen: the job it follows, its locator, and the page it is on."""

    job_id: str
    card: Locator
    page: Page


class E2EFailure(AssertionError):
    """A browser test step did not happen in time; the message says what was on screen."""


# -- the Jupyter server ---------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the server binds it with no retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: Lab user settings every test server gets: no "Jupyter news?" popup.
NOTIFICATION_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def write_lab_settings(settings_dir: Path, settings: Mapping[str, Mapping[str, object]]) -> None:
    """Write JupyterLab user settings files under ``settings_dir``.

    Keys name a plugin's file without its suffix, e.g.
    ``"@jupyterlab/apputils-extension/themes"``; values are the settings it holds.
    """
    for plugin, values in settings.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(dict(values)), encoding="utf-8")


def jupyter_state_env(
    base: Path, lab_settings: Mapping[str, Mapping[str, object]] | None = None
) -> dict[str, str]:
    """Environment variables that keep every bit of Jupyter state under ``base``.

    The installed labextensions (jupyterlab_widgets, anywidget) live under
    ``sys.prefix``, which Jupyter searches whatever ``JUPYTER_DATA_DIR`` says.
    Also writes the settings file that silences the "Jupyter news?" popup, and
    any further ``lab_settings`` (see :func:`write_lab_settings`).
    """
    dirs = {
        "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTER_DATA_DIR": base / "data",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        "IPYTHONDIR": base / "ipython",
        "JUPYTERLAB_SETTINGS_DIR": base / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": base / "lab-workspaces",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    write_lab_settings(
        dirs["JUPYTERLAB_SETTINGS_DIR"], {**NOTIFICATION_SETTINGS, **(lab_settings or {})}
    )
    return {name: str(path) for name, path in dirs.items()}


def switch_off_sutro_extensions(config_dir: Path) -> None:
    """User config that disables our server extension and our Lab extension (it outranks the
    ``etc/jupyter`` files the install wrote)."""
    server = config_dir / "jupyter_server_config.json"
    server.write_text(json.dumps({"ServerApp": {"jpserver_extensions": {"sutro_widget": False}}}))
    page = config_dir / "labconfig" / "page_config.json"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(json.dumps({"disabledExtensions": {"sutro-widget": True}}))


@dataclass
class JupyterServer:
    """One ``jupyter lab`` or ``jupyter notebook`` process on loopback, owned by a test session.

    Start it with :meth:`start`, stop it with :meth:`stop` (always safe). All its
    state lives under ``base``; notebooks go in :attr:`root_dir`; its output goes
    to :attr:`log_path`.
    """

    frontend: Frontend
    base: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Extra JupyterLab user settings (e.g. a theme), see :func:`write_lab_settings`.
    lab_settings: dict[str, dict[str, object]] = field(default_factory=dict)
    #: Extra command-line options (e.g. ``--ServerApp.allow_origin=...`` for another page).
    extra_args: list[str] = field(default_factory=list)
    #: False: our server and Lab extensions are switched off, as where they are absent
    #: (VS Code, Colab): a card whose kernel goes is then "Not followed", not handed over.
    sutro_extensions: bool = True
    port: int = 0
    token: str = field(default_factory=lambda: secrets.token_hex(24), repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def root_dir(self) -> Path:
        """Where notebooks are written and served from."""
        return self.base / "root"

    @property
    def log_path(self) -> Path:
        """The server's stdout and stderr."""
        return self.base / "jupyter-server.log"

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The command line that starts this server headless on its port."""
        app = "lab" if self.frontend == "lab" else "notebook"
        return [
            sys.executable,
            "-m",
            "jupyter",
            app,
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *self.extra_args,
        ]

    def environment(self) -> dict[str, str]:
        """The server's environment: ours, isolated Jupyter dirs, the repo on PYTHONPATH.

        Kernels inherit it, so ``import sutro_widget`` works from the notebook and
        ``SUTRO_API_URL`` / ``SUTRO_API_KEY`` (in ``extra_env``) reach the widget.
        """
        env = dict(os.environ)
        env.update(jupyter_state_env(self.base, self.lab_settings))
        if not self.sutro_extensions:
            switch_off_sutro_extensions(Path(env["JUPYTER_CONFIG_DIR"]))
        previous = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + previous if previous else "")
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.extra_env)
        return env

    def start(self) -> JupyterServer:
        """Launch the server and wait until ``/api/status`` answers; raise with the log if not."""
        self.root_dir.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.root_dir,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self.wait_until_ready()
        except E2EFailure:
            self.stop()
            raise
        return self

    def wait_until_ready(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
        """Wait until ``/api/status`` answers 200; raise :class:`E2EFailure` with the log if not."""
        deadline = time.monotonic() + timeout_s
        last_problem = "no answer yet"
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise E2EFailure(
                    f"jupyter {self.frontend} exited with code {self.process.returncode} "
                    f"before answering.\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.api_url("status"), timeout=2) as answer:
                    if answer.status == 200:
                        return
                    last_problem = f"HTTP {answer.status}"
            except (urllib.error.URLError, OSError) as exc:
                last_problem = str(exc)
            time.sleep(0.2)
        raise E2EFailure(
            f"jupyter {self.frontend} did not answer /api/status within "
            f"{timeout_s:.0f} s ({last_problem}).\n{self.log_tail()}"
        )

    def api_url(self, path: str) -> str:
        """The URL of a server REST endpoint, with the token."""
        return f"{self.origin}/api/{path}?token={self.token}"

    def page_url(self, notebook: str) -> str:
        """The URL that opens ``notebook`` in this server's frontend.

        Lab gets ``reset`` so a notebook from an earlier test is not restored
        from the workspace beside this one.
        """
        if self.frontend == "lab":
            return f"{self.origin}/lab/tree/{notebook}?reset&token={self.token}"
        return f"{self.origin}/notebooks/{notebook}?token={self.token}"

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (best effort), so finished tests leave no pollers behind."""
        try:
            with urllib.request.urlopen(self.api_url("kernels"), timeout=5) as answer:
                kernels = json.load(answer)
        except (urllib.error.URLError, OSError, ValueError):
            return
        for kernel in kernels:
            request = urllib.request.Request(
                self.api_url(f"kernels/{kernel['id']}"), method="DELETE"
            )
            with contextlib.suppress(urllib.error.URLError, OSError):
                urllib.request.urlopen(request, timeout=10).close()

    def stop(self) -> None:
        """Stop the server by its PID: SIGTERM, then SIGKILL to its process group if it lingers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        self.shutdown_kernels()
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server log, framed for a failure message.

        Lines are clipped: node's errors print whole minified bundles on one line.
        """
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        clipped = [
            line if len(line) <= LOG_LINE_CHARS else line[:LOG_LINE_CHARS] + " ...(clipped)"
            for line in text.splitlines()[-lines:]
        ]
        tail = "\n".join(clipped)
        return f"--- jupyter {self.frontend} log ({self.log_path}) ---\n{tail}\n--- end of log ---"


@contextlib.contextmanager
def running_server(
    frontend: Frontend,
    base: Path,
    extra_env: dict[str, str],
    lab_settings: dict[str, dict[str, object]] | None = None,
    extra_args: Sequence[str] = (),
    *,
    sutro_extensions: bool = True,
) -> Iterator[JupyterServer]:
    """A started :class:`JupyterServer` that is stopped however the block ends."""
    server = JupyterServer(
        frontend=frontend,
        base=base,
        extra_env=extra_env,
        lab_settings=dict(lab_settings or {}),
        extra_args=list(extra_args),
        sutro_extensions=sutro_extensions,
    )
    try:
        yield server.start()
    finally:
        server.stop()


# -- notebooks ------------------------------------------------------------------------


def write_notebook(root_dir: Path, name: str, cells: Sequence[str]) -> str:
    """Write a Python 3 notebook of code ``cells`` into ``root_dir``; return its file name."""
    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [
        nbformat.v4.new_code_cell(source)  # type: ignore[no-untyped-call]
        for source in cells
    ]
    filename = f"{name}.ipynb"
    nbformat.write(notebook, root_dir / filename)  # type: ignore[no-untyped-call]
    return filename


def widget_cell(job_id: str) -> str:
    """The notebook cell that shows a card for ``job_id``, polling fast.

    Key and URL come from ``SUTRO_API_KEY`` / ``SUTRO_API_URL``, set on the
    server (and so on the kernel) by the fixture: this also tests that lookup.
    """
    return (
        "from sutro_widget import JobStatusWidget, PollPolicy\n"
        f"card = JobStatusWidget({job_id!r}, "
        "policy=PollPolicy(initial_interval=0.2, max_interval=0.5))\n"
        "card"
    )


# -- driving the page -----------------------------------------------------------------


@contextlib.contextmanager
def browser_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context that records every status a card shows.

    The context is closed however the block ends; nothing on the page is saved.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.add_init_script(RECORD_STATUSES_INIT_SCRIPT)
        yield page
    finally:
        context.close()


def seconds(value: float) -> float:
    """Seconds to Playwright milliseconds."""
    return value * 1000.0


def status_log(page: Page) -> list[dict[str, object]]:
    """Every status change the init script saw on this page, oldest first."""
    try:
        entries = page.evaluate(STATUS_LOG_JS)
    except Exception as exc:  # the page may be gone when a test is already failing
        return [{"error": f"could not read the status log: {exc}"}]
    return list(entries)


def statuses_of(page: Page, job_id: str) -> list[str]:
    """The statuses the card of ``job_id`` showed, in order, as recorded by the observer."""
    return [str(e["status"]) for e in status_log(page) if e.get("jobId") == job_id]


def visible_text(page: Page, limit: int = 4000) -> str:
    """The page's visible text (clipped), for failure messages."""
    try:
        text = page.inner_text("body", timeout=2000)
    except Exception as exc:
        return f"(could not read the page: {exc})"
    text = "\n".join(line for line in text.splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + "\n...(clipped)"


def diagnose(page: Page, server: JupyterServer, what: str, extra: str = "") -> E2EFailure:
    """An :class:`E2EFailure` for ``what`` with the page text, status log and server log."""
    return E2EFailure(
        f"{what}\n"
        f"{extra}\n"
        f"--- page URL ---\n{page.url}\n"
        f"--- status changes recorded in the page ---\n{status_log(page)}\n"
        f"--- visible page text ---\n{visible_text(page)}\n"
        f"{server.log_tail()}"
    )


def wait_for(
    page: Page,
    server: JupyterServer,
    what: str,
    action: Callable[[], object],
    extra: Callable[[], str] = lambda: "",
) -> None:
    """Run a bounded Playwright wait; turn its timeout into an :class:`E2EFailure` for ``what``."""
    try:
        action()
    except (PlaywrightTimeoutError, AssertionError) as exc:
        raise diagnose(page, server, f"Timed out: {what}", f"{exc}\n{extra()}") from None


def open_notebook(page: Page, server: JupyterServer, filename: str) -> None:
    """Open ``filename`` in the server's frontend and wait until its kernel can run code.

    "Can run code" means the toolbar shows the kernel's name AND the execution
    indicator says idle: the indicator reads idle before a kernel is attached,
    and a Run clicked then is silently lost.
    """
    page.goto(server.page_url(filename), wait_until="domcontentloaded")
    wait_until_kernel_ready(page, server, filename)


def wait_until_kernel_ready(page: Page, server: JupyterServer, filename: str) -> None:
    """Wait until the open notebook ``filename`` shows its kernel's name and the kernel is idle."""
    panel = page.locator(".jp-NotebookPanel")
    wait_for(
        page,
        server,
        f"the notebook {filename} to open in {server.frontend}",
        lambda: panel.first.wait_for(state="visible", timeout=seconds(KERNEL_TIMEOUT_S)),
    )
    kernel_name = page.locator(".jp-NotebookPanel-toolbar .jp-KernelName")
    wait_for(
        page,
        server,
        "the toolbar to name the Python kernel",
        lambda: kernel_name.filter(has_text="Python 3").first.wait_for(
            state="visible", timeout=seconds(KERNEL_TIMEOUT_S)
        ),
    )
    idle = page.locator(
        ".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status=idle]"
    )
    wait_for(
        page,
        server,
        "the kernel to be idle",
        lambda: idle.first.wait_for(state="attached", timeout=seconds(KERNEL_TIMEOUT_S)),
    )


def run_all_cells(page: Page, server: JupyterServer) -> None:
    """Run every cell with Run > Run All Cells, and wait until the first cell has started.

    The menu item is found by its label, which Lab and Notebook 7 share. A run
    is under way once the first prompt reads ``[*]`` or ``[N]``; a run that the
    frontend dropped (no kernel attached yet) leaves it at ``[ ]``, and only then
    is the menu used again, so a cell never runs twice.
    """
    menu = page.locator('.lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is("Run"))').first
    item = page.locator('.lm-Menu-item:has(.lm-Menu-itemLabel:text-is("Run All Cells"))').first
    prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    started = re.compile(r"\[(\*|\d+)\]")
    for attempt in range(1, RUN_ATTEMPTS + 1):
        wait_for(page, server, "the Run menu", lambda: menu.click())
        wait_for(page, server, 'the "Run All Cells" menu item', lambda: item.click())
        try:
            expect(prompt).to_have_text(started, timeout=seconds(RUN_STARTED_TIMEOUT_S))
            return
        except AssertionError:
            if attempt == RUN_ATTEMPTS:
                raise diagnose(
                    page,
                    server,
                    f"Run All Cells was used {RUN_ATTEMPTS} times and the first cell never "
                    "started (its prompt still is not [*] or [N]).",
                ) from None
            page.keyboard.press("Escape")


def notebook_area(page: Page) -> Locator:
    """The open notebook, without Lab's sidebars (the Sutro jobs panel draws a board too)."""
    return page.locator(".jp-Notebook")


def board_row(page: Page, job_id: str) -> Locator:
    """The row of ``job_id`` in a board in the notebook (the Lab panel's rows are ignored)."""
    return page.locator(
        f'[data-testid="board-row"][data-job-id="{job_id}"]:not(.sutro-jobs-panel *)'
    )


def card_for(page: Page, job_id: str) -> Locator:
    """The card that follows ``job_id`` (cards of other jobs on the page are ignored)."""
    job = page.locator('[data-testid="job-id"]', has_text=job_id)
    return page.locator(NOTEBOOK_CARD, has=job).first


def wait_for_card(page: Page, server: JupyterServer, job_id: str) -> Locator:
    """Wait for the card of ``job_id`` to be drawn after the cell ran; return it."""
    card = card_for(page, job_id)
    wait_for(
        page,
        server,
        f"the card for {job_id} to appear",
        lambda: card.wait_for(state="visible", timeout=seconds(CARD_TIMEOUT_S)),
    )
    return card


def wait_for_status(
    page: Page,
    server: JupyterServer,
    card: Locator,
    status: str,
    word: str,
    job_state: Callable[[], str],
) -> None:
    """Wait until ``card`` says ``data-status=status`` and shows ``word``.

    ``job_state`` reports what the simulator says now, for the failure message.
    """
    timeout = seconds(STATE_TIMEOUT_S)

    def check() -> None:
        expect(card).to_have_attribute("data-status", status, timeout=timeout)
        expect(card.get_by_test_id("status-word")).to_have_text(word, timeout=timeout)

    wait_for(
        page,
        server,
        f"the card to show {word!r} (data-status={status})",
        check,
        extra=lambda: f"the simulator says the job is: {job_state()}",
    )


def ensure_details_open(page: Page, server: JupyterServer, details: Locator, what: str) -> None:
    """Make sure the ``<details>`` section ``details`` is open, clicking its summary only if not.

    A failed job's section opens by itself when the card sees the failure; a
    click then would close it again, so the summary is clicked only while closed.
    """

    def opened() -> None:
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        expect(details).to_have_attribute("open", "", timeout=seconds(STATE_TIMEOUT_S))

    wait_for(page, server, f"{what} to be open", opened)


def is_subsequence(wanted: Sequence[str], seen: Sequence[str]) -> bool:
    """Whether ``wanted`` appears in ``seen`` in order (other values may sit between)."""
    remaining = iter(seen)
    return all(any(value == item for item in remaining) for value in wanted)


def save_card_screenshot(card: Locator, filename: str) -> Path:
    """Save an element screenshot of ``card`` under docs/screenshots; return the path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / filename
    for attempt in range(3):
        try:
            card.scroll_into_view_if_needed()
            card.screenshot(path=str(path), animations="disabled", caret="hide")
            return path
        except PlaywrightError as error:
            # A saved-copy update (a card's stop, a board's end) redraws the output once:
            # the locator finds the new element on the next try.
            if "not attached" not in str(error) or attempt == 2:
                raise
    return path


def see_status(
    shown: OpenCard, simulator: Simulator, server: JupyterServer, status: str, word: str
) -> None:
    """Wait until ``shown``'s card shows ``status``; on timeout, say what the simulator says."""
    wait_for_status(
        shown.page,
        server,
        shown.card,
        status,
        word,
        lambda: f"{simulator.status_of(shown.job_id)}, {simulator.rows_done(shown.job_id)} rows",
    )


def advance_and_see(
    shown: OpenCard, simulator: Simulator, server: JupyterServer, status: str, word: str
) -> None:
    """Move a held simulator job one step to ``status``, then wait until the card shows it."""
    assert simulator.advance(shown.job_id) == status
    see_status(shown, simulator, server, status, word)


# -- card states, buttons, measured waits (test_card_states, test_outage, ...) -----------

#: The card's action buttons by test id; which are visible depends on the card state.
ACTION_BUTTONS = ("refresh", "stop-resume", "retry", "cancel")

#: JupyterLab user settings that pick the dark theme (see test_themes.py).
DARK_THEME = "JupyterLab Dark"
DARK_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/apputils-extension/themes": {"theme": DARK_THEME},
}


def card_cell(job_id: str, *args: str, fast: bool = True) -> str:
    """A cell showing a card for ``job_id``; ``args`` are more constructor arguments, as code.

    ``fast`` adds the quick test policy; without it the card uses the default
    ``PollPolicy`` (what a user gets). Key and URL come from the server's
    environment unless ``args`` say otherwise (``"api_key='wrong'"``).
    """
    extra = list(args)
    if fast:
        extra.append("policy=PollPolicy(initial_interval=0.2, max_interval=0.5)")
    joined = "".join(f", {arg}" for arg in extra)
    return (
        f"from sutro_widget import JobStatusWidget, PollPolicy\nJobStatusWidget({job_id!r}{joined})"
    )


def wait_for_state(
    page: Page,
    server: JupyterServer,
    card: Locator,
    state: str,
    word: str | re.Pattern[str],
    timeout_s: float = STATE_TIMEOUT_S,
) -> None:
    """Wait until ``card`` has ``data-state=state`` and its status word reads ``word``."""

    def check() -> None:
        expect(card).to_have_attribute("data-state", state, timeout=seconds(timeout_s))
        expect(card.get_by_test_id("status-word")).to_have_text(word, timeout=seconds(timeout_s))

    wait_for(page, server, f"the card to be in state {state!r} showing {word!r}", check)


def expect_buttons(card: Locator, shown: Mapping[str, str]) -> None:
    """Exactly the buttons in ``shown`` (test id -> label) are visible, with those labels.

    Every other action button must be hidden. Waits (Playwright ``expect``), so a
    paint that lands a moment after the state attribute still counts.
    """
    unknown = set(shown) - set(ACTION_BUTTONS)
    assert not unknown, f"not action buttons: {unknown}"
    for testid in ACTION_BUTTONS:
        button = card.get_by_test_id(testid)
        if testid in shown:
            expect(button).to_be_visible()
            expect(button).to_have_text(shown[testid])
        else:
            expect(button).to_be_hidden()


def visible_buttons(card: Locator) -> dict[str, str]:
    """The action buttons visible right now, test id -> label (for messages)."""
    seen = {}
    for testid in ACTION_BUTTONS:
        button = card.get_by_test_id(testid)
        if button.is_visible():
            seen[testid] = button.inner_text().strip()
    return seen


def seconds_until_state(card: Locator, state: str, timeout_s: float) -> float:
    """Wait until ``card`` has ``data-state=state``; return how many seconds that took.

    Fails (AssertionError from ``expect``) if it does not happen within ``timeout_s``.
    """
    started = time.monotonic()
    expect(card).to_have_attribute("data-state", state, timeout=seconds(timeout_s))
    return time.monotonic() - started


def hold_text(locator: Locator, duration_s: float, step_s: float = 0.25) -> list[str]:
    """Read ``locator``'s text every ``step_s`` for ``duration_s``; return every reading.

    For asserting that something does NOT change over a stretch of time (a
    frozen clock): the stretch itself is what is tested, so it is waited out.
    """
    readings = [locator.text_content() or ""]
    deadline = time.monotonic() + duration_s
    while time.monotonic() < deadline:
        locator.page.wait_for_timeout(step_s * 1000.0)
        readings.append(locator.text_content() or "")
    return readings


#: Like RECORD_STATUSES_INIT_SCRIPT, for ``data-state``: every card state any card
#: ever had, per job id, in ``window.__sutroStateLog`` (card-only states such as
#: connecting and not-found have no ``data-status`` of their own).


# -- other hosts (marimo, Voila): one process on loopback -------------------------------


@dataclass
class HostServer:
    """A host server process (``marimo run``, ``voila``) on 127.0.0.1, owned by one test.

    Duck-types :class:`JupyterServer` where the page helpers need it
    (:attr:`frontend`, :meth:`log_tail`), so :func:`wait_for` and
    :func:`diagnose` work with it too.
    """

    frontend: str
    command: list[str]
    base: Path
    port: int
    ready_path: str = "/"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """The process's stdout and stderr."""
        return self.base / f"{self.frontend}.log"

    def start(self) -> HostServer:
        """Launch it (Jupyter state under ``base``) and wait until ``ready_path`` answers 200."""
        env = dict(os.environ)
        env.update(jupyter_state_env(self.base))
        env["PYTHONPATH"] = str(REPO_ROOT)
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.extra_env)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.base,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise E2EFailure(f"{self.frontend} exited early.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.origin + self.ready_path, timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise E2EFailure(f"{self.frontend} did not answer in time.\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM its process group, then SIGKILL if it lingers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the process's log, framed for a failure message."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no {self.frontend} log: {exc})"
        tail = "\n".join(line[:LOG_LINE_CHARS] for line in text.splitlines()[-lines:])
        return f"--- {self.frontend} log ({self.log_path}) ---\n{tail}\n--- end of log ---"


@contextlib.contextmanager
def running_host(server: HostServer) -> Iterator[HostServer]:
    """``server`` started, and stopped however the block ends."""
    try:
        yield server.start()
    finally:
        server.stop()


#: Added with ``page.add_init_script``: every ``data-state`` any card root takes, with the
#: page's ``Date.now()``, in ``window.__sutroStateLog`` (for on-screen latency).
RECORD_STATES_INIT_SCRIPT = """
(() => {
  const log = [];
  const last = new Map();
  window.__sutroStateLog = log;
  const record = (card) => {
    const state = card.getAttribute("data-state");
    if (state === null) return;
    const idNode = card.querySelector('[data-testid="job-id"]');
    const jobId = idNode ? idNode.textContent : "";
    if (last.get(card) === state) return;
    last.set(card, state);
    log.push({ jobId, state, t: Date.now() });
  };
  const scan = (node) => {
    if (!(node instanceof Element)) return;
    if (node.matches(NOTEBOOK_CARD)) record(node);
    node.querySelectorAll(NOTEBOOK_CARD).forEach(record);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") scan(m.target);
      else m.addedNodes.forEach(scan);
    }
  }).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-state"],
  });
})();
""".replace("NOTEBOOK_CARD", json.dumps(NOTEBOOK_CARD))


def record_states(page: Page) -> None:
    """Start recording every ``data-state`` of every card (call before opening the notebook)."""
    page.add_init_script(RECORD_STATES_INIT_SCRIPT)


def states_of(page: Page, job_id: str) -> list[str]:
    """The card states the card of ``job_id`` went through, in order (see :func:`record_states`)."""
    entries = page.evaluate("window.__sutroStateLog || []")
    return [str(e["state"]) for e in entries if e.get("jobId") == job_id]


def state_log(page: Page, job_id: str) -> list[dict[str, object]]:
    """Every ``data-state`` the card of ``job_id`` showed, with epoch-ms times, oldest first."""
    entries = page.evaluate("window.__sutroStateLog || []")
    return [e for e in entries if e.get("jobId") == job_id]


def first_shown_at(page: Page, job_id: str, state: str, timeout_s: float) -> float:
    """Wait until the card of ``job_id`` has shown ``state``; return when (epoch seconds)."""
    deadline = time.monotonic() + timeout_s
    while True:
        for entry in state_log(page, job_id):
            if entry["state"] == state:
                return float(entry["t"]) / 1000.0  # type: ignore[arg-type]
        if time.monotonic() > deadline:
            raise E2EFailure(
                f"the card of {job_id} never showed data-state={state} within {timeout_s} s; "
                f"it showed {state_log(page, job_id)}\n--- page ---\n{visible_text(page)}"
            )
        page.wait_for_timeout(50)
