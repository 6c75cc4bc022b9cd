"""Absolute links come from one trusted base, never from a Host header an attacker chose: the
sitemap, robots.txt, the catalog, the Atom feed, VoID, the change feed and the service
description. A request naming an unknown host is refused (400, in French and English);
with ``public_url`` set, every link starts with it whatever the Host, and X-Forwarded-*
headers are never read.

Over HTTP on the real server, with the Host header set by hand.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

PUBLIC = "https://mediation.example.org/"
EVIL = "evil.example"

#: Every document that writes absolute links, with the Accept it is asked with.
LINKING = [
    ("sitemap.xml", "application/xml"),
    ("sitemaps/event.xml", "application/xml"),
    ("robots.txt", "text/plain"),
    ("catalog", "text/turtle"),
    ("catalog", "text/html"),
    ("feeds/events.atom", "application/atom+xml"),
    (".well-known/void", "text/turtle"),
    ("changes", "application/activity+json"),
    ("sparql", "text/turtle"),
    ("calendar/events.ics", "text/calendar"),
]

#: Absolute http(s) addresses in a body, wherever they stand.
ADDRESS = re.compile(r"https?://[^\s\"'<>\\]+")


def hosts_in(text: str) -> set[str]:
    return {urlsplit(url).netloc for url in ADDRESS.findall(text)}


@pytest.fixture(scope="module")
def built(server, wait_for_build):
    """The shared server once its first open-data build is served."""
    wait_for_build(server)
    return server


@pytest.mark.parametrize("path, accept", LINKING)
def test_an_unknown_host_is_refused_in_both_languages(built, path, accept):
    for shown in (accept, "text/html", "application/json"):
        response = built.get(path, headers={"Host": EVIL, "Accept": shown})
        assert response.status_code == 400, (path, shown, response.status_code)
        assert EVIL not in response.text
        assert "Hôte inconnu" in response.text and "Unknown host" in response.text


@pytest.mark.parametrize("path, accept", LINKING)
def test_a_trusted_host_gets_its_own_links_and_caches_are_told(built, path, accept):
    port = urlsplit(built.url).port
    own = built.get(path, headers={"Accept": accept, "X-Forwarded-Host": EVIL})
    assert own.status_code == 200, (path, own.text[:300])
    assert EVIL not in own.text  # X-Forwarded-Host is never read
    assert f"127.0.0.1:{port}" in hosts_in(own.text) or path == "sparql"
    assert "Host" in own.headers["Vary"]
    local = built.get(path, headers={"Accept": accept, "Host": f"localhost:{port}"})
    assert local.status_code == 200
    assert f"127.0.0.1:{port}" not in hosts_in(local.text)


@pytest.fixture(scope="module")
def public_server(start_server, wait_for_build, tmp_path_factory):
    """A server with a public address, behind a proxy that checks hosts itself (any host)."""
    running = start_server(
        tmp_path_factory.mktemp("public") / "store",
        {"MEDIATION_PUBLIC_URL": PUBLIC, "MEDIATION_TRUSTED_HOSTS": "*"},
    )
    try:
        wait_for_build(running)
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("path, accept", LINKING)
def test_with_a_public_address_every_link_starts_with_it_whatever_the_host(
    public_server, path, accept
):
    answers = [
        public_server.get(path, headers={"Accept": accept, "Host": host, "X-Forwarded-Host": EVIL})
        for host in (EVIL, "127.0.0.1")
    ]
    for response in answers:
        assert response.status_code == 200, (path, response.text[:300])
        assert EVIL not in response.text
        assert "Host" not in response.headers.get("Vary", "")
        ours = {h for h in hosts_in(response.text) if h.startswith(("127.0.0.1", "localhost"))}
        assert not ours, (path, ours)
    if path != "sparql":  # the service description lists graphs in no fixed order
        assert answers[0].content == answers[1].content
    assert PUBLIC in answers[0].text or path in ("sparql", "calendar/events.ics")


def test_the_public_host_is_trusted_and_others_still_refused(start_server, tmp_path):
    server = start_server(tmp_path / "store", {"MEDIATION_PUBLIC_URL": PUBLIC})
    try:
        robots = server.get("robots.txt", headers={"Host": "mediation.example.org"})
        assert robots.status_code == 200
        assert f"Sitemap: {PUBLIC}sitemap.xml" in robots.text
        assert server.get("robots.txt", headers={"Host": EVIL}).status_code == 400
        assert server.get("robots.txt", headers={"Host": "localhost"}).status_code == 200
    finally:
        server.stop()
