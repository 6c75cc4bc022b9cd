"""The door in front of Flask (``service/web/door.py``): a resource's answer kept there is sent
with the bytes and the headers Flask sent, a revalidation gets the same ``304`` Flask gave,
each representation and language has its own, and after a write no kept answer is sent.

``/healthz`` counts the answers sent from the door (``door.hits``): that is how these tests
tell an answer of the door from one of Flask, whose headers they compare.
"""

from __future__ import annotations

import pytest

from service.web.door import MARK, Door

LIEVIN = "id/event/2019-12-04-journee-regionale-lievin"
ACCEPTS = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
}
NEW_NAME = "Journée de Liévin (nom écrit après coup)"


@pytest.fixture
def served(server, wait_for_build):
    """The shared server once its open-data build is made (a build moves what a kept answer
    is made under: the first after the start would make the door's answers Flask's again)."""
    wait_for_build(server)
    return server


def hits(server) -> int:
    return server.get("healthz").json()["door"]["hits"]


def headers(response) -> list[tuple[str, str]]:
    """Every header as sent, in order, but the date of sending."""
    return [(k.lower(), v) for k, v in response.raw.headers.items() if k.lower() != "date"]


@pytest.mark.parametrize("kind", list(ACCEPTS))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_kept_answer_is_sent_from_the_door_as_flask_sent_it(served, kind, language):
    server = served
    path = f"{LIEVIN}?history=door-{kind}-{language}"  # a key of its own: Flask answers first
    asked = {"Accept": ACCEPTS[kind], "Accept-Language": language}
    before = hits(server)
    first = server.get(path, headers=asked)
    assert first.status_code == 200 and hits(server) == before
    again = server.get(path, headers=asked)
    assert hits(server) == before + 1, "the second answer did not come from the door"
    assert again.content == first.content
    assert headers(again) == headers(first)
    sent = again.headers
    for name in ("ETag", "Last-Modified", "Vary", "Cache-Control", "Content-Type", "Link"):
        assert sent.get(name), f"{name} missing"
    assert "default-src 'none'" in sent["Content-Security-Policy"]
    assert "Accept" in sent["Vary"]
    head = server.request("HEAD", path, headers=asked)
    assert hits(server) == before + 2
    assert head.content == b"" and headers(head) == headers(first)


def test_a_revalidation_gets_the_304_flask_gave(served):
    server = served
    path = f"{LIEVIN}?history=door-304"
    asked = {"Accept": "text/turtle"}
    first = server.get(path, headers=asked)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    before = hits(server)
    from_flask = server.get(path, headers={**asked, "If-None-Match": etag})
    assert from_flask.status_code == 304 and hits(server) == before
    from_door = server.get(path, headers={**asked, "If-None-Match": etag})
    assert from_door.status_code == 304 and hits(server) == before + 1
    assert headers(from_door) == headers(from_flask) and from_door.content == b""
    # Another validator is not this answer's: the whole answer, from the door.
    other = server.get(path, headers={**asked, "If-None-Match": '"1-other"'})
    assert other.status_code == 200 and other.content == first.content
    assert hits(server) == before + 2
    dated = server.get(path, headers={**asked, "If-Modified-Since": modified})
    assert dated.status_code == 304 and headers(dated) == headers(from_flask)
    older = server.get(
        path, headers={**asked, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert older.status_code == 200 and older.content == first.content


def test_each_representation_and_language_has_its_own(served):
    server = served
    answers = {}
    for kind, accept in ACCEPTS.items():
        for language in ("fr", "en"):
            asked = {"Accept": accept, "Accept-Language": language}
            for _ in range(2):  # the second from the door
                answers[kind, language] = server.get(LIEVIN, headers=asked)
    assert answers["html", "fr"].headers["Content-Language"] == "fr"
    assert answers["html", "en"].headers["Content-Language"] == "en"
    assert answers["html", "fr"].content != answers["html", "en"].content
    assert answers["turtle", "fr"].headers["Content-Type"].startswith("text/turtle")
    assert answers["jsonld", "en"].headers["Content-Type"].startswith("application/ld+json")
    assert len({a.headers["ETag"] for a in answers.values()}) == 4  # RDF: one per format


def test_ranges_and_preconditions_are_left_to_flask(served):
    server = served
    path = f"{LIEVIN}?history=door-range"
    server.get(path)
    server.get(path)
    before = hits(server)
    for asked in ({"Range": "bytes=0-9"}, {"If-Match": '"1-other"'}):
        server.get(path, headers=asked)
    assert hits(server) == before


def test_no_kept_answer_is_sent_after_a_write(tmp_path, writable_server, update, wait_for_build):
    server = writable_server(tmp_path)
    try:
        wait_for_build(server)
        html, turtle = {"Accept": "text/html"}, {"Accept": "text/turtle"}
        first = {
            name: server.get(LIEVIN, headers=asked)
            for name, asked in (("html", html), ("turtle", turtle))
        }
        kept = server.get(LIEVIN, headers=html)
        etag = first["html"].headers["ETag"]
        server.get(LIEVIN, headers={**html, "If-None-Match": etag})
        revalidated = server.get(LIEVIN, headers={**html, "If-None-Match": etag})
        assert revalidated.status_code == 304 and kept.content == first["html"].content
        sent = hits(server)
        assert sent >= 2
        written = update(
            server,
            "PREFIX schema: <https://schema.org/> INSERT DATA { GRAPH "
            "<https://w3id.org/mediation-sociale/graph/irev-2019-12-13-lievin> { "
            f"<https://w3id.org/mediation-sociale/{LIEVIN}> schema:alternateName "
            f'"{NEW_NAME}"@fr }} }}',
        )
        assert written.status_code in (200, 204), written.text
        after = server.get(LIEVIN, headers={**html, "If-None-Match": etag})
        assert after.status_code == 200 and NEW_NAME in after.text
        assert after.headers["ETag"] != etag
        assert hits(server) == sent, "a kept answer was sent after the write"
        document = server.get(LIEVIN, headers=turtle)
        assert (
            NEW_NAME in document.text
            and document.headers["ETag"] != first["turtle"].headers["ETag"]
        )
        # Once the build of the write is made too, the new answer is kept at the door.
        wait_for_build(server, server.get("healthz").json()["generation"])
        server.get(LIEVIN, headers=html)
        sent = hits(server)
        again = server.get(LIEVIN, headers=html)
        assert again.content == after.content and hits(server) == sent + 1
    finally:
        server.stop()


@pytest.mark.parametrize(
    "header",
    [
        ("Set-Cookie", "session=1"),
        ("Vary", "Accept, Cookie"),
        ("Cache-Control", "private, no-cache"),
    ],
)
def test_an_answer_that_depends_on_more_than_the_key_is_never_kept(header):
    """In front of an application that marks every answer as a view does: one that sets a
    cookie, varies by a header the key does not hold or is private goes to it every time;
    a plain one is sent from the door, until the state changes."""
    calls = []
    state = ["generation 1"]

    def application(environ, start_response):
        calls.append(environ["PATH_INFO"])
        environ[MARK] = state[0]
        extra = [header] if environ["PATH_INFO"] == "/marked" else []
        start_response("200 OK", [("Content-Type", "text/plain"), *extra])
        return [f"answer {len(calls)}".encode()]

    door = Door(application, lambda: state[0])
    for path in ("/marked", "/marked", "/plain", "/plain"):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http"}
        b"".join(door(environ, lambda status, headers, exc_info=None: None))
    assert calls == ["/marked", "/marked", "/plain"]
    state[0] = "generation 2"
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/plain", "wsgi.url_scheme": "http"}
    assert b"".join(door(environ, lambda status, headers, exc_info=None: None)) == b"answer 4"
    assert door.stats()["hits"] == 1


def test_an_answer_made_while_a_write_landed_is_sent_but_not_kept():
    """The view marks its answer with the state it read first; an answer whose state passed
    by the time it is made is sent, not kept, and pushes out none of the new state's."""
    calls = []

    def application(environ, start_response):
        calls.append(environ["PATH_INFO"])
        # ``/late`` read the state before a write landed; ``/fresh`` after it.
        environ[MARK] = 1 if environ["PATH_INFO"] == "/late" else 2
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"{environ['PATH_INFO']} {len(calls)}".encode()]

    door = Door(application, lambda: 2)

    def get(path: str) -> bytes:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http"}
        return b"".join(door(environ, lambda *args: None))

    assert [get(p) for p in ("/fresh", "/late", "/fresh", "/late")] == [
        b"/fresh 1",
        b"/late 2",
        b"/fresh 1",
        b"/late 3",
    ]
    assert calls == ["/fresh", "/late", "/late"] and door.stats()["answers"] == 1


def test_the_first_kept_go_first_within_the_bound_and_a_new_state_empties_the_door():
    """Answers are kept up to the door's bound in bytes, the first kept first out; once the
    state changes, the first answer kept under the new one drops every older one."""
    state = [1]

    def application(environ, start_response):
        environ[MARK] = state[0]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode() * 5]  # 10 bytes

    door = Door(application, lambda: state[0], limit=25)

    def get(path: str) -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http"}
        b"".join(door(environ, lambda *args: None))

    for path in ("/a", "/b", "/c"):
        get(path)
    assert sorted(key[3] for key in door.kept) == ["/b", "/c"]
    assert door.stats()["bytes"] == 20
    state[0] = 2
    get("/d")
    assert [key[3] for key in door.kept] == ["/d"] and door.stats()["bytes"] == 10
    get("/b")
    assert door.stats()["hits"] == 0 and door.stats()["answers"] == 2


@pytest.mark.parametrize(
    "path",
    ["", "events", "events.json", "search?q=atelier", "search.json?q=m%C3%A9diation", "themes"],
)
def test_lists_and_searches_are_kept_at_the_door_too(served, path):
    """They read the index: kept while it is in step with the store, under its stamp."""
    server = served
    path += ("&" if "?" in path else "?") + "lang=fr"  # a key no other test asked
    before = hits(server)
    first = server.get(path)
    assert first.status_code == 200 and hits(server) == before
    again = server.get(path)
    assert hits(server) == before + 1, "the second answer did not come from the door"
    assert again.content == first.content and headers(again) == headers(first)


def test_a_search_kept_at_the_door_finds_what_a_write_added(
    tmp_path, writable_server, update, wait_for_build
):
    server = writable_server(tmp_path)
    try:
        wait_for_build(server)
        path = "search.json?q=Zorglub"
        before = server.get(path)
        assert before.status_code == 200 and before.json()["total"] == 0, before.text
        server.get(path)
        sent = hits(server)
        written = update(
            server,
            "PREFIX schema: <https://schema.org/> INSERT DATA { GRAPH "
            "<https://w3id.org/mediation-sociale/graph/irev-2019-12-13-lievin> { "
            f"<https://w3id.org/mediation-sociale/{LIEVIN}> schema:alternateName "
            '"Journée Zorglub"@fr } }',
        )
        assert written.status_code in (200, 204), written.text
        after = server.get(path)
        assert hits(server) == sent, "a kept search was sent after the write"
        found = after.json()
        assert found["total"] >= 1 and found["items"][0]["url"] == "/" + LIEVIN, after.text
    finally:
        server.stop()
