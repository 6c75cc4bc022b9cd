"""The open-data build at scale, and requests while it runs; see bench/README.md.

    .venv/bin/python bench/opendata.py [--triples 1000000] [--keep DIR] [--requests 100]

1. Generates a field of social mediation under the project's IRIs into an embedded store
   with the seed: régions, départements, communes, venues whose address is a blank node,
   actors (some with an account elsewhere), a theme scheme, and events in source graphs of
   200 events each (as articles leave them), each graph naming itself and naming again the
   actors it mentions (subjects stated in several graphs, whose triples the dumps must give
   once). ``--keep DIR`` keeps the store; a second run on DIR skips generating and loading.
2. Builds once as the server does (:class:`service.opendata.builder.Builder`: a snapshot, one build
   process) and prints the build's time, its steps (the build process's log lines) and the
   build process's peak memory.
3. Starts the service on that store (``mediation serve``), times ``GET /catalog`` and
   ``GET /.well-known/void`` with no build running, then writes one event through the write
   routes and times the same requests while the build that follows runs (until it is
   served): median, 95th percentile and worst, and how many answers came from the previous
   build.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.config import DEFAULT_BASE, load_config
from service.formats import NQUADS
from service.opendata.builder import Builder, builds_directory
from service.store.embedded import EmbeddedStore
from service.writes.loading import ensure_seeded

BASE = DEFAULT_BASE
SDO = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
TOKEN = "bench-jeton-7f3a"
EVENTS_PER_GRAPH = 200
WORDS = (
    "médiation quartier habitants jeunes accès droits numérique tranquillité logement "
    "santé emploi insertion réseau partenaires école familles prévention conflits voisinage "
    "transports rencontre journée régionale échanges professionnels cohésion"
).split()


def iri(path: str) -> str:
    return f"<{BASE}{path}>"


def lit(text: str, lang: str | None = None) -> str:
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def generate(triples: int, seed: int = 11):
    """N-Quads text, in chunks, about ``triples`` quads in all."""
    rng = random.Random(seed)
    scale = max(triples / 1_000_000, 0.01)
    communes, venues, actors = int(5000 * scale), int(8000 * scale), int(8000 * scale)
    out: list[str] = []

    def quad(s: str, p: str, o: str, graph: str) -> None:
        out.append(f"{s} <{p}> {o} {graph} .\n")

    places = iri("graph/bench-places")
    for c in range(communes):
        s = iri(f"id/place/commune/b{c:06d}")
        quad(s, RDF_TYPE, f"<{SDO}AdministrativeArea>", places)
        quad(s, f"{SDO}name", lit(f"Commune {c}", "fr"), places)
        quad(s, f"{SDO}containedInPlace", iri(f"id/place/region/{32 if c % 2 else 11}"), places)
    for v in range(venues):
        s, address = iri(f"id/place/salle-b{v}"), f"_:adresse{v}"
        quad(s, RDF_TYPE, f"<{SDO}Place>", places)
        quad(s, f"{SDO}name", lit(f"Salle des fêtes {v}"), places)
        quad(s, f"{SDO}address", address, places)
        quad(address, RDF_TYPE, f"<{SDO}PostalAddress>", places)
        quad(address, f"{SDO}addressLocality", lit(f"Commune {v % max(communes, 1)}"), places)
        quad(address, f"{SDO}postalCode", lit(f"{59000 + v % 900}"), places)
        commune = iri(f"id/place/commune/b{v % max(communes, 1):06d}")
        quad(s, f"{SDO}containedInPlace", commune, places)
    people = iri("graph/bench-actors")
    for a in range(actors):
        s = iri(f"id/actor/acteur-b{a}")
        quad(s, RDF_TYPE, f"<{SDO}Organization>", people)
        quad(s, f"{SDO}name", lit(f"Association {rng.choice(WORDS)} {a}"), people)
        quad(s, f"{SDO}description", lit(" ".join(rng.choices(WORDS, k=10)), "fr"), people)
        if a % 5 == 0:
            quad(s, f"{SDO}sameAs", f"<https://twitter.com/asso{a}>", people)
    themes = iri("graph/bench-themes")
    theme_ids = [f"id/theme/bench-{t}" for t in range(60)]
    for theme in theme_ids:
        quad(iri(theme), RDF_TYPE, f"<{SKOS}Concept>", themes)
        quad(iri(theme), f"{SKOS}prefLabel", lit(f"Thème {theme[-2:]}", "fr"), themes)
    yield "".join(out)
    out = []
    fixed = 3 * communes + 7 * venues + 3.2 * actors + 120
    events = max(EVENTS_PER_GRAPH, int((triples - fixed) / 12))
    for e in range(events):
        number = e // EVENTS_PER_GRAPH
        graph = iri(f"graph/bench-article-{number:05d}")
        if e % EVENTS_PER_GRAPH == 0:
            quad(graph, f"{SDO}name", lit(f"Article {number}", "fr"), graph)
            quad(
                graph,
                "http://purl.org/dc/terms/issued",
                f'"20{10 + number % 15}-0{1 + number % 9}-15"^^<{XSD_DATE}>',
                graph,
            )
        s = iri(f"id/event/bench-{e}")
        day = f'"20{10 + e % 15}-{1 + e % 12:02d}-{1 + e % 28:02d}"^^<{XSD_DATE}>'
        quad(s, RDF_TYPE, f"<{SDO}Event>", graph)
        quad(s, f"{SDO}name", lit(f"Journée {' '.join(rng.sample(WORDS, 3))} {e}", "fr"), graph)
        quad(s, f"{SDO}description", lit(" ".join(rng.choices(WORDS, k=18)), "fr"), graph)
        quad(s, f"{SDO}startDate", day, graph)
        quad(s, f"{SDO}endDate", day, graph)
        quad(s, f"{SDO}location", iri(f"id/place/salle-b{rng.randrange(max(venues, 1))}"), graph)
        for theme in rng.sample(theme_ids, 2):
            quad(s, f"{SDO}about", iri(theme), graph)
        organiser = iri(f"id/actor/acteur-b{rng.randrange(max(actors, 1))}")
        quad(s, f"{SDO}organizer", organiser, graph)
        # The article names the organiser again: a subject stated in two graphs.
        quad(organiser, RDF_TYPE, f"<{SDO}Organization>", graph)
        quad(organiser, f"{SDO}name", lit("Association citée"), graph)
        if e % 10:
            quad(s, f"{SDO}superEvent", iri(f"id/event/bench-{e - e % 10}"), graph)
        if len(out) >= 200_000:
            yield "".join(out)
            out = []
    yield "".join(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timings(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   "
        f"worst {ordered[-1] * 1000:8.1f} ms   ({len(ordered)} requests)"
    )


def load(directory: Path, triples: int) -> None:
    settings = load_config(overrides={"store": str(directory)}, environ={})
    store = EmbeddedStore(directory, workers=False)
    try:
        if store.count() > 10_000:
            print(f"store kept: {store.count()} quads, generation {store.generation}")
            return
        ensure_seeded(store, settings)
        start = time.perf_counter()
        for chunk in generate(triples):
            if chunk:
                store.load(chunk.encode("utf-8"), NQUADS, None)
        print(
            f"generated and loaded {store.count()} quads, {len(store.graph_names())} graphs, "
            f"in {time.perf_counter() - start:.0f} s",
            flush=True,
        )
    finally:
        store.close()


def build_once(directory: Path) -> None:
    settings = load_config(overrides={"store": str(directory)}, environ={})
    shutil.rmtree(builds_directory(settings), ignore_errors=True)
    store = EmbeddedStore(directory, workers=False)
    builder = Builder(store, settings)
    start = time.perf_counter()
    builder.start()
    try:
        while builder.current is None:
            time.sleep(0.2)
    finally:
        builder.close()
        store.close()
    folder = builder.current.folder
    info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    print(
        f"build: {time.perf_counter() - start:.1f} s from start to served (process start "
        f"included), {builder.current.seconds:.0f} s in the build process, peak memory "
        f"{info['peak_memory_mb']} MB, {size:.0f} MB on disk, "
        f"{len(builder.current.manifest.files)} files",
        flush=True,
    )


def serve_and_measure(directory: Path, count: int) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env.update({"MEDIATION_WRITE_TOKEN": f"bench:{TOKEN}", "MEDIATION_BUILD_SETTLE": "0.5"})
    command = [
        str(Path(sys.executable).parent / "mediation"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--store",
        str(directory),
    ]
    log = open(directory.parent / "server.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    paths = ["catalog", ".well-known/void"]
    try:
        for _ in range(600):
            try:
                if requests.get(url + "healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        for path in paths:  # the first answers of a build render and keep the bodies
            assert requests.get(url + path, timeout=60).status_code == 200, path
        for path in paths:
            idle = []
            for _ in range(count):
                start = time.perf_counter()
                requests.get(url + path, timeout=60).raise_for_status()
                idle.append(time.perf_counter() - start)
            print(f"GET /{path:<18} no build running:  {timings(idle)}", flush=True)

        before = requests.get(url + ".well-known/void", timeout=60).headers["ETag"]
        event = f"{BASE}id/event/bench-ecriture-{int(time.time())}"
        update = (
            "PREFIX schema: <https://schema.org/> INSERT DATA { GRAPH "
            f"<{BASE}graph/bench-ecritures> {{ <{event}> a schema:Event ; schema:name "
            '"Journée écrite pendant la mesure"@fr , "Written day"@en ; schema:startDate '
            '"2031-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ; schema:location '
            f"<{BASE}id/place/arena-lievin> . }} }}"
        )
        written = requests.post(
            url + "sparql/update",
            data=update.encode("utf-8"),
            timeout=120,
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "application/sparql-update",
            },
        )
        written.raise_for_status()
        marker = directory / "dumps" / ".building.json"
        while not marker.exists():
            time.sleep(0.01)
        started = time.perf_counter()
        during: dict[str, list[float]] = {p: [] for p in paths}
        previous = 0
        while True:
            for path in paths:
                start = time.perf_counter()
                response = requests.get(url + path, timeout=120)
                during[path].append(time.perf_counter() - start)
                response.raise_for_status()
                if path == ".well-known/void":
                    if response.headers["ETag"] != before:
                        break
                    previous += 1
            else:
                continue
            break
        took = time.perf_counter() - started
        # The last VoID answer was the new build's first; a catalog page's comes next.
        first = {".well-known/void": during[".well-known/void"].pop()}
        start = time.perf_counter()
        requests.get(url + "catalog", timeout=120).raise_for_status()
        first["catalog"] = time.perf_counter() - start
        for path in paths:
            print(f"GET /{path:<18} during the build:  {timings(during[path])}", flush=True)
        for path in paths:
            print(
                f"GET /{path:<18} first answer from the new build (renders its body): "
                f"{first[path] * 1000:.1f} ms",
                flush=True,
            )
        print(
            f"rebuild after one write: served {took:.1f} s after it started; "
            f"{previous} VoID answers came from the previous build meanwhile",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = (args.keep or Path(tmp)) / "store"
        load(directory, args.triples)
        build_once(directory)
        serve_and_measure(directory, args.requests)
        served = max((directory / "dumps").glob("g*"), key=lambda p: int(p.name[1:]))
        info = json.loads((served / "build.json").read_text(encoding="utf-8"))
        print(
            f"served build: generation {info['generation']}, started {info['started']}, "
            f"finished {info['finished']}"
        )


if __name__ == "__main__":
    main()
