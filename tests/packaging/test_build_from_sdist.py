"""``python -m build`` makes an sdist, then the wheel from that sdist (the JS built from source).

The wheel goes into a fresh venv with nothing but its own dependencies (no JupyterLab,
no marimo, no node on PATH), where a smoke test follows a job of the simulator the wheel
ships to its end, and ``mypy --strict`` checks a user's script against the wheel's
``py.typed`` and the package itself.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytestmark = [pytest.mark.packaging, pytest.mark.long, pytest.mark.timeout(900)]

SMOKE = """
from sutro_widget import JobStatusWidget, SutroClient
from sutro_widget.simulator import Simulator

with Simulator() as sim:
    card = JobStatusWidget("job-succeeds-smoke", api_key=sim.api_key, base_url=sim.url + "/v1")
    assert card.wait(timeout=60) == "succeeded", card.state
    client = SutroClient(api_key=sim.api_key, base_url=sim.url + "/v1")
    report = client.get_status("job-succeeds-smoke")
    print(card.state, report.status.value, card.details.get("name"))
    card.close()
"""

USER_SCRIPT = """
from sutro_widget import JobBoard, JobStatusWidget, PollPolicy

def final_status(job_id: str) -> str:
    card = JobStatusWidget(job_id, policy=PollPolicy())
    status: str = card.wait(timeout=1.0)
    board = JobBoard([job_id])
    finals: dict[str, str] = board.wait(timeout=1.0)
    return status + finals[job_id]

wrong: int = JobStatusWidget("x").wait()  # the package's types reach the user's checker
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel ``python -m build`` made from it."""
    out = tmp_path_factory.mktemp("dist")
    made = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        cwd=out,  # not the checkout, whose build/ (the Lab extension's) would shadow `build`
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    (sdist,) = out.glob("sutro_widget-*.tar.gz")
    (wheel,) = out.glob("sutro_widget-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def bare_venv(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel, its dependencies and mypy only; its bin dir."""
    env_dir = tmp_path_factory.mktemp("bare-venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    mypy = f"mypy=={version('mypy')}"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(built[1]), mypy], check=True)
    return env_dir / "bin"


def run(
    bin_dir: Path, cwd: Path, *args: str, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run in the venv alone: its bin dir on PATH, an empty home (``cwd`` unless given)."""
    env = {"PATH": str(bin_dir), "HOME": str(home or cwd)}
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)


def test_the_sdist_carries_the_sources_the_wheel_is_built_from(built: tuple[Path, Path]) -> None:
    with tarfile.open(built[0]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in (
        "js/widget.ts",
        "js/lab/index.ts",
        "package.json",
        "package-lock.json",
        "pyproject.toml",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
    ):
        assert needed in names, needed
    assert not any(name.startswith(("node_modules/", ".venv/")) for name in names)


def test_the_wheel_from_the_sdist_follows_a_job_to_its_end(bare_venv: Path, tmp_path: Path) -> None:
    absent = run(bare_venv, tmp_path, "python", "-c", "import jupyterlab")
    assert absent.returncode != 0, "the venv must hold the wheel's dependencies only"
    result = run(bare_venv, tmp_path, "python", "-c", SMOKE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["succeeded", "succeeded"], result.stdout


def test_types_need_no_extras_and_reach_the_users_checker(bare_venv: Path, tmp_path: Path) -> None:
    # The checkout's sources, with its mypy settings, against this venv's packages alone.
    cache = str(tmp_path / "mypy-cache")
    own = run(
        bare_venv, ROOT, "mypy", "--strict", "--cache-dir", cache, "sutro_widget", home=tmp_path
    )
    assert own.returncode == 0, own.stdout  # no marimo, no Jupyter server: still clean
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT)
    user = run(bare_venv, tmp_path, "mypy", "--strict", "--cache-dir", cache, str(script))
    errors = [line for line in user.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "user.py:11" in errors[0], user.stdout  # only the planted one
    assert 'Incompatible types in assignment (expression has type "str"' in errors[0]
