"""The bundled simulator in a process of its own, for the benchmarks that need one."""

from __future__ import annotations

import subprocess
import sys


def start_simulator(time_scale: float, port: int = 0) -> tuple[subprocess.Popen[str], str, str]:
    """Start ``python -m sutro_widget.simulator``; return the process, its URL and its key."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sutro_widget.simulator", "--port", str(port),
         "--time-scale", str(time_scale)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    url = key = ""
    for line in process.stdout:
        if line.startswith("SUTRO_API_URL="):
            url = line.split("=", 1)[1].strip().strip("'")
        elif line.startswith("SUTRO_API_KEY="):
            key = line.split("=", 1)[1].strip().strip("'")
        if url and key:
            break
    return process, url, key
