"""The accounts, kept in a SQLite file beside the store (``accounts.sqlite``).

Why SQLite and not the store: accounts are not data of the service. Their e-mails and
password hashes must never reach SPARQL, the dumps, the catalog or the history, which read
every graph; SQLite comes with Python, makes each change one transaction (journaled: after a
crash the file holds the previous state or the whole change, never a partial write), and
lets the server's threads read while ``mediation users`` changes an account from another
process (WAL). The file is created readable by its owner only.

A token is a random secret (256 bits); the file keeps its SHA-256 only, which is enough for
a secret that long (no dictionary to try) and lets a request find its token by one index
look-up. A session names its account by the account's number and a session key that changes
when the password is reset, so a reset ends every session opened before it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import BadRequest, Conflict, NotFound
from ..files import sqlite_transaction
from .drafts import Drafts
from .passwords import hash_password, needs_rehash, password_matches
from .roles import checked_role

ACCOUNTS_FILE = "accounts.sqlite"
#: What a token starts with: a secret scanner (and a person) recognises it.
TOKEN_PREFIX = "mediation_"

ACCOUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS account (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,        -- an e-mail address or a login, in lower case
    name TEXT NOT NULL,                -- the display name
    role TEXT NOT NULL,
    password TEXT NOT NULL,            -- Argon2id, PHC string
    disabled INTEGER NOT NULL DEFAULT 0,
    session_key TEXT NOT NULL,         -- changes on a password reset: ends the sessions
    created TEXT NOT NULL,
    last_sign_in TEXT
);
CREATE TABLE IF NOT EXISTS organisation (
    account INTEGER NOT NULL REFERENCES account(id),
    iri TEXT NOT NULL,
    PRIMARY KEY (account, iri)
);
CREATE TABLE IF NOT EXISTS token (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account(id),
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,       -- SHA-256 of the token, hexadecimal
    created TEXT NOT NULL,
    last_used TEXT,
    revoked TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS token_name ON token(account, name) WHERE revoked IS NULL;
"""

_LOGIN = re.compile(r"^(?:[^\s@]{1,64}@[^\s@]+\.[^\s@]+|[a-z0-9][a-z0-9._-]{1,63})$")
_TOKEN_NAME = re.compile(r"^[\w .@-]{1,64}$")


@dataclass(frozen=True)
class Account:
    id: int
    login: str
    name: str
    role: str
    disabled: bool
    created: str
    last_sign_in: str | None
    organisations: tuple[str, ...]
    session_key: str

    @property
    def agent_name(self) -> str:
        """The name the history records this account's writes under: its number, never its
        e-mail (the history is public)."""
        return f"compte-{self.id}"


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    created: str
    last_used: str | None
    revoked: str | None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def checked_login(login: str) -> str:
    """An e-mail address or a login (letters, digits, ``._-``), in lower case."""
    folded = login.strip().lower()
    if not _LOGIN.match(folded):
        raise BadRequest(
            f"Identifiant invalide « {login[:80]} » : une adresse électronique, ou des lettres, "
            "des chiffres et « . _ - » (2 à 64).",
            f'Invalid login "{login[:80]}": an e-mail address, or letters, digits and ". _ -" '
            "(2 to 64).",
        )
    return folded


def checked_token_name(name: str) -> str:
    if not _TOKEN_NAME.match(name.strip()):
        raise BadRequest(
            "Nom de jeton invalide : de 1 à 64 lettres, chiffres, espaces et « . _ @ - ».",
            'Invalid token name: 1 to 64 letters, digits, spaces and ". _ @ -".',
        )
    return name.strip()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _no_account(login: str) -> NotFound:
    return NotFound(f"Aucun compte « {login} ».", f'No account "{login}".')


class Accounts:
    """The accounts file: one connection per thread, every change one transaction."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():  # created for its owner only: it holds password hashes
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db().executescript(ACCOUNTS_SCHEMA)  # each statement its own: IF NOT EXISTS
        #: The publishers' drafts, in the same file (``drafts.py``).
        self.drafts = Drafts(self)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")  # a disable is durable once said
            db.execute("PRAGMA foreign_keys = ON")
            self._local.db = db
        return db

    def _change(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite_transaction(self._db())

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- reading ---------------------------------------------------------------------------

    def _account(self, row: sqlite3.Row | None) -> Account | None:
        if row is None:
            return None
        iris = self._db().execute(
            "SELECT iri FROM organisation WHERE account = ? ORDER BY iri", (row["id"],)
        )
        return Account(
            id=row["id"],
            login=row["login"],
            name=row["name"],
            role=row["role"],
            disabled=bool(row["disabled"]),
            created=row["created"],
            last_sign_in=row["last_sign_in"],
            organisations=tuple(r["iri"] for r in iris),
            session_key=row["session_key"],
        )

    def find(self, login: str) -> Account | None:
        row = (
            self._db()
            .execute("SELECT * FROM account WHERE login = ?", (login.strip().lower(),))
            .fetchone()
        )
        return self._account(row)

    def get(self, login: str) -> Account:
        """The account of ``login``, or the 404 that names it."""
        found = self.find(login)
        if found is None:
            raise _no_account(login)
        return found

    def by_id(self, number: int) -> Account | None:
        row = self._db().execute("SELECT * FROM account WHERE id = ?", (number,)).fetchone()
        return self._account(row)

    def all(self) -> list[Account]:
        rows = self._db().execute("SELECT * FROM account ORDER BY login").fetchall()
        return [a for a in map(self._account, rows) if a is not None]

    def tokens(self, account: Account) -> list[ApiToken]:
        rows = self._db().execute(
            "SELECT id, name, created, last_used, revoked FROM token WHERE account = ? "
            "ORDER BY revoked IS NOT NULL, created DESC, id DESC",
            (account.id,),
        )
        return [ApiToken(**dict(row)) for row in rows]

    # -- changing --------------------------------------------------------------------------

    def add(
        self, login: str, name: str, role: str, password: str, organisations: tuple[str, ...] = ()
    ) -> Account:
        login, role = checked_login(login), checked_role(role)
        name = name.strip() or login
        hashed = hash_password(password)  # before the transaction: it takes a while
        with self._change() as db:
            if db.execute("SELECT 1 FROM account WHERE login = ?", (login,)).fetchone():
                raise Conflict(f"Le compte « {login} » existe déjà.", f'Account "{login}" exists.')
            cursor = db.execute(
                "INSERT INTO account (login, name, role, password, session_key, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (login, name, role, hashed, secrets.token_hex(16), _now()),
            )
            db.executemany(
                "INSERT OR IGNORE INTO organisation (account, iri) VALUES (?, ?)",
                [(cursor.lastrowid, iri) for iri in organisations],
            )
        return self.get(login)

    def _update(self, login: str, assignments: str, values: tuple) -> Account:
        with self._change() as db:
            cursor = db.execute(
                f"UPDATE account SET {assignments} WHERE login = ?",  # assignments are ours
                (*values, login.strip().lower()),
            )
            if cursor.rowcount == 0:
                raise _no_account(login)
        return self.get(login)

    def set_role(self, login: str, role: str) -> Account:
        return self._update(login, "role = ?", (checked_role(role),))

    def set_password(self, login: str, password: str) -> Account:
        """A new password; every session opened with the old one ends."""
        self.get(login)
        return self._update(
            login, "password = ?, session_key = ?", (hash_password(password), secrets.token_hex(16))
        )

    def set_disabled(self, login: str, disabled: bool) -> Account:
        """A disabled account's sessions and tokens stop working at the next request."""
        return self._update(login, "disabled = ?", (int(disabled),))

    def set_organisations(
        self, login: str, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()
    ) -> Account:
        account = self.get(login)
        with self._change() as db:
            db.executemany(
                "INSERT OR IGNORE INTO organisation (account, iri) VALUES (?, ?)",
                [(account.id, iri) for iri in add],
            )
            db.executemany(
                "DELETE FROM organisation WHERE account = ? AND iri = ?",
                [(account.id, iri) for iri in remove],
            )
        return self.get(login)

    def password_is(self, login: str, password: str) -> bool:
        """True when ``password`` is the account's (a person changing it gives it first)."""
        row = (
            self._db()
            .execute("SELECT password FROM account WHERE login = ?", (login.strip().lower(),))
            .fetchone()
        )
        return password_matches(row["password"] if row else None, password)

    def sign_in(self, login: str, password: str) -> Account | None:
        """The account ``login`` and ``password`` open, else None, whatever was wrong (no such
        account, a wrong password, a disabled account: told apart by :meth:`find` only, for
        a person who gave the right password)."""
        row = (
            self._db()
            .execute("SELECT id, password FROM account WHERE login = ?", (login.strip().lower(),))
            .fetchone()
        )
        if not password_matches(row["password"] if row else None, password):
            return None
        account = self.by_id(row["id"])
        if account is None or account.disabled:
            return None
        with self._change() as db:
            db.execute("UPDATE account SET last_sign_in = ? WHERE id = ?", (_now(), account.id))
            if needs_rehash(row["password"]):
                db.execute(
                    "UPDATE account SET password = ? WHERE id = ?",
                    (hash_password(password), account.id),
                )
        return account

    # -- tokens ----------------------------------------------------------------------------

    def new_token(self, login: str, name: str) -> str:
        """A new token for ``login``, returned once: the file keeps only its digest."""
        account, name = self.get(login), checked_token_name(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._change() as db:
            try:
                db.execute(
                    "INSERT INTO token (account, name, digest, created) VALUES (?, ?, ?, ?)",
                    (account.id, name, token_digest(token), _now()),
                )
            except sqlite3.IntegrityError:
                raise Conflict(
                    f"Le compte a déjà un jeton « {name} » : révoquez-le ou choisissez un autre nom.",
                    f'The account already has a token "{name}": revoke it or choose another name.',
                ) from None
        return token

    def revoke_token(self, login: str, name: str) -> ApiToken:
        account = self.get(login)
        with self._change() as db:
            row = db.execute(
                "SELECT id FROM token WHERE account = ? AND name = ? AND revoked IS NULL",
                (account.id, name),
            ).fetchone()
            if row is None:
                raise NotFound(
                    f"Aucun jeton actif « {name} » pour « {account.login} ».",
                    f'No active token "{name}" for "{account.login}".',
                )
            db.execute("UPDATE token SET revoked = ? WHERE id = ?", (_now(), row["id"]))
        return next(t for t in self.tokens(account) if t.id == row["id"])

    def has_tokens(self) -> bool:
        """True when some account may have a working token (writes are not all refused)."""
        row = self._db().execute("SELECT 1 FROM token WHERE revoked IS NULL LIMIT 1").fetchone()
        return row is not None

    def token_account(self, token: str) -> Account | None:
        """The enabled account an active ``token`` belongs to, else None; records its use."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        row = (
            self._db()
            .execute(
                "SELECT id, account FROM token WHERE digest = ? AND revoked IS NULL",
                (token_digest(token),),
            )
            .fetchone()
        )
        account = self.by_id(row["account"]) if row else None
        if account is None or account.disabled:
            return None
        with self._change() as db:
            db.execute("UPDATE token SET last_used = ? WHERE id = ?", (_now(), row["id"]))
        return account


def accounts_path(config) -> Path:
    """``accounts_path`` when set, else ``<store dir>/accounts.sqlite``."""
    configured = getattr(config, "accounts_path", "") or ""
    return Path(configured) if configured else Path(config.store) / ACCOUNTS_FILE
