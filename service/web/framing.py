"""The HTTP server under the application: waitress, with its reading of request framing bounded.

waitress 3.0.2 (the latest release) keeps the size line of a chunked body (and the trailer
after the last chunk) in a buffer it joins to every new read and scans again from the start
until it finds the line's end: a size line that never ends costs the square of its length
(measured: 8 MB 5.4 s, 16 MB 23.7 s, 100 MB more than 10 minutes of a core), and nothing in
its settings bounds it but the whole body's size. Its own code carries the bound it never
applies (``# max_control_line = 1024`` in ``waitress/receiver.py``). Here each server this
service runs reads chunked bodies with that bound: a size line longer than
:data:`MAX_CHUNK_LINE` bytes, or a trailer longer than the largest header section, ends the
request with waitress's own 400 and closes the connection, after at most one more read.

Nothing in waitress is patched: the servers it creates are given a channel class (its
documented extension point, ``channel_class`` and ``parser_class``) whose parser swaps the
chunked receiver for the bounded one.
"""

from __future__ import annotations

from typing import Any

import waitress
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.receiver import ChunkedReceiver
from waitress.server import BaseWSGIServer
from waitress.utilities import BadRequest

from ..config import Config

#: The longest chunk-size line (RFC 9112 §7.1: the size in hexadecimal, then extensions)
#: accepted. Real clients send a few bytes; extensions are rare and short.
MAX_CHUNK_LINE = 4096


class BoundedChunkedReceiver(ChunkedReceiver):
    """waitress's chunked receiver, refusing a size line or a trailer past its bound instead of
    buffering and rescanning it on every read."""

    def __init__(self, buf: Any, max_trailer: int) -> None:
        super().__init__(buf)
        self.max_trailer = max_trailer

    def received(self, s: bytes) -> int:
        consumed = super().received(s)
        if self.error is None and len(self.control_line) > MAX_CHUNK_LINE:
            self._refuse(f"Chunk size line longer than {MAX_CHUNK_LINE} bytes")
        elif self.error is None and len(self.trailer) > self.max_trailer:
            self._refuse(f"Chunked trailer longer than {self.max_trailer} bytes")
        return consumed

    def _refuse(self, reason: str) -> None:
        self.error = BadRequest(reason)
        self.all_chunks_received = True
        self.control_line = self.trailer = b""


class BoundedParser(HTTPRequestParser):
    """waitress's request parser with the bounded chunked receiver."""

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if type(self.body_rcv) is ChunkedReceiver:
            self.body_rcv = BoundedChunkedReceiver(
                self.body_rcv.getbuf(), self.adj.max_request_header_size
            )


class BoundedChannel(HTTPChannel):
    parser_class = BoundedParser


def largest_body(config: Config) -> int:
    """The largest request body a route reads (an upload, a form-encoded query or update: the
    routes refuse more with their own bilingual 413), with room so that those answer first."""
    return 2 * max(config.max_upload_bytes, 3 * config.max_query_bytes + 65536)


def bounded_server(app: Any, config: Config, **options: Any) -> Any:
    """A waitress server for ``app`` on the configured host and port, its channels reading
    framing with bounds (``options``: more waitress settings)."""
    server = waitress.create_server(
        app,
        host=config.host,
        port=config.port,
        threads=config.threads,
        ident="mediation",
        clear_untrusted_proxy_headers=True,
        # waitress buffers a chunked body whole before the application sees it: at most this.
        max_request_body_size=largest_body(config),
        **options,
    )
    # One listening socket gives its server; several give a front whose map holds them.
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = BoundedChannel
    return server


__all__ = ["MAX_CHUNK_LINE", "BoundedChannel", "bounded_server", "largest_body"]
