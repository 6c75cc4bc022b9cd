"""Each client address's share of the public doors, so that one client cannot starve the others.

* :func:`query_slot` — the query slots one address may hold at once (``client_query_slots``):
  running or waiting for a worker; one more is a 429 with ``Retry-After`` at once, while
  other addresses still find a slot (the pool has ``max_concurrent_queries``).
* a rate of requests per address to ``/sparql``, ``/sparql/update`` and ``/graphs``
  (``request_rate_limit``), checked before the view reads anything.
* write tokens that match none (:func:`refused_token`) count with the failed sign-ins
  (``sign_in_limit``, :class:`~service.web.people.Attempts`): both guess a secret; past the
  limit, every write from the address is a 429, the right token too.

Counted in this process's memory with the ``limits`` library (its storage: ``windows.py``), as
the sign-in limit is. The address is the connection's (``REMOTE_ADDR``): ``X-Forwarded-For``
is never read, since any client can write it (waitress clears such headers,
``clear_untrusted_proxy_headers``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from ..errors import TooManyAttempts, TooManyRequests
from .people import Attempts
from .windows import WindowCounts

#: The doors the request rate holds (a path equal to one, or under it).
RATED_DOORS = ("/sparql", "/graphs")
#: The doors that check a write token.
WRITE_DOORS = ("/sparql/update", "/graphs")
#: Methods that only read, and carry no token to check.
READING = frozenset({"GET", "HEAD", "OPTIONS"})


class Shares:
    """The query slots each client address holds."""

    def __init__(self, slots: int, retry_after: int):
        self.slots = slots
        self.retry_after = retry_after
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, address: str) -> Iterator[None]:
        """Hold one of ``address``'s slots meanwhile, or raise a 429 when it holds them all."""
        with self._lock:
            held = self._held.get(address, 0)
            if held >= self.slots:
                raise TooManyRequests(
                    f"Trop de requêtes SPARQL en cours depuis cette adresse ({held}, la limite "
                    f"est {self.slots}, réglage client_query_slots) : attendez qu'elles "
                    f"finissent, réessayez dans {self.retry_after} s.",
                    f"Too many SPARQL queries running from this address ({held}, the limit is "
                    f"{self.slots}, setting client_query_slots): wait for them to finish, try "
                    f"again in {self.retry_after} s.",
                    retry_after=self.retry_after,
                    limit=self.slots,
                )
            self._held[address] = held + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._held[address] - 1
                if left:
                    self._held[address] = left
                else:
                    del self._held[address]


class Rate:
    """Requests per client address, ``request_rate_limit`` of them."""

    def __init__(self, rate: str):
        self.rate = rate
        self.items: list[RateLimitItem] = parse_many(rate)
        self.windows = FixedWindowRateLimiter(WindowCounts())

    def take(self, address: str) -> int:
        """Count one request of ``address``: 0 when it may be served, else the seconds to wait."""
        waits = [
            math.ceil(
                self.windows.get_window_stats(item, "requests", address).reset_time - time.time()
            )
            for item in self.items
            if not self.windows.hit(item, "requests", address)
        ]
        return max([1, *waits]) if waits else 0


def _at(path: str, doors: tuple[str, ...]) -> bool:
    return any(path == door or path.startswith(door + "/") for door in doors)


def address() -> str:
    """The client's address: the connection's, never a header's."""
    return request.remote_addr or ""


@contextmanager
def query_slot() -> Iterator[None]:
    """One of this request's address's query slots, for the time a query is answered."""
    shares: Shares = current_app.extensions["mediation"]["shares"]
    with shares.slot(address()):
        yield


def install_shares(app: Flask) -> None:
    """The shares, and the checks before every request to the rated doors; after
    ``people.install``, whose failed-guess counter the write doors share."""
    settings = app.extensions["mediation"]["config"]
    retry = max(1, math.ceil(min(settings.query_timeout, 5)))
    app.extensions["mediation"]["shares"] = Shares(settings.client_query_slots, retry)
    rate = Rate(settings.request_rate_limit)

    @app.before_request
    def hold_to_shares() -> None:
        if request.method == "OPTIONS" or not _at(request.path, RATED_DOORS):
            return
        wait = rate.take(address())
        if wait:
            raise TooManyRequests(
                f"Trop de requêtes depuis cette adresse (limite {rate.rate}, réglage "
                f"request_rate_limit) : réessayez dans {wait} s.",
                f"Too many requests from this address (limit {rate.rate}, setting "
                f"request_rate_limit): try again in {wait} s.",
                retry_after=wait,
            )
        if _guesses_a_token():
            attempts: Attempts = app.extensions["mediation"]["attempts"]
            wait = attempts.wait(address())
            if wait:
                raise TooManyAttempts(
                    "Trop de jetons ou de mots de passe refusés depuis cette adresse : "
                    f"réessayez dans {wait} s.",
                    f"Too many tokens or passwords refused from this address: try again in "
                    f"{wait} s.",
                    retry_after=wait,
                )


def refused_token() -> None:
    """Count a write token that matched none against this request's address."""
    attempts: Attempts = current_app.extensions["mediation"]["attempts"]
    attempts.failed(address())


def _guesses_a_token() -> bool:
    """A write offering a token: what a token guess looks like."""
    return (
        request.method not in READING
        and _at(request.path, WRITE_DOORS)
        and bool(request.headers.get("Authorization"))
    )
