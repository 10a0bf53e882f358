"""Print the URL that opens a notebook in the Jupyter server with the given pid.

Used by ``scripts/demo``: Jupyter itself prints the Launcher's URL, and a user
who copies it from a headless machine should land on the demo notebook.
Prints nothing (exit 1) until that server is listed as running.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import quote


def main() -> int:
    """Find the server by pid and print ``{url}lab/tree/{path}?token=...``."""
    pid, path = int(sys.argv[1]), sys.argv[2]
    listed = subprocess.run(
        [sys.executable, "-m", "jupyter_server", "list", "--jsonlist"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    for server in json.loads(listed or "[]"):
        if server.get("pid") == pid:
            token = server.get("token") or ""
            suffix = f"?token={token}" if token else ""
            print(f"{server['url'].rstrip('/')}/lab/tree/{quote(path)}{suffix}")
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
