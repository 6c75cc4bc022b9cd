"""Failed sign-ins are limited per client address (``sign_in_limit``): past the limit, a 429
with ``Retry-After`` and a message in French and in English, even for the right password.
A server of its own: every test's client is 127.0.0.1, whose failures it counts."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def limited(start_server, tmp_path_factory, users, password):
    running = start_server(
        tmp_path_factory.mktemp("limited") / "store", {"MEDIATION_SIGN_IN_LIMIT": "3 per hour"}
    )
    assert users(running.store_dir, "add", "victor", password=password).returncode == 0
    yield running
    running.stop()


def test_past_the_limit_sign_ins_get_429_with_retry_after(limited, sign_in, password):
    _, right = sign_in(limited, "victor")
    assert right.status_code == 303  # a success is not counted
    for _ in range(3):
        _, wrong = sign_in(limited, "victor", "pas le bon mot de passe")
        assert wrong.status_code == 200
    _, slowed = sign_in(limited, "victor", "pas le bon mot de passe")
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["Retry-After"]) <= 3600
    assert "Trop de tentatives de connexion" in slowed.text
    assert "Too many sign-in attempts" in slowed.text
    # The right password waits too: the limit is the address's, not the password's.
    _, still = sign_in(limited, "victor", password)
    assert still.status_code == 429
    # Reading the page is not an attempt.
    assert limited.get("publish/sign-in").status_code == 200
