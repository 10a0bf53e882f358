"""The Jupyter server extension, in a real ``jupyter server`` process over real HTTP.

Its routes answer only behind Jupyter's own login (token or cookie) and, for a
POST with a cookie, its XSRF token; the API key found in the server's
environment is in no answer and no log line; without a key they say how to set
one. The board route follows the account's jobs with no kernel at all.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sutro_widget.simulator import Simulator, Step

KEY = "sk-server-side-" + secrets.token_hex(8)


class Server:
    """``jupyter server`` on loopback with the given environment; stopped by :meth:`stop`."""

    def __init__(self, base: Path, env: dict[str, str]) -> None:
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.log = base / "server.log"
        dirs = {name: base / name for name in ("config", "data", "runtime")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        environment = {k: v for k, v in os.environ.items() if not k.startswith("SUTRO_")}
        environment.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            HOME=str(base),
            **env,
        )
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
                 "--ServerApp.ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={base}"],
                env=environment, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("api/status", token=True)
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"jupyter server did not start:\n{self.log.read_text()[-3000:]}")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, *, token: bool) -> dict[str, Any]:
        headers = {"Authorization": f"token {self.token}"} if token else {}
        request = urllib.request.Request(f"{self.origin}/{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return dict(json.load(answer))

    def status_of(self, path: str, method: str = "GET", **headers: str) -> int:
        body = b"{}" if method == "POST" else None
        request = urllib.request.Request(
            f"{self.origin}/{path}", method=method, headers=headers, data=body
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def account() -> Iterator[Simulator]:
    with Simulator(api_key=KEY) as sim:
        done = Step("succeeded", None, "Done")
        sim.add_job("job-srv-running", [Step("running", 600, "Running"), done])
        sim.add_job("job-srv-held", [Step("queued", None, "Waiting"), done])
        yield sim


@pytest.fixture(scope="module")
def server(account: Simulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"SUTRO_API_URL": account.url_v1, "SUTRO_API_KEY": KEY}
    started = Server(tmp_path_factory.mktemp("jupyter-server"), env)
    yield started
    started.stop()


def board(server: Server, after: int = 0, wait: float = 0) -> dict[str, Any]:
    return server.get(f"sutro/board?after={after}&wait={wait}", token=True)


def test_the_board_follows_the_accounts_jobs_with_no_kernel(
    server: Server, account: Simulator
) -> None:
    deadline = time.monotonic() + 20
    rows: dict[str, dict[str, Any]] = {}
    answer = board(server)
    while time.monotonic() < deadline:
        rows |= {row["job_id"]: row for row in answer["rows"]}
        if rows.get("job-srv-held", {}).get("state") == "queued":
            break
        answer = board(server, after=answer["version"], wait=5)
    assert {"job-srv-running", "job-srv-held"} <= set(rows), rows.keys()
    version = answer["version"]
    assert account.advance("job-srv-held") == "succeeded"
    seen: list[str] = []
    deadline = time.monotonic() + 20
    while "succeeded" not in seen and time.monotonic() < deadline:
        changed = board(server, after=version, wait=10)  # held until something changes
        assert not changed["full"], "only what changed since the page's version"
        assert all(row["job_id"] != "job-srv-running" or version for row in changed["rows"])
        seen += [row["state"] for row in changed["rows"] if row["job_id"] == "job-srv-held"]
        version = changed["version"]
    assert seen[-1:] == ["succeeded"], seen


def test_a_job_submitted_since_the_last_list_is_there_when_a_page_opens(
    server: Server, account: Simulator
) -> None:
    board(server)  # listed once already
    time.sleep(0.5)
    account.add_job("job-srv-new", [Step("queued", None, "Waiting")])
    time.sleep(1.5)  # older than the list a page that opens asks for again
    deadline = time.monotonic() + 10
    answer = board(server)  # a page opens: it asks for every row
    seen: set[str] = set()
    while "job-srv-new" not in seen and time.monotonic() < deadline:
        seen |= {row["job_id"] for row in answer["rows"]}
        answer = board(server, after=answer["version"], wait=2)
    assert "job-srv-new" in seen, "a job submitted since the last list waits for the next relist"


def test_the_cards_code_is_served_once_for_this_build_only(server: Server) -> None:
    from sutro_widget.card.assets import BOARD_ESM, CSS, ESM, build_fingerprint

    said = server.get("sutro/assets", token=True)
    assert said == {
        "fingerprint": build_fingerprint(),
        "path": f"sutro/static/{build_fingerprint()}/",
    }
    assert server.status_of("sutro/assets") == 403  # which build: behind the login
    for name, text, kind in (
        ("widget.js", ESM, "text/javascript"),
        ("board.js", BOARD_ESM, "text/javascript"),
        ("widget.css", CSS, "text/css"),
    ):
        # The code itself needs no login, as Jupyter's own /static/ (an ES module import).
        with urllib.request.urlopen(f"{server.origin}/{said['path']}{name}", timeout=10) as answer:
            assert answer.headers["Content-Type"].startswith(kind)
            assert "immutable" in answer.headers["Cache-Control"]
            assert answer.read().decode() == text
    assert server.status_of(f"sutro/static/{'0' * 16}/widget.js") == 404  # another build
    assert server.status_of(f"sutro/static/{build_fingerprint()}/simulator.py") == 404


def test_no_kernel_ran(server: Server) -> None:
    request = urllib.request.Request(
        f"{server.origin}/api/kernels", headers={"Authorization": f"token {server.token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.load(answer) == []


def test_every_route_needs_the_users_login(server: Server) -> None:
    assert server.status_of("sutro/board") == 403
    assert server.status_of("sutro/board/more", "POST") == 403
    assert server.status_of("sutro/jobs/job-srv-held/cancel", "POST") == 403


def test_a_post_with_the_login_cookie_but_no_xsrf_token_is_refused(server: Server) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{server.origin}/login", timeout=10).close()  # its form sets the _xsrf cookie
    opener.open(f"{server.origin}/api/status?token={server.token}", timeout=10).close()
    assert any(cookie.name.startswith("username") for cookie in jar), list(jar)
    xsrf = next((cookie.value for cookie in jar if cookie.name == "_xsrf"), None)
    assert xsrf, list(jar)

    def post(headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            f"{server.origin}/sutro/board/more", method="POST", data=b"{}", headers=headers
        )
        try:
            with opener.open(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    assert post({}) == 403
    assert post({"X-XSRFToken": xsrf}) == 200


def test_the_key_is_in_no_answer_and_no_log_line(server: Server, account: Simulator) -> None:
    answer = urllib.request.urlopen(
        urllib.request.Request(
            f"{server.origin}/sutro/board", headers={"Authorization": f"token {server.token}"}
        ),
        timeout=10,
    )
    body = answer.read().decode()
    assert KEY not in body and KEY not in str(dict(answer.headers))
    assert account.url_v1 in body, "the deployment is said (it is no secret)"
    assert KEY not in server.log.read_text()


def test_without_a_key_the_board_says_how_to_set_one(account: Simulator, tmp_path: Path) -> None:
    keyless = Server(tmp_path, {"SUTRO_API_URL": account.url_v1})
    try:
        error = board(keyless)["error"]
    finally:
        keyless.stop()
    assert "SUTRO_API_KEY" in error and "sutro login" in error
