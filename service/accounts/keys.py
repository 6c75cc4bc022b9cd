"""The secret that signs session cookies and the forms' CSRF tokens.

The ``secret_key`` setting when given; else a random key made once and kept in the file
``secret_key`` beside the store (readable by its owner only), so that sessions outlive a
restart and every process of one service signs alike. Written whole or not at all: made
in a temporary file, then linked into place, which fails if another process was first (its
key is then read).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "secret_key"


def secret_key(config) -> str:
    if config.secret_key:
        return config.secret_key
    path = Path(config.store) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}.tmp")
        handle = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            os.write(handle, secrets.token_hex(32).encode("ascii"))
            os.fsync(handle)
            os.close(handle)
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()
