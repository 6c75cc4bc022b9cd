"""The reference ``bench/ingest.py`` scores against: the store a running service has (every
official territory), what it says of the resources a draft points at, and how names are
compared (:func:`fold`)."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from service.namespaces import SDO

ROOT = Path(__file__).resolve().parents[1]


_ARTICLES = re.compile(r"^(?:l|la|le|les|the)\s+")


def fold(text: str) -> str:
    """How names are compared: lower case, no accents, punctuation as spaces, no leading
    article (« la Région » is « Région »)."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in bare if not unicodedata.combining(c)).replace("œ", "oe")
    bare = re.sub(r"[^0-9a-z]+", " ", bare).strip()
    return _ARTICLES.sub("", bare)


def open_reference_store(given: Path | None, scratch: Path, known: Path, territories: str = "all"):
    """The store ingest reconciles with: ``given``, else a new one as a running service has
    it (``ontology/``, ``shapes/``, ``data/`` and the ``territories``: every official one,
    or the nine of the seed), then the known actors by ``mediation load``; opened read only
    as the command does."""
    from service.config import load_config
    from service.store import open_store
    from service.writes import ensure_seeded

    if given is None:
        given = scratch
        store = open_store(
            load_config({"store": str(given), "territories": territories}), workers=False
        )
        try:
            ensure_seeded(store, load_config({"store": str(given), "territories": territories}))
        finally:
            store.close()
        command = [sys.executable, "-m", "service.cli", "load", "--store", str(given), str(known)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(done.stdout[-2000:] + done.stderr[-2000:])
    return open_store(load_config({"store": str(given)}), workers=False, must_exist=True)


def described_by(draft: Graph, reference, lookup: Graph) -> Graph:
    """What the store says of the resources the draft points at and the lookup lacks (every
    official territory lives in the store only), and of the places that contain them."""
    out = Graph()
    pending = {o for o in draft.objects() if isinstance(o, URIRef)}
    seen: set[URIRef] = set()
    while pending:
        node = pending.pop()
        seen.add(node)
        if (node, None, None) in lookup or (node, None, None) in draft:
            continue
        for s, p, o in reference.description(node):
            out.add((s, p, o))
            if p == SDO.containedInPlace and isinstance(o, URIRef) and o not in seen:
                pending.add(o)
    return out


def named_in(reference):
    """A function: the resources the reference names ``name`` (folded alike)."""
    query = (
        "SELECT DISTINCT ?thing ?name ?word WHERE { ?thing schema:name|schema:alternateName "
        "?name . FILTER(CONTAINS(LCASE(STR(?name)), ?word)) }"
    )

    def named(name: str) -> set[URIRef]:
        words = [w for w in name.lower().split() if len(w) > 2] or name.lower().split()
        if not words:
            return set()
        rows = reference.select(query, word=Literal(words[0]))
        return {r["thing"] for r in rows if fold(str(r["name"])) == fold(name)}

    return named
