"""The search index against the same questions asked in SPARQL of Oxigraph; see bench/README.md.

    .venv/bin/python bench/search.py [--triples 1000000] [--keep DIR] [--repeat 5]

Generates a synthetic field of social mediation under the project's IRIs (régions,
départements, communes, venues, actors, a two-level theme scheme, events with French
descriptions, sessions of events), loads it into the embedded store, builds the index,
then times each question both ways and prints one line per measurement (median of
``--repeat`` runs) with the ratio. ``--keep DIR`` keeps the store and the index (a second
run on the same DIR skips generation and loading).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Literal, URIRef  # noqa: E402

from service.config import DEFAULT_BASE
from service.formats import NQUADS
from service.search.index import Index, changed_iris
from service.search.queries import Filters
from service.store.embedded import EmbeddedStore
from service.store.interface import Changeset

BASE = DEFAULT_BASE
SDO = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
GRAPH = f"<{BASE}graph/bench>"

WORDS = (
    "médiation médiateurs médiatrice médiateur ateliers atelier quartier quartiers habitants "
    "jeunes accès droits numérique illectronisme tranquillité publique logement santé emploi "
    "insertion formation réseau partenaires collectivités école familles prévention conflits "
    "voisinage transports bailleurs sociaux sociale rencontre journée régionale échanges "
    "professionnels élus acteurs locaux politique ville cohésion territoire présence nocturne "
    "dialogue écoute orientation associations seniors isolement culture sport environnement "
    "déchets énergie précarité médiations rencontres départementale nationale séance plénière"
).split()


def iri(path: str) -> str:
    return f"<{BASE}{path}>"


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def generate(triples: int, seed: int = 7):
    """N-Quads lines, about ``triples`` of them, in chunks of lines."""
    rng = random.Random(seed)
    scale = triples / 1_000_000
    regions = 13
    departements = 101
    communes = max(200, int(5000 * scale))
    venues = max(200, int(10000 * scale))
    actors = max(200, int(10000 * scale))
    themes_top, themes_sub = 12, 4
    out: list[str] = []

    def quad(s: str, p: str, o: str) -> None:
        out.append(f"{s} <{p}> {o} {GRAPH} .\n")

    # The field's own territories, at codes no official one has (g…): the store holds every
    # commune of France, and a generated commune at an official code would give that commune
    # a second name and a second département, every join over territories multiplied.
    for r in range(regions):
        s = iri(f"id/place/region/g{r + 10}")
        quad(s, RDF_TYPE, f"<{SDO}AdministrativeArea>")
        quad(s, f"{SDO}name", lit(f"Région {r + 10}", "fr"))
    for d in range(departements):
        s = iri(f"id/place/departement/g{d + 1:02d}")
        quad(s, RDF_TYPE, f"<{SDO}AdministrativeArea>")
        quad(s, f"{SDO}name", lit(f"Département {d + 1:02d}", "fr"))
        quad(s, f"{SDO}containedInPlace", iri(f"id/place/region/g{d % regions + 10}"))
    for c in range(communes):
        s = iri(f"id/place/commune/g{c + 10000:05d}")
        quad(s, RDF_TYPE, f"<{SDO}AdministrativeArea>")
        quad(s, f"{SDO}name", lit(f"Commune {c}", "fr"))
        quad(s, f"{SDO}containedInPlace", iri(f"id/place/departement/g{c % departements + 1:02d}"))
    for v in range(venues):
        s = iri(f"id/place/salle-{v}")
        quad(s, RDF_TYPE, f"<{SDO}Place>")
        quad(s, f"{SDO}name", lit(f"Salle des fêtes {v}"))
        quad(s, f"{SDO}containedInPlace", iri(f"id/place/commune/g{v % communes + 10000:05d}"))
    theme_ids = []
    for t in range(themes_top):
        top = f"id/theme/theme-{t}"
        quad(iri(top), RDF_TYPE, f"<{SKOS}Concept>")
        quad(iri(top), f"{SKOS}prefLabel", lit(f"Thème {' '.join(rng.sample(WORDS, 2))}", "fr"))
        theme_ids.append(top)
        for n in range(themes_sub):
            sub = f"id/theme/theme-{t}-{n}"
            quad(iri(sub), RDF_TYPE, f"<{SKOS}Concept>")
            quad(
                iri(sub),
                f"{SKOS}prefLabel",
                lit(f"Sous-thème {' '.join(rng.sample(WORDS, 2))}", "fr"),
            )
            quad(iri(sub), f"{SKOS}broader", iri(top))
            theme_ids.append(sub)
    for a in range(actors):
        s = iri(f"id/actor/acteur-{a}")
        quad(s, RDF_TYPE, f"<{SDO}Organization>")
        quad(s, f"{SDO}name", lit(f"Association {rng.choice(WORDS)} {a}"))
        quad(s, f"{SDO}description", lit(" ".join(rng.choices(WORDS, k=10)), "fr"))
        quad(s, f"{SDO}location", iri(f"id/place/commune/g{a % communes + 10000:05d}"))
    yield out
    out = []

    audiences = [f"id/audience/public-{i}" for i in range(4)]
    for a in audiences:
        quad(iri(a), RDF_TYPE, f"<{SKOS}Concept>")
        quad(iri(a), f"{SKOS}prefLabel", lit(f"Public {a[-1]}", "fr"))
    fixed = 3 * (communes + venues) + 4 * actors + 3 * len(theme_ids) + 3 * departements
    events = max(100, int((triples - fixed) / 13.5))  # about 13.5 triples an event
    for e in range(events):
        s = iri(f"id/event/evenement-{e}")
        day = 1 + e % 28
        month = 1 + (e // 28) % 12
        year = 2000 + (e * 7919) % 26
        date = f'"{year:04d}-{month:02d}-{day:02d}"^^<{XSD_DATE}>'
        quad(s, RDF_TYPE, f"<{SDO}Event>")
        quad(s, f"{SDO}name", lit(f"Journée {' '.join(rng.sample(WORDS, 3))} {e}", "fr"))
        quad(s, f"{SDO}name", lit(f"Day {e}", "en"))
        quad(s, f"{SDO}description", lit(" ".join(rng.choices(WORDS, k=rng.randint(12, 25))), "fr"))
        quad(s, f"{SDO}startDate", date)
        quad(s, f"{SDO}endDate", date)
        quad(s, f"{SDO}location", iri(f"id/place/salle-{rng.randrange(venues)}"))
        for actor in rng.sample(range(min(actors, 2000)), rng.randint(1, 2)):
            quad(s, f"{SDO}organizer", iri(f"id/actor/acteur-{actor}"))
        for theme in rng.sample(theme_ids, rng.randint(2, 3)):
            quad(s, f"{SDO}about", iri(theme))
        for audience in rng.sample(audiences, rng.randint(1, 2)):
            quad(s, f"{SDO}audience", iri(audience))
        if e % 10 and e >= 10:
            quad(s, f"{SDO}superEvent", iri(f"id/event/evenement-{e - e % 10}"))
        if len(out) >= 1_000_000:
            yield out
            out = []
    yield out


def median_ms(function, repeat: int) -> tuple[float, object]:
    """Median CPU time of this process (Oxigraph runs in it too), in ms: on a machine other
    work shares, CPU time is what stays comparable from run to run."""
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = function()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times), result


def line(name: str, index_ms: float, sparql_ms: float | None = None, note: str = "") -> None:
    ratio = f"{sparql_ms / index_ms:8.0f}×" if sparql_ms and index_ms else " " * 9
    sparql = f"{sparql_ms:10.1f} ms" if sparql_ms is not None else " " * 13
    print(f"{name:<48} {index_ms:9.1f} ms {sparql} {ratio}  {note}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        store = EmbeddedStore(root / "store", workers=False)
        if store.is_empty():
            start = time.perf_counter()
            for chunk in generate(args.triples):
                if chunk:
                    store.load("".join(chunk).encode("utf-8"), NQUADS, None)
            store.oxigraph.optimize()
            print(
                f"generated and loaded {store.count()} quads in {time.perf_counter() - start:.0f} s"
            )
        index = Index(root / "index.sqlite", BASE, ("fr", "en"), timeout=600)
        start, cpu = time.perf_counter(), time.process_time()
        built = index.ensure(store)
        with index._bounded() as db:  # pages in use (a file can keep free pages)
            used = (
                db.execute("PRAGMA page_count").fetchone()[0]
                - db.execute("PRAGMA freelist_count").fetchone()[0]
            )
            size = used * db.execute("PRAGMA page_size").fetchone()[0] / 1e6
        print(
            f"index {'built' if built else 'current'} in {time.perf_counter() - start:.0f} s "
            f"({time.process_time() - cpu:.0f} s CPU), {size:.0f} MB, {store.count()} quads"
        )
        print(f"{'question (CPU time, median)':<48} {'index':>12} {'SPARQL':>13} {'ratio':>9}")
        run(store, index, args.repeat)
        store.close()


def run(store: EmbeddedStore, index: Index, repeat: int) -> None:
    events = Filters(kind="event")
    dep = BASE + "id/place/departement/g07"

    # Full text: French-aware in the index; the nearest SPARQL is a case-insensitive regex.
    searches = (
        ("médiateurs", "m[ée]diateurs?"),
        ("atelier", None),
        ("illectronisme quartiers", None),
    )
    for words, regex in searches:
        ms, (page, _, _) = median_ms(lambda: index.search(words, Filters(), limit=20), repeat)
        sparql = None
        if regex:
            query = (
                f"SELECT ?e ?name WHERE {{ ?e <{SDO}description> ?d ; <{SDO}name> ?name . "
                f"FILTER(LANG(?name) = 'fr' && REGEX(?d, '{regex}', 'i')) }} LIMIT 20"
            )
            count = (
                f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{SDO}description> ?d . "
                f"FILTER(REGEX(?d, '{regex}', 'i')) }}"
            )
            sparql, _ = median_ms(
                lambda: (store.select(query), store.select(count)), max(1, repeat // 2)
            )
        line(f"search « {words} » (page + total)", ms, sparql, f"{page.total} hits")

    # Facet counts: themes (with broader ones) of the events in a département.
    in_dep = Filters(kind="event", facets=[("territory", dep)])
    ms, values = median_ms(lambda: index.facet_counts("theme", in_dep, limit=12), repeat)
    query = (
        f"SELECT ?theme (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a <{SDO}Event> ; "
        f"<{SDO}location>/<{SDO}containedInPlace>* <{dep}> ; <{SDO}about>/<{SKOS}broader>* ?theme }} "
        "GROUP BY ?theme ORDER BY DESC(?n) LIMIT 12"
    )
    sparql, rows = median_ms(lambda: store.select(query), max(1, repeat // 2))
    agree = sorted(v.count for v in values) == sorted(int(r["n"]) for r in rows)
    line("facet: themes of events in a département", ms, sparql, f"counts agree: {agree}")

    ms, _ = median_ms(lambda: index.facet_counts("kind", Filters(), text="médiation"), repeat)
    line("facet: kinds of « médiation » hits", ms)

    # Listing: first page, then a deep page by key versus OFFSET with OPTIONALs.
    listing = (
        f"SELECT ?e ?name ?date ?place WHERE {{ ?e a <{SDO}Event> . "
        f"OPTIONAL {{ ?e <{SDO}name> ?name FILTER(LANG(?name) = 'fr') }} "
        f"OPTIONAL {{ ?e <{SDO}startDate> ?date }} "
        f"OPTIONAL {{ ?e <{SDO}location>/<{SDO}name> ?place }} }} "
        "ORDER BY DESC(?date) ?e LIMIT 20 OFFSET {offset}"
    )
    ms, page = median_ms(lambda: index.list(events, order="date-desc", limit=20), repeat)
    sparql, _ = median_ms(
        lambda: store.select(listing.replace("{offset}", "0")), max(1, repeat // 2)
    )
    line("events by date, first page (+ total)", ms, sparql, f"{page.total} events")
    deep = min(20_000, page.total // 20 * 20 - 20)
    with index._bounded() as db:  # the key a reader would hold after 1,000 pages
        key = db.execute(
            "SELECT sort_date, iri FROM resource WHERE kind = 'event' "
            "ORDER BY sort_date DESC, iri DESC LIMIT 1 OFFSET ?",
            (deep - 1,),
        ).fetchone()
    ms, _ = median_ms(
        lambda: index.list(events, order="date-desc", limit=20, after=tuple(key)), repeat
    )
    sparql, _ = median_ms(
        lambda: store.select(listing.replace("{offset}", str(deep))), max(1, repeat // 2)
    )
    line(f"events by date, page {deep // 20 + 1} (key vs OFFSET)", ms, sparql)
    in_theme = Filters(
        kind="event", facets=[("theme", BASE + "id/theme/theme-3")], when="past", today="2015-01-01"
    )
    ms, page = median_ms(lambda: index.list(in_theme, order="date-desc", limit=20), repeat)
    line("events of a broad theme before 2015, page 1", ms, None, f"{page.total} events")

    # Updates: the cost follows the change.
    venue = URIRef(BASE + "id/place/salle-3")
    old = list(store.quads(venue, URIRef(SDO + "name"), None))
    change = Changeset(
        remove=old, add=[(venue, URIRef(SDO + "name"), Literal("Salle Zénith"), old[0][3])]
    )
    store.apply(change)
    start = time.process_time()
    rows = index.update(store, changed_iris(change))
    line(
        "update: a venue renamed",
        (time.process_time() - start) * 1000,
        None,
        f"{rows} rows rewritten",
    )
    new = URIRef(BASE + "id/event/bench-nouveau")
    graph = URIRef(BASE + "graph/bench")
    change = Changeset(
        add=[
            (new, URIRef(RDF_TYPE), URIRef(SDO + "Event"), graph),
            (new, URIRef(SDO + "name"), Literal("Nouvel atelier", lang="fr"), graph),
            (new, URIRef(SDO + "location"), venue, graph),
            (new, URIRef(SDO + "organizer"), URIRef(BASE + "id/actor/acteur-1"), graph),
        ]
    )
    store.apply(change)
    start = time.process_time()
    rows = index.update(store, changed_iris(change))
    line(
        "update: an event added",
        (time.process_time() - start) * 1000,
        None,
        f"{rows} rows rewritten",
    )


if __name__ == "__main__":
    main()
