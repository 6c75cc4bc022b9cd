"""An audit hook that lets a harvest reach this machine only, and says what else it tried.

Imported first by the harvest scripts of this folder (they run in the portals' own
environments). Every host name looked up (``socket.getaddrinfo``) and every address connected
to (``socket.connect``) other than 127.0.0.1, ::1 or localhost is recorded and refused as on
a machine without network: a lookup fails as for an unknown name (``socket.gaierror``), a
connection is refused. The harvester goes on as it does when a site is down, and the script
reports each attempt with the code that made it.
"""

from __future__ import annotations

import socket
import sys
import traceback

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
#: Frames of these files are the plumbing of a request, not the code that asked for it.
PLUMBING = ("/socket.py", "/http/client.py", "/urllib/request.py", "/ssl.py", "loopback_only.py")


def install() -> list[dict]:
    """Install the hook; the list it returns fills with the refused attempts."""
    refused: list[dict] = []

    def where() -> str:
        """The innermost frames of installed packages that led to the attempt."""
        frames = [
            f"{f.filename.split('site-packages/')[-1]}:{f.lineno} ({f.name})"
            for f in traceback.extract_stack()
            if "site-packages/" in f.filename and not f.filename.endswith(PLUMBING)
        ]
        return " < ".join(reversed(frames[-6:]))

    def refuse(event: str, host: str, port: object) -> None:
        refused.append({"event": event, "host": host, "port": port, "from": where()})
        if event == "socket.getaddrinfo":
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: refused by the test (offline)")
        raise ConnectionRefusedError(f"{host}:{port}: refused by the test (offline)")

    def hook(event: str, args: tuple) -> None:
        if event == "socket.getaddrinfo":
            host, port = args[0], args[1]
            if isinstance(host, bytes):
                host = host.decode()
            if host is not None and host not in LOOPBACK:
                refuse(event, host, port)
        elif event == "socket.connect":
            sock, address = args
            if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
                refuse(event, address[0], address[1])

    sys.addaudithook(hook)
    return refused
