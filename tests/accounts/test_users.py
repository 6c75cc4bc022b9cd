"""``mediation users``: accounts made, changed and listed from the command line, the password
read from standard input, and the exit codes of the ``mediation`` command (0 done, 1 the
work failed, 2 a usage error), with the messages in French and in English."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from service.namespaces import ID

ORGANISATION = str(ID["actor/france-mediation"])


@pytest.fixture
def store_dir(tmp_path):
    return tmp_path / "store"


def test_an_account_made_then_changed_is_listed_as_it_now_is(users, store_dir, password):
    made = users(
        store_dir, "add", "Claire@Example.org", "--name", "Claire Dupont", "--role", "moderator",
        password=password,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "claire@example.org" in made.stdout  # logins are kept in lower case
    assert users(store_dir, "role", "claire@example.org", "administrator").returncode == 0
    assert users(store_dir, "disable", "claire@example.org").returncode == 0
    listed = users(store_dir, "list")
    assert listed.returncode == 0
    line = next(x for x in listed.stdout.splitlines() if x.startswith("claire@example.org"))
    assert "Claire Dupont" in line and "administrator" in line and "disabled" in line
    assert users(store_dir, "enable", "claire@example.org").returncode == 0
    assert "active" in users(store_dir, "list").stdout.splitlines()[0]


def test_the_file_keeps_no_password_nor_token_and_only_its_owner_reads_it(
    users, store_dir, password
):
    assert users(store_dir, "add", "dora", password=password).returncode == 0
    token = users(store_dir, "token", "new", "dora", "script").stdout.strip()
    assert token.startswith("mediation_")
    path = store_dir / "accounts.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as db:
        dump = "\n".join(db.iterdump())
    assert password not in dump and token not in dump
    assert "$argon2id$v=19$m=65536,t=3,p=4$" in dump


def test_tokens_are_named_listed_and_revoked(users, store_dir, password):
    assert users(store_dir, "add", "emile", password=password).returncode == 0
    first = users(store_dir, "token", "new", "emile", "agenda")
    assert first.returncode == 0
    again = users(store_dir, "token", "new", "emile", "agenda")
    assert again.returncode == 1
    assert "déjà un jeton" in again.stderr and "already has a token" in again.stderr
    revoked = users(store_dir, "token", "revoke", "emile", "agenda")
    assert revoked.returncode == 0, revoked.stderr
    listed = users(store_dir, "token", "list", "emile").stdout
    assert listed.startswith("agenda") and "revoked" in listed
    # A revoked token's name may be given to a new one.
    assert users(store_dir, "token", "new", "emile", "agenda").returncode == 0
    assert users(store_dir, "token", "revoke", "emile", "nothing").returncode == 1


def test_a_reset_reads_the_new_password_from_standard_input(users, store_dir, password):
    assert users(store_dir, "add", "fanny", password=password).returncode == 0
    reset = users(store_dir, "reset", "fanny", password="un autre mot de passe long")
    assert reset.returncode == 0, reset.stderr
    too_short = users(store_dir, "reset", "fanny", password="court")
    assert too_short.returncode == 2
    assert (
        "12 à 1024 caractères" in too_short.stderr and "12 to 1024 characters" in too_short.stderr
    )


def test_organisations_are_checked_against_the_data(users, server, tmp_path, password):
    """Against the shared server's store, opened read-only while it serves; the accounts in a
    file of the test's own."""
    accounts = ("--accounts-path", str(tmp_path / "accounts.sqlite"))
    store = server.store_dir
    assert users(store, "add", "gaston", password=password, extra=accounts).returncode == 0
    added = users(store, "organisations", "gaston", "--add", ORGANISATION, extra=accounts)
    assert added.returncode == 0, added.stderr
    assert added.stdout.split() == [ORGANISATION]
    person = str(ID["actor/franck-boulanjon"])  # a person, not an organisation
    refused = users(store, "organisations", "gaston", "--add", person, extra=accounts)
    assert refused.returncode == 1
    assert "Aucune organisation" in refused.stderr and "No organisation" in refused.stderr
    elsewhere = users(
        store, "organisations", "gaston", "--add", "http://example.org/x", extra=accounts
    )
    assert elsewhere.returncode == 2
    removed = users(store, "organisations", "gaston", "--remove", ORGANISATION, extra=accounts)
    assert removed.returncode == 0 and removed.stdout.strip() == ""


@pytest.mark.parametrize(
    "args,code",
    [
        (("add", "henri", "--role", "king"), 2),  # no such role
        (("add", "un login avec des espaces"), 2),
        (("add",), 2),  # no login
        (("add", "henri", "--password", "un mot de passe assez long"), 2),  # never an argument
        (("role", "henri"), 2),  # no role
        (("token",), 2),
        (("disable", "nobody"), 1),  # no such account
        (("role", "nobody", "moderator"), 1),
    ],
)
def test_usage_errors_are_2_and_failures_1(users, store_dir, password, args, code):
    answer = users(store_dir, *args, password=password)
    assert answer.returncode == code, answer.stderr
    assert "Traceback" not in answer.stderr


def test_an_account_that_exists_is_not_made_twice(users, store_dir, password):
    assert users(store_dir, "add", "ines", password=password).returncode == 0
    twice = users(store_dir, "add", "INES", password=password)
    assert twice.returncode == 1
    assert "existe déjà" in twice.stderr and "exists" in twice.stderr
