"""``mediation users``: the accounts, managed by the operator on the server's machine.

The group is made here, beside what it manages, and added to the ``mediation`` command by
``service/cli.py``, which hands over how settings become options (the command line's
business). A password is read from the terminal (asked twice) or from standard input (one
line), never from an argument, which other users of the machine could read.

Exit codes as every ``mediation`` command: 0 done, 1 the work failed (no such account, one
that exists already, an organisation missing from the data), 2 a usage error (an unknown
role, an invalid login or address, a password too short).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..config import Config
from ..errors import BadRequest, MediationError, NotFound
from .database import Account, Accounts, accounts_path
from .organisations import checked_organisation
from .roles import ROLES

if TYPE_CHECKING:
    from ..store import Store

#: The settings these commands read.
USERS_SETTINGS = [
    "store",
    "accounts_path",
    "base_url",
    "remote_query_url",
    "remote_update_url",
    "remote_user",
    "remote_password",
]


def queue_draft(config: Config, login: str, kind: str, iri: str, data: dict, turtle: str) -> int:
    """A draft of ``login``'s made elsewhere (``mediation ingest --draft-for``), put straight
    into the moderators' queue; its number. Raises the 404 of an unknown login."""
    accounts = Accounts(accounts_path(config))
    try:
        account = accounts.get(login)
        made = accounts.drafts.create(account.id, kind, iri, data, turtle)
        return accounts.drafts.save(made.id, iri, data, turtle, submit=True).id
    finally:
        accounts.close()


def _fail(error: MediationError) -> NoReturn:
    click.echo(error.bilingual(), err=True)
    sys.exit(2 if isinstance(error, BadRequest) and not isinstance(error, NotFound) else 1)


@contextmanager
def _accounts(config: Config) -> Iterator[Accounts]:
    accounts = Accounts(accounts_path(config))
    try:
        yield accounts
    except MediationError as error:
        _fail(error)
    finally:
        accounts.close()


@contextmanager
def _data(config: Config) -> Iterator[Store]:
    """The store, read-only, to check organisations against: the embedded one may be served
    at the same time (a read-only open takes no lock)."""
    from ..store import open_snapshot, open_store

    if config.remote_query_url:
        store = open_store(config, workers=False)
    elif not (Path(config.store) / "oxigraph").is_dir():
        _fail(
            NotFound(
                f"Aucun entrepôt à {config.store} : lancez le service une fois avant de lier "
                "un compte à une organisation.",
                f"No store at {config.store}: start the service once before linking an "
                "account to an organisation.",
            )
        )
    else:
        store = open_snapshot(Path(config.store))
    try:
        yield store
    finally:
        store.close()


def _organisations(config: Config, iris: tuple[str, ...]) -> tuple[str, ...]:
    if not iris:
        return ()
    try:
        checked = tuple(checked_organisation(i, config.base_url, None) for i in iris)
        with _data(config) as store:
            return tuple(checked_organisation(i, config.base_url, store) for i in checked)
    except MediationError as error:
        _fail(error)


def _password() -> str:
    """From the terminal, asked twice; else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mot de passe / Password: ")
        if getpass.getpass("Encore / Again: ") != first:
            raise click.UsageError("Les deux mots de passe diffèrent.\nThe two passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _said(account: Account) -> str:
    state = "désactivé / disabled" if account.disabled else "actif / active"
    lines = [
        f"{account.login}\t{account.name}\t{account.role}\t{state}",
        f"  créé / created {account.created} · "
        f"dernière connexion / last sign-in {account.last_sign_in or '—'}",
    ]
    lines += [f"  organisation: {iri}" for iri in account.organisations]
    return "\n".join(lines)


def users_command(
    settings_options: Callable[[list[str]], Callable], config_from: Callable[[dict], Config]
) -> click.Group:
    """The ``users`` group, its options made by ``settings_options`` and read by
    ``config_from`` (the command line's own)."""
    options = settings_options(USERS_SETTINGS)
    role_choice = click.Choice(list(ROLES))

    @click.group("users")
    def users() -> None:
        """Comptes de /publish — the accounts people sign in with at /publish."""

    @users.command("add")
    @click.argument("login")
    @click.option("--name", default="", help="Display name (default: the login).")
    @click.option("--role", type=role_choice, default="publisher", show_default=True)
    @click.option(
        "--organisation", "organisations", multiple=True, help="IRI of an organisation it acts for."
    )
    @options
    def add(
        login: str, name: str, role: str, organisations: tuple[str, ...], **settings: Any
    ) -> None:
        """Create an account; its password is read from the terminal or standard input."""
        config = config_from(settings)
        iris = _organisations(config, organisations)
        with _accounts(config) as accounts:
            account = accounts.add(login, name, role, _password(), iris)
            click.echo(f"Compte créé / account created:\n{_said(account)}")

    @users.command("role")
    @click.argument("login")
    @click.argument("role", type=role_choice)
    @options
    def role(login: str, role: str, **settings: Any) -> None:
        """Give an account another role."""
        with _accounts(config_from(settings)) as accounts:
            click.echo(_said(accounts.set_role(login, role)))

    @users.command("reset")
    @click.argument("login")
    @options
    def reset(login: str, **settings: Any) -> None:
        """Set a new password (read from the terminal or standard input); ends its sessions."""
        with _accounts(config_from(settings)) as accounts:
            accounts.get(login)
            accounts.set_password(login, _password())
            click.echo(f"Mot de passe changé / password changed: {login}")

    @users.command("disable")
    @click.argument("login")
    @options
    def disable(login: str, **settings: Any) -> None:
        """Disable an account: its sessions and tokens stop working at once."""
        with _accounts(config_from(settings)) as accounts:
            click.echo(_said(accounts.set_disabled(login, True)))

    @users.command("enable")
    @click.argument("login")
    @options
    def enable(login: str, **settings: Any) -> None:
        """Enable a disabled account again."""
        with _accounts(config_from(settings)) as accounts:
            click.echo(_said(accounts.set_disabled(login, False)))

    @users.command("list")
    @options
    def list_accounts(**settings: Any) -> None:
        """Every account: login, name, role, state, dates, organisations."""
        with _accounts(config_from(settings)) as accounts:
            for account in accounts.all():
                click.echo(_said(account))

    @users.command("organisations")
    @click.argument("login")
    @click.option("--add", "added", multiple=True, help="IRI of an organisation to act for.")
    @click.option("--remove", "removed", multiple=True, help="IRI of an organisation to drop.")
    @options
    def organisations(
        login: str, added: tuple[str, ...], removed: tuple[str, ...], **settings: Any
    ) -> None:
        """Show, add or remove the organisations an account acts for."""
        config = config_from(settings)
        iris = _organisations(config, added)
        with _accounts(config) as accounts:
            account = accounts.set_organisations(login, iris, tuple(i.strip() for i in removed))
            for iri in account.organisations:
                click.echo(iri)

    @users.group("token")
    def token() -> None:
        """An account's API tokens (for /sparql/update and /graphs)."""

    @token.command("new")
    @click.argument("login")
    @click.argument("name")
    @options
    def new_token(login: str, name: str, **settings: Any) -> None:
        """Create a token; it is shown this once (only its digest is kept)."""
        with _accounts(config_from(settings)) as accounts:
            click.echo(accounts.new_token(login, name))

    @token.command("revoke")
    @click.argument("login")
    @click.argument("name")
    @options
    def revoke(login: str, name: str, **settings: Any) -> None:
        """Revoke a token: refused from its next use."""
        with _accounts(config_from(settings)) as accounts:
            revoked = accounts.revoke_token(login, name)
            click.echo(f"Jeton révoqué / token revoked: {revoked.name} ({revoked.revoked})")

    @token.command("list")
    @click.argument("login")
    @options
    def list_tokens(login: str, **settings: Any) -> None:
        """An account's tokens: name, created, last used, revoked."""
        with _accounts(config_from(settings)) as accounts:
            for item in accounts.tokens(accounts.get(login)):
                click.echo(
                    f"{item.name}\t{item.created}\t{item.last_used or '—'}\t"
                    f"{'révoqué / revoked ' + item.revoked if item.revoked else 'actif / active'}"
                )

    return users
