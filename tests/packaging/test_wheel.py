"""The wheel carries the built card, so installing it needs no node."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("sutro_widget-*.whl")
    return built


def test_wheel_holds_the_built_card_and_no_sources_of_it(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sutro_widget/static/widget.js" in names
    assert "sutro_widget/static/board.js" in names
    assert "sutro_widget/static/widget.css" in names
    assert "sutro_widget/py.typed" in names  # the package is typed for its users
    assert "sutro_widget/simulator/__main__.py" in names
    assert not any(name.startswith(("js/", "tests/", "node_modules/")) for name in names)


def test_installed_wheel_imports_and_serves_the_card_without_node(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    # PATH holds only the venv: no node, no npm, nothing from the source tree.
    clean_env = {"PATH": str(env_dir / "bin"), "HOME": str(tmp_path)}
    assert shutil.which("node", path=clean_env["PATH"]) is None
    check = (
        "import sutro_widget, pathlib;"
        "from sutro_widget import JobStatusWidget;"
        "esm = str(JobStatusWidget._esm);"
        "assert 'sutro-job-card' in esm, esm[:200];"
        "assert 'not built' not in esm;"
        "assert 'sutro-job-card' in str(JobStatusWidget._css);"
        "from sutro_widget import JobBoard;"
        "assert 'sutro-job-board' in str(JobBoard._esm);"
        "assert 'not built' not in str(JobBoard._esm);"
        "print(pathlib.Path(sutro_widget.__file__).parent)"
    )
    result = subprocess.run(
        [python, "-c", check],
        env=clean_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(env_dir) in result.stdout  # imported from the wheel, not the checkout
    assert os.pathsep not in clean_env["PATH"]
