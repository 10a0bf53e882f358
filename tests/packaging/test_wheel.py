"""The wheel carries the built card, the prebuilt Lab extension and the server extension's switch.

Installing it needs no node, and after ``pip install`` Jupyter lists both
extensions as enabled and OK, in a fresh venv that shares nothing with the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DATA = "sutro_widget-{version}.data/data"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

pytestmark = [pytest.mark.packaging, pytest.mark.long, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("sutro_widget-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and the JupyterLab this checkout tests against; its bin dir."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    lab = f"jupyterlab=={version('jupyterlab')}"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel), lab], check=True)
    return env_dir / "bin"


def clean_env(bin_dir: Path, home: Path) -> dict[str, str]:
    """Only the venv on PATH (no node, nothing from the checkout), and an empty home."""
    return {"PATH": str(bin_dir), "HOME": str(home), "JUPYTER_PLATFORM_DIRS": "1"}


def test_wheel_holds_the_built_card_and_no_sources_of_it(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sutro_widget/static/widget.js" in names
    assert "sutro_widget/static/board.js" in names
    assert "sutro_widget/static/widget.css" in names
    assert "sutro_widget/py.typed" in names  # the package is typed for its users
    assert "sutro_widget/simulator/__main__.py" in names
    assert not any(name.startswith(("js/", "tests/", "node_modules/")) for name in names)


def test_wheel_holds_both_extensions_and_the_old_vscode_shim(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = DATA.format(version=wheel.name.split("-")[1])
    lab = f"{data}/share/jupyter/labextensions/sutro-widget"
    assert f"{lab}/package.json" in names
    assert f"{lab}/install.json" in names
    assert any(n.startswith(f"{lab}/static/remoteEntry.") for n in names)
    assert f"{data}/etc/jupyter/jupyter_server_config.d/sutro_widget.json" in names
    assert f"{data}/share/jupyter/nbextensions/sutro-widget/extension.js" in names
    assert "sutro_widget/server/handlers.py" in names
    assert not any(n.startswith("sutro_widget/labextension/") for n in names), "shipped once"


def test_installed_wheel_imports_and_serves_the_card_without_node(
    installed: Path, tmp_path: Path
) -> None:
    env = clean_env(installed, tmp_path)
    assert shutil.which("node", path=env["PATH"]) is None
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
        [installed / "python", "-c", check],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(installed.parent) in result.stdout  # imported from the wheel, not the checkout
    assert os.pathsep not in env["PATH"]


def jupyter(installed: Path, home: Path, *args: str) -> str:
    """What ``jupyter *args`` prints (both streams: the list commands write to stderr)."""
    result = subprocess.run(
        [installed / "jupyter", *args],
        env=clean_env(installed, home),
        cwd=home,
        capture_output=True,
        text=True,
        check=True,
    )
    return ANSI.sub("", result.stdout + result.stderr)


def test_after_pip_install_jupyter_lists_the_server_extension_enabled(
    installed: Path, tmp_path: Path
) -> None:
    listed = jupyter(installed, tmp_path, "server", "extension", "list")
    assert re.search(r"^\s*sutro_widget enabled$", listed, re.MULTILINE), listed
    assert re.search(r"^\s*sutro_widget [0-9][^ ]* OK$", listed, re.MULTILINE), listed


def test_after_pip_install_jupyter_lists_the_lab_extension_enabled_and_prebuilt(
    installed: Path, tmp_path: Path
) -> None:
    listed = jupyter(installed, tmp_path, "labextension", "list")
    line = next((ln for ln in listed.splitlines() if "sutro-widget" in ln), "")
    assert re.search(r"sutro-widget v[0-9][^ ]* enabled OK \(python, sutro-widget\)", line), listed
