"""The index built from a remote store (Oxigraph server, Virtuoso) holds what the index
built from the embedded store holds, for the same data."""

from __future__ import annotations

import pytest

from service.config import DEFAULT_BASE, load_config
from service.search.index import Index
from service.search.queries import Filters
from service.store.embedded import EmbeddedStore
from service.store.remote import RemoteStore
from service.writes.loading import ensure_seeded

#: The remote stores, each started by its ``start_<name>`` fixture.
STARTERS = ("oxigraph", "virtuoso")

BASE = DEFAULT_BASE


def rows(index: Index) -> dict[str, tuple]:
    """Every row: kind, labels, dates and facets, comparable across indexes."""
    with index._bounded() as db:
        found = {
            iri: [kind, subkind, labels, date, end]
            for iri, kind, subkind, labels, date, end in db.execute(
                "SELECT iri, kind, subkind, labels, date_value, end_day FROM resource"
            )
        }
        for iri, facet, value in db.execute(
            "SELECT r.iri, f.facet, t.iri FROM facet f JOIN term t ON t.id = f.value "
            "JOIN resource r ON r.id = f.id"
        ):
            found[iri].append((facet, value))
    return {iri: (tuple(v[:5]), frozenset(v[5:])) for iri, v in found.items()}


@pytest.fixture(scope="module")
def embedded_index(tmp_path_factory) -> Index:
    directory = tmp_path_factory.mktemp("embedded") / "store"
    store = EmbeddedStore(directory, workers=False)
    ensure_seeded(
        store, load_config(overrides={"store": str(directory), "territories": "seed"}, environ={})
    )
    index = Index(directory.parent / "index.sqlite", BASE, ("fr", "en"))
    index.ensure(store)
    store.close()
    return index


@pytest.fixture(params=sorted(STARTERS))
def backing(request, tmp_path_factory):
    """A server of its own, empty: the comparison needs the seed and nothing else."""
    start = request.getfixturevalue(f"start_{request.param}")
    running = start(tmp_path_factory.mktemp(f"backing-{request.param}"))
    yield running
    running.stop()


def test_remote_store_gives_the_same_index(backing, embedded_index, tmp_path):
    store = RemoteStore(backing.query_url, backing.update_url, base_url=BASE)
    ensure_seeded(
        store, load_config(overrides={"store": str(tmp_path), "territories": "seed"}, environ={})
    )
    index = Index(tmp_path / "index.sqlite", BASE, ("fr", "en"))
    assert index.ensure(store) is True
    assert index.generation == store.generation
    assert rows(index) == rows(embedded_index)
    for words in ("médiateurs", "ateliers", "Liévin", "adulte-relais"):
        remote, _, _ = index.search(words, Filters(), limit=50)
        local, _, _ = embedded_index.search(words, Filters(), limit=50)
        assert {i.iri for i in remote.items} == {i.iri for i in local.items}, words
