"""Bounded decoding of what the server sends: compressed bytes, bodies, stream lines.

httpx inflates a whole network read at once and hands the result over, so a
size cap checked afterwards is too late: 64 KiB of gzip can be 64 MiB of
zeros, and ``Content-Encoding: gzip, gzip`` multiplies that again. Here raw
bytes (``response.aiter_raw()``) go through :class:`BoundedDecoder`, which
never hands on more than :data:`~sutro_widget.api.limits.DECODE_PIECE_BYTES`
at a time, so :class:`BodyCap` and :class:`LineSplitter` see every piece as
it is produced and refuse as soon as a cap is passed. Pure (no sockets), so
it is tested with bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping

from ..errors import ProtocolError
from .limits import DECODE_PIECE_BYTES, MAX_BODY_BYTES, MAX_STREAM_LINE

#: ``Accept-Encoding`` we send: exactly what :class:`BoundedDecoder` can undo.
ACCEPTED_ENCODINGS = "gzip, deflate"
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class _Stage:
    """One ``Content-Encoding`` layer, undone piece by bounded piece."""

    def __init__(self, encoding: str) -> None:
        self._wbits = _WBITS[encoding]
        self._deflate = encoding == "deflate"
        self._started = False
        self._z = zlib.decompressobj(self._wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield what ``data`` inflates to, at most DECODE_PIECE_BYTES per piece."""
        while True:
            try:
                out = self._z.decompress(data, DECODE_PIECE_BYTES)
            except zlib.error:
                if self._deflate and not self._started:
                    # "deflate" is often sent raw, without the zlib header.
                    self._z, self._deflate = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise ProtocolError("The server's compressed answer is corrupt.") from None
            self._started = True
            data = self._z.unconsumed_tail
            if self._z.eof:
                # Another gzip member may follow; anything else after the end is ignored.
                rest = self._z.unused_data
                self._z = zlib.decompressobj(self._wbits)
                data = rest if rest[:2] == b"\x1f\x8b" and self._wbits & 16 else b""
            if out:
                yield out
            # A full piece may leave output inside zlib even when all input is taken.
            if not data and len(out) < DECODE_PIECE_BYTES:
                return


class BoundedDecoder:
    """Undo a response's ``Content-Encoding`` (none, gzip, deflate, or a chain of them).

    Anything else (``br``, ``zstd``, ...) is refused with a :class:`ProtocolError`
    rather than read as if it were plain text: we only ask for these two.
    """

    def __init__(self, content_encoding: str | None) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",")]
        names = [n for n in names if n and n != "identity"]
        unknown = [n for n in names if n not in _WBITS]
        if unknown:
            raise ProtocolError(
                f"The server encoded its answer as {unknown[0]!r}, which was not asked for "
                "and is not read.",
                status_code=None,
            )
        # Encodings are listed in the order they were applied: undo the last first.
        self._stages = [_Stage(n) for n in reversed(names)]

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces of ``raw``, each at most DECODE_PIECE_BYTES long."""
        return self._through(raw, 0)

    def _through(self, data: bytes, depth: int) -> Iterator[bytes]:
        if depth == len(self._stages):
            for start in range(0, len(data), DECODE_PIECE_BYTES):
                yield data[start : start + DECODE_PIECE_BYTES]
            return
        for piece in self._stages[depth].feed(data):
            yield from self._through(piece, depth + 1)


class BodyCap:
    """The one capped body reader: collects decoded pieces, refusing past MAX_BODY_BYTES.

    Raw bytes count too, and a declared ``Content-Length`` over the cap is
    refused before anything is read.
    """

    def __init__(self, status_code: int, headers: Mapping[str, str]) -> None:
        self._status_code = status_code
        self._chunks: list[bytes] = []
        self._size = 0
        self._raw = 0
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise self._too_large()
        self._decoder = BoundedDecoder(headers.get("content-encoding"))

    def add_raw(self, raw: bytes) -> None:
        """Take the next raw chunk; raise :class:`ProtocolError` once a cap is passed."""
        self._raw += len(raw)
        if self._raw > MAX_BODY_BYTES:
            raise self._too_large()
        for piece in self._decoder.feed(raw):
            self.add(piece)

    def add(self, chunk: bytes) -> None:
        """Take the next decoded chunk; raise :class:`ProtocolError` once the cap is passed."""
        self._size += len(chunk)
        if self._size > MAX_BODY_BYTES:
            raise self._too_large()
        self._chunks.append(chunk)

    def body(self) -> bytes:
        """Everything read so far, as one ``bytes``."""
        return b"".join(self._chunks)

    def _too_large(self) -> ProtocolError:
        code = self._status_code
        return ProtocolError(
            f"The server's answer (HTTP {code}) is larger than "
            f"{MAX_BODY_BYTES // 1024} KiB, too large to be a job status; it was not read.",
            status_code=code,
        )


class LineSplitter:
    """Split a decoded stream into lines, refusing a line longer than MAX_STREAM_LINE.

    The partial line is checked as it grows, so a server that never sends a
    newline costs at most MAX_STREAM_LINE bytes, not all it sends.
    """

    def __init__(self, content_encoding: str | None) -> None:
        self._decoder = BoundedDecoder(content_encoding)
        self._partial = bytearray()

    def feed(self, raw: bytes) -> Iterator[str]:
        """Yield each complete line ``raw`` finishes (without its line ending)."""
        for piece in self._decoder.feed(raw):
            start = 0
            while (end := piece.find(b"\n", start)) != -1:
                self._partial += piece[start:end]
                self._check()
                line, self._partial = bytes(self._partial), bytearray()
                yield line.rstrip(b"\r").decode("utf-8", errors="replace")
                start = end + 1
            self._partial += piece[start:]
            self._check()

    def rest(self) -> str | None:
        """The last line if the stream ended without a newline after it."""
        if not self._partial:
            return None
        return bytes(self._partial).rstrip(b"\r").decode("utf-8", errors="replace")

    def _check(self) -> None:
        if len(self._partial) > MAX_STREAM_LINE:
            raise ProtocolError(
                "A progress update was too long to be one; the stream was dropped.",
                status_code=200,
            )
