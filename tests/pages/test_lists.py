"""Lists, search and the home page over HTTP, on the real server.

The server runs with small pages (3 items) and a fixed "today" (1 December 2019, between
the two regional days) so that paging and upcoming/past are exercised on the seed. What
the pages should hold is asked of the store through the SPARQL endpoint (SPARQLWrapper),
never written here as numbers.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

BASE = "https://w3id.org/mediation-sociale/"
TODAY = "2019-12-01"
PAGE = 3
KIND_PREFIX = {
    "events": "id/event/",
    "actors": "id/actor/",
    "themes": "id/theme/",
    "places": "id/place/",
}
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TERRITORY_LINKS = "|".join(
    f"<{SCHEMA}{p}>"
    for p in ("location", "spatialCoverage", "areaServed", "contentLocation", "containedInPlace")
)


@pytest.fixture(scope="module")
def site(tmp_path_factory, start_server):
    running = start_server(
        tmp_path_factory.mktemp("lists") / "store",
        args=["--page-size", str(PAGE), "--today", TODAY],
    )
    yield running
    running.stop()


def sparql(site, query: str) -> list[dict[str, str]]:
    client = SPARQLWrapper(site.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def ours(prefix: str) -> str:
    """A SPARQL filter: ?s is one of our resources under ``prefix`` (not a part)."""
    return f'FILTER(STRSTARTS(STR(?s), "{BASE}{prefix}") && !CONTAINS(STR(?s), "#"))'


def resources(site, prefix: str) -> set[str]:
    return {
        r["s"] for r in sparql(site, f"SELECT DISTINCT ?s WHERE {{ ?s a ?t . {ours(prefix)} }}")
    }


def get_json(site, path: str) -> dict:
    response = site.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def walk(site, path: str) -> tuple[list[str], dict]:
    """Every item of a list, following ``next``; returns the IRIs and the last page."""
    seen: list[str] = []
    page = get_json(site, path)
    pages = 0
    while True:
        seen += [item["iri"] for item in page["items"]]
        assert len(page["items"]) <= PAGE
        pages += 1
        assert pages < 500, "paging does not end"
        if not page["next"]:
            return seen, page
        page = get_json(site, page["next"])


class Links(HTMLParser):
    """What a person can follow and read on a page: links, headings, marks, figures."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (rel, href) of <a> and <link>
        self.svg_links: list[tuple[str, str]] = []  # (href, aria-label) inside SVG
        self.headings: list[str] = []
        self.marks: list[str] = []
        self.svgs: list[dict] = []
        self._stack: list[str] = []
        self._text: list[str] | None = None
        self._mark: list[str] | None = None
        self._in_svg = 0
        self._svg_child: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self._in_svg += 1
            self.svgs.append(
                {
                    "id": attrs.get("id"),
                    "labelledby": attrs.get("aria-labelledby"),
                    "title": "",
                    "desc": "",
                }
            )
        if tag in ("title", "desc") and self._in_svg and self._svg_child is None:
            self._svg_child = tag
        if tag in ("a", "link") and "href" in attrs:
            if self._in_svg:
                self.svg_links.append((attrs["href"], attrs.get("aria-label", "")))
            else:
                self.links.append((attrs.get("rel", ""), attrs["href"]))
        if re.fullmatch(r"h[1-6]", tag):
            self._text = []
        if tag == "mark":
            self._mark = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg -= 1
        if tag in ("title", "desc") and self._svg_child == tag:
            self._svg_child = None
        if re.fullmatch(r"h[1-6]", tag) and self._text is not None:
            self.headings.append("".join(self._text).strip())
            self._text = None
        if tag == "mark" and self._mark is not None:
            self.marks.append("".join(self._mark))
            self._mark = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        if self._mark is not None:
            self._mark.append(data)
        if self._svg_child and self.svgs and len(self.svgs[-1][self._svg_child]) < 1000:
            if not self.svgs[-1][self._svg_child]:
                self.svgs[-1][self._svg_child] = data


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


# -- paging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["events", "actors", "themes", "places"])
def test_every_list_walks_every_item_once(site, name):
    forward, last = walk(site, f"/{name}.json")
    assert len(forward) == len(set(forward)), "an item appears twice"
    assert set(forward) == resources(site, KIND_PREFIX[name])
    assert len(forward) > PAGE, "the seed fills more than one page"
    # Back from the last page, by ``prev``, in the same order.
    backward = [item["iri"] for item in last["items"]]
    page = last
    while page["prev"]:
        page = get_json(site, page["prev"])
        backward = [item["iri"] for item in page["items"]] + backward
    assert backward == forward


def test_html_pages_link_next_and_prev_like_json(site):
    first = site.get("/events", headers={"Accept": "text/html"})
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/html")
    links = parse(first.text).links
    nexts = {href for rel, href in links if rel == "next"}
    assert len(nexts) == 1, "one next page, in <link> and in the page's navigation"
    (next_url,) = nexts
    assert 'rel="next"' in first.headers["Link"]
    assert not [href for rel, href in links if rel == "prev"]
    second = site.get(next_url, headers={"Accept": "text/html"})
    assert second.status_code == 200
    prevs = {href for rel, href in parse(second.text).links if rel == "prev"}
    assert len(prevs) == 1
    back = site.get(prevs.pop(), headers={"Accept": "application/json"}).json()
    assert [i["iri"] for i in back["items"]] == [
        i["iri"] for i in get_json(site, "/events.json")["items"]
    ]


def test_items_carry_iri_label_and_a_page_on_this_server(site):
    page = get_json(site, "/events.json")
    for item in page["items"]:
        assert item["iri"].startswith(BASE + "id/event/")
        assert item["url"] == "/" + item["iri"][len(BASE) :]
        assert item["label"]
    labels = {
        r["s"]: r["l"]
        for r in sparql(
            site,
            f'SELECT ?s ?l WHERE {{ ?s <{SCHEMA}name> ?l . FILTER(LANG(?l) = "fr") {ours("id/event/")} }}',
        )
    }
    for item in page["items"]:
        if item["iri"] in labels:
            assert item["label"] == labels[item["iri"]] and item["lang"] == "fr"


# -- filters -------------------------------------------------------------------------------------


def span(text: str) -> tuple[str, str]:
    """The first and last day of a start or end date: a day, a month or a year."""
    text = text[:10]
    if len(text) == 4:
        return text + "-01-01", text + "-12-31"
    if len(text) == 7:
        return text + "-01", f"{text}-{calendar.monthrange(int(text[:4]), int(text[5:]))[1]:02d}"
    return text, text


def event_dates(site) -> dict[str, tuple[str, str]]:
    """Each dated event's first and last day, from the store (a year spans the whole year)."""
    rows = sparql(
        site,
        f"""
        SELECT ?s ?start ?end WHERE {{
          ?s a ?t . {ours("id/event/")}
          ?s <{SCHEMA}startDate> ?start .
          OPTIONAL {{ ?s <{SCHEMA}endDate> ?end }}
        }}""",
    )
    return {
        row["s"]: (span(row["start"])[0], span(row.get("end", row["start"]))[1]) for row in rows
    }


def test_upcoming_and_past_are_relative_to_today(site):
    dates = event_dates(site)
    upcoming, _ = walk(site, "/events.json?when=upcoming")
    past, _ = walk(site, "/events.json?when=past")
    assert set(upcoming) == {e for e, (_, last) in dates.items() if last >= TODAY}
    assert set(past) == {e for e, (_, last) in dates.items() if last < TODAY}
    assert upcoming and past, "today falls between the seed's events"
    firsts = [dates[e][0] for e in upcoming]
    assert firsts == sorted(firsts), "upcoming: soonest first"
    firsts = [dates[e][0] for e in past]
    assert firsts == sorted(firsts, reverse=True), "past: latest first"


def test_date_range_keeps_events_that_overlap_it(site):
    dates = event_dates(site)
    for start, end, first_day, last_day in (
        ("2019-12", "2019-12", "2019-12-01", "2019-12-31"),
        ("2019", "2019", "2019-01-01", "2019-12-31"),
        ("2019-11-19", "2019-11-19", "2019-11-19", "2019-11-19"),
    ):
        found, _ = walk(site, f"/events.json?from={start}&to={end}")
        assert set(found) == {
            e for e, (first, last) in dates.items() if last >= first_day and first <= last_day
        }, (start, end)


FACET_QUERIES = {
    "theme": f"""SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s <{SCHEMA}about> ?t . ?t (<{SKOS}broader>|^<{SKOS}narrower>)* ?v .
        FILTER(STRSTARTS(STR(?t), "{BASE}id/theme/") && STRSTARTS(STR(?v), "{BASE}id/theme/"))
        {{filter}} }} GROUP BY ?v""",
    "territory": f"""SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s ({TERRITORY_LINKS}) ?p . ?p (<{SCHEMA}containedInPlace>|^<{SCHEMA}containsPlace>)* ?v .
        FILTER(STRSTARTS(STR(?p), "{BASE}id/place/") && STRSTARTS(STR(?v), "{BASE}id/place/"))
        {{filter}} }} GROUP BY ?v""",
    "organizer": f"""SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s <{SCHEMA}organizer> ?v . {{filter}} }} GROUP BY ?v""",
    "audience": f"""SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s <{SCHEMA}audience> ?v . {{filter}} }} GROUP BY ?v""",
}


def store_counts(site, facet: str, prefix: str) -> Counter:
    query = FACET_QUERIES[facet].replace("{filter}", ours(prefix))
    return Counter({row["v"]: int(row["n"]) for row in sparql(site, query)})


@pytest.mark.parametrize(
    "name,facet",
    [
        ("events", "theme"),
        ("events", "territory"),
        ("events", "organizer"),
        ("events", "audience"),
        ("actors", "territory"),
        ("places", "territory"),
    ],
)
def test_facet_counts_match_the_store(site, name, facet):
    expected = store_counts(site, facet, KIND_PREFIX[name])
    assert expected, f"the seed has {facet} values for {name}"
    shown = get_json(site, f"/{name}.json")["facets"][facet]
    assert shown
    counts = {value["iri"]: value["count"] for value in shown}
    for iri, count in counts.items():
        assert count == expected[iri], iri
    # The most frequent values are the ones shown.
    smallest = min(counts.values())
    assert {iri for iri, n in expected.items() if n > smallest} <= set(counts)
    # Each value filters the list to exactly that many items.
    for value in shown[:5]:
        found, _ = walk(site, f"/{name}.json?{facet}={value['value']}")
        assert len(found) == value["count"] == len(set(found))


def test_year_facet_matches_the_dates(site):
    dates = event_dates(site)
    expected = Counter(first[:4] for first, _ in dates.values())
    shown = {v["value"]: v["count"] for v in get_json(site, "/events.json")["facets"]["year"]}
    assert shown == dict(expected)


def test_filters_combine(site):
    territory = "departement/62"
    themes = get_json(site, f"/events.json?territory={territory}")["facets"]["theme"]
    theme = themes[-1]
    both, _ = walk(site, f"/events.json?territory={territory}&theme={theme['value']}")
    assert len(both) == theme["count"]
    in_territory, _ = walk(site, f"/events.json?territory={territory}")
    with_theme, _ = walk(site, f"/events.json?theme={theme['value']}")
    assert set(both) == set(in_territory) & set(with_theme)
    # A full IRI is as good as the short form.
    by_iri, _ = walk(
        site, f"/events.json?territory={BASE}id/place/{territory}&theme={theme['value']}"
    )
    assert by_iri == both


def test_narrower_themes_and_places_inside(site):
    rows = sparql(
        site,
        f"""SELECT ?s WHERE {{ ?s (<{SKOS}broader>|^<{SKOS}narrower>)+
        <{BASE}id/theme/politique-de-la-ville> . {ours("id/theme/")} }}""",
    )
    found, _ = walk(site, "/themes.json?theme=politique-de-la-ville")
    assert set(found) == {r["s"] for r in rows} and found
    rows = sparql(
        site,
        f"""SELECT ?s WHERE {{ ?s <{SCHEMA}containedInPlace>+
        <{BASE}id/place/region/32> . {ours("id/place/")} }}""",
    )
    found, _ = walk(site, "/places.json?territory=region/32")
    assert set(found) == {r["s"] for r in rows} and found
    communes, _ = walk(site, "/places.json?type=commune")
    assert set(communes) == {
        r["s"]
        for r in sparql(
            site,
            f"SELECT ?s WHERE {{ ?s a <http://rdf.insee.fr/def/geo#Commune> . {ours('id/place/')} }}",
        )
    }


# -- search ---------------------------------------------------------------------------------------


def search_all(site, query: str) -> list[dict]:
    items, page = [], get_json(site, "/search.json?" + query)
    while True:
        items += page["items"]
        if not page["next"]:
            return items
        page = get_json(site, page["next"])


def test_search_is_french_aware(site):
    def found(q):
        return {item["iri"] for item in search_all(site, f"q={q}")}

    assert BASE + "id/audience/mediateurs" in found("mediateur")
    assert found("MÉDIATION") == found("médiations") == found("mediation")
    assert found("ateliers") == found("atelier")
    assert BASE + "id/event/2019-12-04-lievin-atelier-formation" in found("ateliers")
    assert BASE + "id/place/commune/62510" in found("LIEVIN")


def test_search_results_are_highlighted(site):
    response = site.get("/search", params={"q": "MÉDIATION"}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    marks = {m.lower() for m in parse(response.text).marks}
    assert "médiation" in marks


def test_search_facets_count_their_results_and_combine(site):
    page = get_json(site, "/search.json?q=mediation")
    kinds = page["facets"]["kind"]
    assert sum(v["count"] for v in kinds) == page["total"]
    everything = search_all(site, "q=mediation")
    assert Counter(item["kind"] for item in everything) == {v["value"]: v["count"] for v in kinds}
    for facet in ("kind", "theme", "territory", "year"):
        for value in page["facets"][facet][:3]:
            narrowed = get_json(site, f"/search.json?q=mediation&{facet}={value['value']}")
            assert narrowed["total"] == value["count"], (facet, value)
    both = get_json(site, "/search.json?q=mediation&kind=event&territory=departement/62")
    events = {i["iri"] for i in search_all(site, "q=mediation&kind=event")}
    in_62, _ = walk(site, "/events.json?territory=departement/62")
    assert both["total"] == len(events & set(in_62))


def test_facet_links_on_the_search_page_add_and_remove_filters(site):
    html = site.get("/search", params={"q": "mediation"}, headers={"Accept": "text/html"}).text
    facet_links = [href for _, href in parse(html).links if "kind=" in href]
    assert facet_links
    narrowed = site.get(facet_links[0], headers={"Accept": "text/html"})
    assert narrowed.status_code == 200
    remove = [
        href
        for _, href in parse(narrowed.text).links
        if href.startswith("/search") and "kind=" not in href and "q=mediation" in href
    ]
    assert remove, "an active filter has a link that removes it"


# -- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        '/search?q="*NEAR(',
        "/search?q=%22%22%22",
        "/search?q=*",
        "/search?q=NEAR(a%20b)",
        "/search?q=AND%20OR%20NOT",
        "/search?q=%00",
        "/search?q=" + "m%C3%A9diation+" * 2000,
        "/search?q=%F0%9F%8E%89",
        "/search?q=",
        "/search?q=%20%20",
        "/search?q=-",
        "/events?unknown=1",
        "/events?lang=en",
        "/search?q=%27%3B%20DROP%20TABLE%20resource",
    ],
)
def test_odd_input_is_answered_not_crashed(site, path):
    for accept in ("text/html", "application/json"):
        response = site.get(path, headers={"Accept": accept})
        assert response.status_code == 200, (path, response.text[:300])


def test_queries_without_words_and_too_long_say_so(site):
    page = get_json(site, '/search.json?q="*(%20-%20)')
    assert page["total"] == 0 and page["notices"]
    page = get_json(site, "/search.json?q=" + "mediation+" * 200)
    assert page["notices"] and page["total"] > 0


@pytest.mark.parametrize(
    "path,name",
    [
        ("/events?theme=nimporte-quoi", "theme"),
        ("/events?territory=departement/999", "territory"),
        ("/events?organizer=%3Cscript%3E", "organizer"),
        ("/search?q=x&kind=planet", "kind"),
        ("/search?q=x&theme=nope", "theme"),
        ("/search?q=x&year=19", "year"),
        ("/events?when=tomorrow", "when"),
        ("/events?from=2019-02-30", "from"),
        ("/events?from=2020&to=2019", "from"),
        ("/events?after=not-a-key", "after"),
        ("/events?before=eyJ4Ijox", "before"),
        ("/places?type=planet", "type"),
        ("/events?after=a&before=b", "after"),
        ("/events?" + "&".join(["theme=illectronisme"] * 21), "filtres"),
    ],
)
def test_bad_filter_values_are_400_with_a_message(site, path, name):
    for accept, check in (
        ("application/json", lambda r: r.json()["message"]["fr"]),
        ("text/html", lambda r: r.text),
        ("text/plain", lambda r: r.text),
    ):
        response = site.get(path, headers={"Accept": accept})
        assert response.status_code == 400, (path, response.status_code)
        assert name in check(response)
        if accept == "text/html":  # the value is shown as text, never as markup
            assert "<script>" not in response.text


def test_json_by_suffix_or_accept_html_otherwise(site):
    for accept in ("text/html", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8", None):
        headers = {"Accept": accept} if accept else {}
        response = site.get("/events", headers=headers)
        assert response.headers["Content-Type"].startswith("text/html"), accept
        assert "Accept" in response.headers["Vary"]
    assert site.get("/events", headers={"Accept": "application/json"}).json()["items"]
    assert site.get("/events.json", headers={"Accept": "text/html"}).json()["items"]


def test_language_follows_the_request(site):
    english = site.get("/events", headers={"Accept-Language": "en", "Accept": "text/html"})
    assert "Events" in parse(english.text).headings
    assert "Accept-Language" in english.headers["Vary"]
    french = site.get("/events?lang=fr", headers={"Accept-Language": "en", "Accept": "text/html"})
    assert "Événements" in parse(french.text).headings
    assert 'lang="fr"' in french.text
    item = get_json(site, "/events.json?lang=en")["items"][0]
    assert item["lang"] == "en"


# -- home page ------------------------------------------------------------------------------------


def test_home_figures_are_accessible_svg_whose_bars_lead_to_their_lists(site):
    response = site.get("/", headers={"Accept": "text/html", "Accept-Language": "fr"})
    assert response.status_code == 200
    page = parse(response.text)
    ids = {svg["id"] for svg in page.svgs}
    assert {
        "figure-time",
        "figure-themes",
        "figure-departements",
        "figure-regions",
        "figure-organizers",
    } <= ids
    for svg in page.svgs:
        assert svg["title"].strip() and svg["desc"].strip()
        assert svg["labelledby"] == f"{svg['id']}-title {svg['id']}-desc"
    assert page.svg_links
    for href, said in page.svg_links:
        count = int(re.search(r"(\d+) événements?", said).group(1))
        listed = get_json(site, href.replace("/events?", "/events.json?", 1))
        assert listed["total"] == count, (href, said)
        assert "filters" in listed and listed["filters"], "each bar is a filtered list"
    # The same figures as tables, with the same links.
    table_links = {href for _, href in page.links if href.startswith("/events?")}
    assert {href for href, _ in page.svg_links} <= table_links


def test_home_counts_by_territory_match_the_store(site):
    html = site.get("/", headers={"Accept": "text/html", "Accept-Language": "fr"}).text
    expected = store_counts(site, "territory", "id/event/")
    bars = [(href, said) for href, said in parse(html).svg_links if "territory=departement" in href]
    assert bars
    for href, said in bars:
        value = parse_qs(urlsplit(href).query)["territory"][0]
        count = int(re.search(r"(\d+) événements?", said).group(1))
        assert count == expected[f"{BASE}id/place/{value}"]


def test_home_links_to_events_search_sparql_and_catalog(site):
    page = parse(site.get("/", headers={"Accept": "text/html"}).text)
    hrefs = {href for _, href in page.links}
    assert {"/events", "/actors", "/themes", "/places", "/sparql", "/catalog"} <= hrefs
    event_links = [href for href in hrefs if href.startswith("/id/event/")]
    assert event_links, "the latest events are on the home page"


def test_conditional_get_answers_304_until_the_store_changes(site):
    for path, accept in (
        ("/events?theme=illectronisme", "text/html"),
        ("/events.json", None),
        ("/search?q=mediation", "application/json"),
        ("/", "text/html"),
    ):
        headers = {"Accept": accept} if accept else {}
        first = site.get(path, headers=headers)
        assert first.status_code == 200 and first.headers.get("ETag"), path
        again = site.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
    html = site.get("/events", headers={"Accept": "text/html"}).headers["ETag"]
    data = site.get("/events", headers={"Accept": "application/json"}).headers["ETag"]
    english = site.get("/events", headers={"Accept": "text/html", "Accept-Language": "en"}).headers[
        "ETag"
    ]
    assert len({html, data, english}) == 3, "each representation has its own ETag"


def test_home_lists_days_not_their_sessions(site):
    html = site.get("/", headers={"Accept": "text/html"}).text
    shown = {BASE + href[1:] for _, href in parse(html).links if href.startswith("/id/event/")}
    parts = {
        r["s"]
        for r in sparql(
            site,
            f"""SELECT ?s WHERE {{ ?s <{SCHEMA}superEvent> ?p .
        FILTER NOT EXISTS {{ ?p a <{SCHEMA}EventSeries> }} }}""",
        )
    }
    dates = event_dates(site)
    assert shown and not shown & parts
    days = {e for e in dates if e not in parts}
    assert shown <= days
    upcoming = {e for e in days if dates[e][1] >= TODAY}
    past = days - upcoming
    assert len(shown) == min(len(upcoming), 5) + min(len(past), 5)
