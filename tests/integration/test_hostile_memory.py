"""No answer can make the client hold more than a few MB: caps are on decoded bytes.

Each probe runs the client in a subprocess of its own against a raw-socket
server here, and reads that subprocess's peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss``) before and after the request, so the
peak is the probe's alone. Before bounded decoding a 1 MB gzip body was
inflated a whole network read at a time (64 KiB -> 64 MiB) and ``gzip, gzip``
inflated twice; a progress line without a newline was buffered whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from sutro_widget import ProtocolError
from sutro_widget.api.decoding import BodyCap, BoundedDecoder, LineSplitter
from sutro_widget.api.limits import MAX_BODY_BYTES, MAX_STREAM_LINE
from tests import hostile_servers as hostile

ROOT = Path(__file__).parents[2]
#: The most a probe may add to its process's peak RSS.
BUDGET_MIB = 100

PROBE = r"""
import asyncio, json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a bomb must not take the machine
import httpx
from sutro_widget import SutroClient
kind, url = sys.argv[1], sys.argv[2]
client = SutroClient(api_key="k", base_url=url)

async def stream():
    async with httpx.AsyncClient() as http:
        async for _ in client.stream_progress_async("job-1", http):
            pass

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
try:
    client.get_status("job-1") if kind == "status" else asyncio.run(stream())
    error = "none"
except BaseException as exc:
    error = f"{type(exc).__name__}: {exc}"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"error": error, "seconds": round(time.monotonic() - started, 2),
                  "peak_rise_mib": round((after - before) / 1024, 1)}))
"""


def probe(kind: str, play: hostile.Play) -> dict[str, object]:
    """Run one request in a fresh interpreter against ``play``; its error, time, RSS rise."""
    with hostile.HostileServer(play) as server:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", PROBE, kind, server.url],
            capture_output=True, text=True, timeout=90, env=env, cwd=ROOT,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def stream_of(play: hostile.Play) -> hostile.Play:
    return hostile.by_endpoint(hostile.answer("404 Not Found", b"{}"), stream_job_progress=play)


PROBES = {
    "gzip_bomb_1GiB": lambda: ("status", hostile.encoded(hostile.gzip_bomb(), "gzip")),
    "gzip_gzip_bomb": lambda: (
        "status", hostile.encoded(hostile.double_gzip_bomb(), "gzip, gzip")),
    "stream_gzip_bomb": lambda: (
        "stream", stream_of(hostile.encoded_stream(hostile.gzip_bomb(), "gzip"))),
    "endless_line": lambda: ("stream", stream_of(hostile.endless_line(512 << 20))),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PROBES))
def test_a_hostile_body_costs_under_100_mb(name: str) -> None:
    kind, play = PROBES[name]()
    result = probe(kind, play)
    assert str(result["error"]).startswith("ProtocolError"), result
    assert float(str(result["peak_rise_mib"])) < BUDGET_MIB, result


# -- the bounded decoder itself, with bytes ---------------------------------------------


def gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def test_chained_encodings_are_undone_last_first() -> None:
    body = b'{"job_status": "running"}'
    decoder = BoundedDecoder("gzip, deflate")
    deflated = zlib.compress(gzip(body))
    assert b"".join(decoder.feed(deflated)) == body


def test_raw_deflate_and_multi_member_gzip_are_read() -> None:
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = raw.compress(b"hello") + raw.flush()
    assert b"".join(BoundedDecoder("deflate").feed(data)) == b"hello"
    assert b"".join(BoundedDecoder("gzip").feed(gzip(b"ab") + gzip(b"cd"))) == b"abcd"


def test_pieces_never_exceed_the_piece_size_however_well_it_compresses() -> None:
    pieces = list(BoundedDecoder("gzip").feed(gzip(bytes(10 << 20))))
    assert sum(map(len, pieces)) == 10 << 20
    assert max(map(len, pieces)) <= 64 * 1024


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, compress"])
def test_encodings_we_did_not_ask_for_are_refused(encoding: str) -> None:
    with pytest.raises(ProtocolError, match="not asked for"):
        BoundedDecoder(encoding)


def test_the_body_cap_counts_decoded_bytes() -> None:
    cap = BodyCap(200, {"content-encoding": "gzip"})
    with pytest.raises(ProtocolError, match="larger than"):
        cap.add_raw(gzip(bytes(MAX_BODY_BYTES + 1)))


def test_a_partial_line_is_refused_as_soon_as_it_passes_the_cap() -> None:
    splitter = LineSplitter(None)
    assert list(splitter.feed(b'{"a": 1}\r\n{"b"')) == ['{"a": 1}']
    with pytest.raises(ProtocolError, match="too long"):
        list(splitter.feed(b"x" * MAX_STREAM_LINE))
