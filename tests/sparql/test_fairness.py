"""No public query can take the machine, and no client the others' share.

A query past ``query_memory_bytes`` is stopped (507, the limit named) and its worker replaced;
a client address past its query slots or its request rate gets 429 with ``Retry-After`` while
another address is answered. The clients below speak from distinct loopback addresses
(127.0.0.2…), which reach the server listening on 127.0.0.1: the server tells them apart by
the connection, as it would two machines.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import requests
from requests.adapters import HTTPAdapter

#: The cross product that took 9 GB in 20 s on the seed store before workers had a limit.
BOMB = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND() LIMIT 1"
#: A query that runs until its time-out in little memory (a count streams).
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: What the editor (YASGUI) sends: it shows an error's body as text.
EDITOR_ACCEPT = "application/sparql-results+json,*/*;q=0.9"
JSON = {"Accept": "application/json"}


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    """An HTTP client whose connections come from ``address`` (a loopback address)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def fresh_ask() -> str:
    """A query no cache holds: it needs a worker."""
    return f'ASK {{ ?s ?p ?o FILTER (?o != "{uuid.uuid4()}") }}'


@pytest.fixture(scope="module")
def bounded(start_server, tmp_path_factory):
    """300 MB per query process, one query slot per address, two workers, 4 s."""
    running = start_server(
        tmp_path_factory.mktemp("bounded") / "store",
        {
            "MEDIATION_QUERY_MEMORY_BYTES": "300000000",
            "MEDIATION_CLIENT_QUERY_SLOTS": "1",
            "MEDIATION_MAX_CONCURRENT_QUERIES": "2",
            "MEDIATION_QUERY_TIMEOUT": "4",
        },
    )
    yield running
    running.stop()


def test_a_query_past_the_memory_limit_is_507_naming_it_and_the_pool_goes_on(bounded):
    endpoint = bounded.url + "sparql"
    stopped = requests.post(endpoint, data={"query": BOMB}, headers=JSON, timeout=60)
    assert stopped.status_code == 507
    body = stopped.json()
    assert body["error"] == "query-memory" and body["limit"] == 300_000_000
    assert "300 Mo" in body["message"]["fr"] and "query_memory_bytes" in body["message"]["fr"]
    assert "300 MB" in body["message"]["en"]
    assert stopped.headers["Access-Control-Allow-Origin"] == "*"
    # The editor's request: the message as text, French first, then English.
    shown = requests.get(
        endpoint, params={"query": BOMB}, headers={"Accept": EDITOR_ACCEPT}, timeout=60
    )
    assert shown.status_code == 507
    assert shown.headers["Content-Type"].startswith("text/plain")
    assert shown.text == f"{body['message']['fr']}\n{body['message']['en']}\n"
    # Both workers were replaced, and answer; so does each again after another bomb.
    for _ in range(2):
        answers = [
            requests.get(endpoint, params={"query": fresh_ask()}, headers=JSON, timeout=60)
            for _ in range(3)
        ]
        assert [a.json()["boolean"] for a in answers] == [True, True, True]
        assert requests.get(endpoint, params={"query": BOMB}, timeout=60).status_code == 507
    assert "died" not in bounded.log()


def test_a_client_past_its_query_slots_gets_429_while_another_address_is_answered(bounded):
    """Two slow queries from one address with one slot: whichever comes second is refused at
    once, while the first runs to its time-out and another address is answered meanwhile."""
    endpoint = bounded.url + "sparql"
    first, second = client("127.0.0.1"), client("127.0.0.2")
    answers: list[requests.Response] = []
    done = threading.Condition()

    def slow() -> None:
        answer = client("127.0.0.1").get(endpoint, params={"query": SLOW}, timeout=60)
        with done:
            answers.append(answer)
            done.notify()

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        with done:
            done.wait_for(lambda: answers, timeout=60)
        refused = answers[0]
        other = second.get(endpoint, params={"query": fresh_ask()}, headers=JSON, timeout=60)
        other_answered_meanwhile = len(answers) == 1
    finally:
        for thread in threads:
            thread.join(timeout=60)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    french, english = refused.text.strip().split("\n")
    assert "client_query_slots" in french and "réessayez" in french
    assert "client_query_slots" in english and "try again" in english
    assert other.status_code == 200 and other.json()["boolean"] is True
    assert other_answered_meanwhile
    assert answers[1].status_code == 503  # its time-out; the slot is free again
    again = first.get(endpoint, params={"query": fresh_ask()}, headers=JSON, timeout=60)
    assert again.status_code == 200


@pytest.fixture(scope="module")
def rated(writable_server, tmp_path_factory):
    """Three requests a minute per address to the doors; two wrong secrets a minute."""
    running = writable_server(
        tmp_path_factory.mktemp("rated"),
        {"MEDIATION_REQUEST_RATE_LIMIT": "3 per minute", "MEDIATION_SIGN_IN_LIMIT": "2 per minute"},
    )
    yield running
    running.stop()


def test_an_address_past_the_request_rate_gets_429_and_another_is_answered(rated):
    endpoint = rated.url + "sparql"
    first, second = client("127.0.0.5"), client("127.0.0.6")
    params = {"query": "ASK {}"}
    assert [first.get(endpoint, params=params, timeout=60).status_code for _ in range(3)] == [
        200
    ] * 3
    refused = first.get(endpoint, params=params, headers=JSON, timeout=60)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"] == "too-many-requests"
    assert "request_rate_limit" in refused.json()["message"]["fr"]
    assert "3 per minute" in refused.json()["message"]["en"]
    # The same address's writes and graph reads count too; pages do not.
    assert first.get(rated.url + "graphs", timeout=60).status_code == 429
    assert first.get(rated.url + "healthz", timeout=60).status_code == 200
    assert second.get(endpoint, params=params, timeout=60).status_code == 200


def test_wrong_write_tokens_count_as_guesses_and_stop_the_right_one_too(rated, tokens):
    guesser, writer = client("127.0.0.7"), client("127.0.0.8")
    right = tokens.split(",")[0].partition(":")[2]
    door = rated.url + "sparql/update"
    body = b"INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }"

    def write(session: requests.Session, token: str) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/sparql-update",
            "Accept": "application/json",
        }
        return session.post(door, data=body, headers=headers, timeout=60)

    assert [write(guesser, right + "x").status_code for _ in range(2)] == [403, 403]
    refused = write(guesser, right)
    assert refused.status_code == 429
    assert refused.json()["error"] == "too-many-attempts"
    assert int(refused.headers["Retry-After"]) >= 1
    assert write(writer, right).status_code in (200, 204)


def test_a_remote_servers_answer_past_the_memory_limit_is_507_and_the_next_is_answered(
    start_oxigraph, start_server, tmp_path
):
    """A remote store's server evaluates in its own memory, but its answer is read here: a
    cross product it streams is dropped at a quarter of ``query_memory_bytes``."""
    backing = start_oxigraph(tmp_path / "oxigraph")
    running = None
    try:
        running = start_server(
            tmp_path / "store",
            {"MEDIATION_QUERY_MEMORY_BYTES": "250000000"},
            ["--remote-query-url", backing.query_url, "--remote-update-url", backing.update_url],
        )
        endpoint = running.url + "sparql"
        dropped = requests.post(
            endpoint, data={"query": "SELECT * { ?a ?b ?c . ?d ?e ?f }"}, headers=JSON, timeout=60
        )
        assert dropped.status_code == 507
        assert dropped.json()["error"] == "query-memory"
        assert "250 Mo" in dropped.json()["message"]["fr"]
        assert "250 MB" in dropped.json()["message"]["en"]
        answer = requests.get(endpoint, params={"query": fresh_ask()}, headers=JSON, timeout=60)
        assert answer.json()["boolean"] is True
    finally:
        if running:
            running.stop()
        backing.stop()
