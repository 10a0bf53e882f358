"""Following Sutro jobs in a terminal: ``python -m sutro_widget watch`` and terminal IPython.

The same poller, client and card-state reducer as the notebook card, drawn
as text: :mod:`~sutro_widget.terminal.line` (one job as one line; pure),
:mod:`~sutro_widget.terminal.tracker` (the poller's listener for one job),
:mod:`~sutro_widget.terminal.screens` (redrawn in place on a TTY, plain log
lines otherwise), :mod:`~sutro_widget.terminal.follow` (the loop and the exit
status) and :mod:`~sutro_widget.terminal.cli` (the command line). It sits
beside the widget, above :mod:`~sutro_widget.card`; nothing below imports it.
"""

from .cli import main
from .follow import exit_status, follow_jobs
from .line import render_line, render_log_line, render_outcome

__all__ = ["exit_status", "follow_jobs", "main", "render_line", "render_log_line", "render_outcome"]
