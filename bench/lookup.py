"""The search of existing resources a publishing form runs as one types (``/publish/lookup``
and the « Existe déjà ? » of a new organisation), at the seed's size and on a generated
field; see bench/README.md.

    .venv/bin/python bench/lookup.py [--triples 100000] [--repeat 20]

Times :func:`service.forms.search_existing` (the index's search with the last word as a
prefix, closest names first, then the classes checked in the store) for what people type:
part of a name, a whole name, an acronym, a web address. The seed's store, then
``bench/search.py``'s generated field of ``--triples`` quads with the seed loaded beside it,
the two measured in turn run by run so that the machine's load falls on both alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate  # noqa: E402

from service.config import DEFAULT_BASE, load_config  # noqa: E402
from service.formats import NQUADS  # noqa: E402
from service.forms import project_forms, search_existing  # noqa: E402
from service.labels import Languages  # noqa: E402
from service.namespaces import SDO  # noqa: E402
from service.search.index import Index  # noqa: E402
from service.store.embedded import EmbeddedStore  # noqa: E402
from service.writes.loading import ensure_seeded  # noqa: E402

TYPED = (
    ("part of a name", "france médi", SDO.Organization),
    ("a whole name", "France Médiation", SDO.Organization),
    ("a common word", "association", SDO.Organization),
    ("an acronym", "IREV", SDO.Organization),
    ("a web address", "https://www.irev.fr/", SDO.Organization),
    ("a place", "lievin", SDO.Place),
)


def open_field(root: Path, triples: int) -> tuple[EmbeddedStore, Index]:
    store = EmbeddedStore(root / "store", workers=False)
    ensure_seeded(store, load_config(overrides={"store": str(root / "store")}, environ={}))
    if triples:
        for chunk in generate(triples):
            if chunk:
                store.load("".join(chunk).encode("utf-8"), NQUADS, None)
    index = Index(root / "index.sqlite", DEFAULT_BASE, ("fr", "en"), timeout=600)
    index.ensure(store)
    return store, index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    ontology = project_forms().ontology
    languages = Languages(("fr", "en"))
    with tempfile.TemporaryDirectory() as tmp:
        fields = {
            "seed": open_field(Path(tmp) / "seed", 0),
            f"{args.triples:,}": open_field(Path(tmp) / "big", args.triples),
        }
        for name, (store, _) in fields.items():
            print(f"{name}: {store.count():,} quads")
        timings: dict[tuple[str, str], list[float]] = {}
        found: dict[tuple[str, str], list] = {}
        for _ in range(args.repeat):
            for label, text, cls in TYPED:
                for name, (store, index) in fields.items():  # interleaved, run by run
                    index._changed()  # no answer kept from the run before
                    start = time.perf_counter()
                    matches = search_existing(index, store, text, [cls], languages, ontology)
                    timings.setdefault((label, name), []).append(time.perf_counter() - start)
                    found[(label, name)] = matches
        print(f"{'typed (median)':<40} " + " ".join(f"{n:>40}" for n in fields))
        for label, text, _ in TYPED:
            cells = []
            for n in fields:
                matches = found[(label, n)]
                first = matches[0].label[:16] if matches else "-"
                ms = statistics.median(timings[(label, n)]) * 1000
                cells.append(f"{ms:6.1f} ms, {len(matches):>2} found, 1st {first}")
            print(f"{label + ' « ' + text + ' »':<40} " + " ".join(f"{c:>40}" for c in cells))
        for store, index in fields.values():
            index.close()
            store.close()


if __name__ == "__main__":
    main()
