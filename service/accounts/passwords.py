"""Passwords, hashed with Argon2id (argon2-cffi), never kept or logged in clear.

The parameters are RFC 9106's second recommended option ("low memory"), argon2-cffi's
defaults written out so that a change of library default does not change them silently:
Argon2id, 3 passes over 64 MiB with 4 lanes, a 16-byte random salt, a 32-byte hash. A hash
made with other parameters is replaced by one made with these at the next sign-in.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import BadRequest

HASHER = PasswordHasher(
    time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16, type=Type.ID
)
#: Shortest password accepted (ANSSI's advice for a password that is the only factor).
MIN_PASSWORD = 12
#: Longest: Argon2 hashes any length, but a megabyte of "password" is work for nothing.
MAX_PASSWORD = 1024

_dummy: list[str] = []
_dummy_lock = threading.Lock()


def checked_password(password: str) -> str:
    """``password`` when it is long enough and not too long, else the 400 that says so."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise BadRequest(
            f"Le mot de passe doit compter de {MIN_PASSWORD} à {MAX_PASSWORD} caractères.",
            f"The password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long.",
        )
    return password


def hash_password(password: str) -> str:
    """The PHC string of ``password`` (``$argon2id$v=19$m=65536,t=3,p=4$…``)."""
    return HASHER.hash(checked_password(password))


def password_matches(hashed: str | None, password: str) -> bool:
    """True when ``password`` is the one ``hashed`` was made from. With no hash (no such
    account) a password is still checked against a hash of nothing, so that a wrong login
    takes as long as a wrong password and says nothing of which accounts exist."""
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return HASHER.verify(hashed or _dummy_hash(), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    return HASHER.check_needs_rehash(hashed)


def _dummy_hash() -> str:
    with _dummy_lock:
        if not _dummy:
            _dummy.append(HASHER.hash("no account has this password"))
        return _dummy[0]
