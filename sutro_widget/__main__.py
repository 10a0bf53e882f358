"""``python -m sutro_widget``: the terminal, for following jobs outside a notebook.

``python -m sutro_widget watch JOB_ID [JOB_ID ...]`` follows jobs to their end
(see :mod:`sutro_widget.terminal.cli`); with no command it prints its help.
The simulator keeps its own entry point, ``python -m sutro_widget.simulator``.
"""

from __future__ import annotations

import sys

from .terminal.cli import main
from .terminal.follow import EXIT_INTERRUPTED

if __name__ == "__main__":
    try:
        status = main()
    except KeyboardInterrupt:  # Ctrl-C before the terminal's own handler was installed
        sys.stderr.write("\n")
        status = EXIT_INTERRUPTED
    raise SystemExit(status)
