"""The events of a working day that the soak mixes into its faults (see soak.py).

* **interrupt**: ``wait()`` on a live card, ended by SIGINT (what Kernel >
  Interrupt sends) after a random moment; the card must keep following;
* **pause**: this whole process stopped with SIGSTOP for a while (a closed
  laptop lid), then continued by a helper process;
* **restart**: the simulator process killed and started again on its port;
* **certificate**: the TLS server a share of the cards follow swaps its
  certificate for one nobody trusts, and back (an inspecting proxy changing).

Each returns what it did, for the report; none may leak an error into the
process (soak.py counts what escapes).
"""

from __future__ import annotations

import os
import random
import signal
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from simulator_process import start_simulator

from sutro_widget import JobStatusWidget
from tests import hostile_servers as hostile


@dataclass
class DayEvents:
    """How many of each event the soak played, and what they showed."""

    interrupts: int = 0
    interrupted_cards_that_followed_on: int = 0
    pauses: int = 0
    paused_seconds: float = 0.0
    simulator_restarts: int = 0
    certificate_swaps: int = 0
    wait_problems: list[str] = field(default_factory=list)


def interrupt_a_wait(card: JobStatusWidget, rng: random.Random, events: DayEvents) -> None:
    """Block in ``card.wait()`` on this (main) thread and send ourselves SIGINT meanwhile."""
    timer = threading.Timer(rng.uniform(0.2, 2.0), os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        card.wait(timeout=10)
    except KeyboardInterrupt:
        events.interrupts += 1
        if card.polling or card.state in ("succeeded", "failed", "cancelled"):
            events.interrupted_cards_that_followed_on += 1
    except (TimeoutError, RuntimeError, Exception) as exc:  # the job ended or failed first
        events.wait_problems.append(type(exc).__name__)
    finally:
        timer.cancel()


def pause_this_process(seconds: float, events: DayEvents) -> None:
    """SIGSTOP this process for ``seconds`` (a helper sends SIGCONT), as a closed lid does."""
    helper = subprocess.Popen(
        ["sh", "-c", f"sleep 0.2; kill -STOP {os.getpid()}; sleep {seconds:.1f}; "
         f"kill -CONT {os.getpid()}"]
    )  # fmt: skip
    helper.wait()
    events.pauses += 1
    events.paused_seconds += seconds


class RestartableSimulator:
    """The simulator in a process of its own, that can be killed and started on the same port."""

    def __init__(self, time_scale: float) -> None:
        self.time_scale = time_scale
        self.url = self.key = ""
        self.process = self._start(port=0)

    def _start(self, port: int) -> subprocess.Popen[str]:
        process, self.url, self.key = start_simulator(self.time_scale, port)
        return process

    def restart(self, down_for: float, events: DayEvents) -> None:
        """Kill it, wait ``down_for`` seconds, start it again on the same port."""
        port = int(self.url.rsplit(":", 1)[1])
        self.stop()
        time.sleep(down_for)
        for _ in range(50):  # the port may linger a moment
            self.process = self._start(port)
            if self.process.poll() is None:
                break
            time.sleep(0.1)
        events.simulator_restarts += 1

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class SwappableTLSServer:
    """A TLS server answering "RUNNING" whose certificate is trusted (SSL_CERT_FILE) or not."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "trusted").mkdir(exist_ok=True)
        (folder / "stranger").mkdir(exist_ok=True)
        self.trusted_cert, trusted_key = hostile.self_signed_cert(folder / "trusted")
        stranger_cert, stranger_key = hostile.self_signed_cert(folder / "stranger")
        self._contexts = (
            hostile.tls_context(self.trusted_cert, trusted_key),
            hostile.tls_context(stranger_cert, stranger_key),
        )
        self.trusted = True
        self._server = hostile.HostileServer(
            hostile.answer("200 OK", hostile.status_body("job-tls", "RUNNING")),
            tls=_Switch(self),
        )
        self.url = self._server.url

    def context(self) -> ssl.SSLContext:
        return self._contexts[0 if self.trusted else 1]

    def swap(self, events: DayEvents) -> None:
        self.trusted = not self.trusted
        events.certificate_swaps += 1

    def close(self) -> None:
        self._server.close()


class _Switch(ssl.SSLContext):
    """A server context that wraps each new connection with the server's current certificate."""

    def __new__(cls, owner: SwappableTLSServer) -> _Switch:
        return super().__new__(cls, ssl.PROTOCOL_TLS_SERVER)

    def __init__(self, owner: SwappableTLSServer) -> None:
        self._owner = owner

    def wrap_socket(self, *args: object, **kwargs: object) -> ssl.SSLSocket:  # type: ignore[override]
        return self._owner.context().wrap_socket(*args, **kwargs)  # type: ignore[arg-type]
