"""Big loads into new graphs: landed by the store's bulk loader, then validated in place,
resource by resource, before they are made final.

A file validated as one change holds the whole file in rdflib graphs (gigabytes for a
million quads) and hands pySHACL every resource at once. Here the file goes straight from
disk into the embedded store's bulk loader (``EmbeddedStore.load``), whose marker makes the
load all-or-nothing: until the marker is removed, a crash or a refusal empties the new
graphs again. While it is in place, the new resources are validated where they now are: the
neighbourhood of each (:func:`.neighbourhood.gather`, the same reads as any write's, so the
same results, resources the file points to that the store already held included) is read
in batches of :data:`BATCH` resources (each node's own quads from a snapshot of the store
taken before the load and the lines the loader was given, :func:`own_reader`; the links
into it from the store) and checked (``load_validator``: the
shapes compiled, or pySHACL), in ``load_workers`` processes side by side, which also find the
resources first (:func:`survey`, new graph by new graph). Memory follows the batch, not the
file. A violation anywhere refuses the whole file: nothing lands, and the report names the
first :data:`REPORTED` violations, with their focus nodes, and counts them all.

An export of a store (it carries the history graph) into graphs that are all new is
restored by the bulk loader alone, unvalidated, as ``mediation load`` restores exports.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Node

from ..config import Config
from ..errors import MediationError
from ..formats import BY_FILE_EXTENSION, DATASET_FORMATS, Format
from ..namespaces import document_of
from ..seed import graph_for
from ..store import (
    SNAPSHOTS,
    Changeset,
    GraphName,
    LandedQuads,
    Quad,
    Store,
    open_snapshot,
    to_sparql,
)
from ..validation import CompiledValidator, Report, report_of
from . import history
from .changelog import ChangeLog
from .loading import gunzipped
from .neighbourhood import TEXT_PROPERTIES, Neighbourhood, Rules, gather, refusal

log = logging.getLogger(__name__)

#: Resources validated together by one pySHACL run: big enough that its fixed cost is
#: shared, small enough that a batch's neighbourhood stays a few megabytes.
BATCH = 200
#: Violations a refused load reports in full; every one is counted.
REPORTED = 100
#: The formats the bulk loader reads itself (the others go through rdflib).
STREAMED = ("nquads", "ntriples", "turtle", "trig")
#: Nodes whose triples the reads keep from one batch to the next (the venues, organisations
#: and concepts many resources point at are read once, not once a batch); past it, forgotten.
READ_CACHE = 20_000
#: The file, in the snapshot taken before a load, of the quads it wrote (``LandedQuads``).
LANDED = "landed.nq"
#: Resources per lookup when telling created resources from updated ones.
CLASSIFY_CHUNK = 500


@dataclass
class BulkFile:
    """A file that may land by the bulk path: where its quads go, and how many there are."""

    path: Path
    body: Path | bytes  # what the store reads: the file, or a gzipped file's content
    fmt: Format
    graph: GraphName  # the graph of a graph format's triples (None: a dataset's own graphs)
    graphs: set[GraphName]
    scanned: tuple  # what the first read found (``EmbeddedStore.scan``)
    carries_history: bool

    @property
    def count(self) -> int:
        return self.scanned[0]


@dataclass
class BulkOutcome:
    """What a bulk load did."""

    added: int
    restored: bool  # an export restored as it is (not validated, no record of its own)
    warnings: int = 0
    touched: list[history.Touched] = field(default_factory=list)
    change: URIRef | None = None
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> str:
        """What the command line prints: quads, warnings, time and rate."""
        seconds = max(time.monotonic() - self.started, 1e-9)
        said = [
            "restauration d'un export, tel quel / restoring an export as it is, "
        ] * self.restored
        said.append(f"+{self.added} −0 quads")
        if self.warnings:
            said.append(f", {self.warnings} avertissement(s) / warning(s)")
        said.append(f", {seconds:.1f} s ({self.added / seconds:,.0f} quads/s)")
        return "".join(said)


def bulk_file(store: Store, config: Config, path: Path, target: URIRef | None) -> BulkFile | None:
    """``path`` read once (``EmbeddedStore.scan``) when it can take the bulk path: an embedded
    store, a format the bulk loader reads, at least ``bulk_load_after`` quads, every graph
    new. None: it lands as one write (which also reports a syntax error with its line)."""
    if not store.checked_loads:
        return None
    compressed = path.suffix.lower() == ".gz"
    plain = path.with_suffix("") if compressed else path
    fmt = BY_FILE_EXTENSION.get(plain.suffix.lower())
    if fmt is None or fmt.key not in STREAMED:
        return None
    is_dataset = fmt in DATASET_FORMATS
    if is_dataset and target is not None:
        return None  # --graph takes a dataset's default graph only: the write path does that
    graph = None if is_dataset else (target or graph_for(plain, config.base_url))
    try:
        body = gunzipped(path) if compressed else path
        scanned = store.scan(body, fmt, graph, config.base_url)
    except MediationError:
        return None
    count, graphs, _ = scanned
    if count < config.bulk_load_after or any(_holds(store, g) for g in graphs):
        return None
    carries_history = history.history_graph(config.base_url) in graphs
    return BulkFile(path, body, fmt, graph, graphs, scanned, carries_history)


def _holds(store: Store, graph: GraphName) -> bool:
    return next(iter(store.quads(graph=graph)), None) is not None


def load_in_bulk(
    store: Store,
    config: Config,
    source: BulkFile,
    rules: Rules,
    agent: str,
    changelog: ChangeLog | None = None,
) -> BulkOutcome:
    """Land ``source`` (see the module): an export is restored as it is; other files are
    validated once in the store, and refused whole (ValidationFailed) on a violation. The
    change log follows; the search index is left stale, to be rebuilt whole (``mediation
    reindex``, or ``serve`` in the background) rather than updated resource by resource."""
    begun = time.monotonic()
    if source.carries_history:
        added = _load(store, config, source)
        if changelog is not None:
            changelog.rebuild(store, store.generation)
        return BulkOutcome(added, restored=True, started=begun)
    started = history.now()
    found: dict = {}
    # The store as it was (a snapshot: hard links, milliseconds) and the quads the bulk
    # loader writes, kept by subject: what the validation reads a resource's quads from.
    earlier = Path(store.directory) / SNAPSHOTS / f"load-{os.getpid()}-before"
    shutil.rmtree(earlier, ignore_errors=True)
    store.snapshot(earlier)
    written = LandedQuads(earlier / LANDED)

    def check() -> None:
        found["warnings"], landed = validate_loaded(
            store, source.graphs, source.count, config, rules, earlier, written
        )
        begun = time.monotonic()
        before = open_snapshot(earlier)  # a new resource: an empty lookup, not its quads read
        try:
            found["touched"] = classify_loaded(
                before, source.graphs, landed.documents, config.base_url
            )
        finally:
            before.close()
        log.info("%d documents classified in %.1f s", len(landed.documents), _since(begun))

    try:
        added = _load(store, config, source, check, written)
    finally:
        written.close()
        shutil.rmtree(earlier, ignore_errors=True)
    outcome = BulkOutcome(added, False, found["warnings"], found["touched"], started=begun)
    if changelog is not None:
        changelog.advance(store, store.generation)
    if config.record_history:
        entry, generation = _record(store, config, source, outcome, agent, started)
        outcome.change = entry.iri
        if changelog is not None:
            changelog.written(store, entry, generation)
    return outcome


def _load(store: Store, config: Config, source: BulkFile, check=None, landed=None) -> int:
    extra = {} if check is None else {"check": check, "landed": landed}
    return store.load(
        source.body, source.fmt, source.graph, config.base_url, scanned=source.scanned, **extra
    )


# ---------------------------------------------------------------------------------------------
# Validating what landed
# ---------------------------------------------------------------------------------------------


@dataclass
class Landed:
    """What one pass over the new graphs finds: the resources a write of all their quads
    would check, and the documents (resources, not their hash parts) they touch."""

    resources: list[URIRef]
    documents: list[URIRef]


def survey(
    store: Store,
    graphs: set[GraphName],
    base_url: str,
    rules: Rules,
    pool: Any = None,
    earlier: Store | None = None,
) -> Landed:
    """The resources a write of every quad of ``graphs`` would check (see
    :func:`.neighbourhood.extract_neighbourhood`) and the documents it touches, read from
    the store they landed in, in one pass over their quads: graph by graph
    (:func:`survey_graph`; ``earlier``, the store before the load), side by side in
    ``pool``'s workers when given."""
    candidates: set[URIRef] = set()
    documents: dict[URIRef, None] = {}
    ordered = sorted(graphs, key=lambda g: str(g or ""))
    pieces = (
        pool.imap(_survey_in_worker, ordered)
        if pool is not None
        else (survey_graph(store, graph, base_url, rules, earlier) for graph in ordered)
    )
    for found, touched in pieces:
        candidates |= found
        documents.update(dict.fromkeys(touched))
    reach = rules.reach

    def checked(node: URIRef) -> bool:
        if str(node).startswith(base_url):
            return True
        return any(q[2] in reach.classes for q in store.quads(subject=node, predicate=RDF.type))

    checked_resources = sorted((node for node in candidates if checked(node)), key=str)
    return Landed(checked_resources, list(documents))


def survey_graph(
    store: Store, graph: GraphName, base_url: str, rules: Rules, earlier: Store | None = None
) -> tuple[set[URIRef], list[URIRef]]:
    """What one new graph brings to :func:`survey`: the resources it touches (its subjects,
    the holders of its blank nodes, what it links to backwards, what links to a resource it
    changes more than the text of), not yet filtered, and the documents of its subjects.

    A named graph is surveyed by three SPARQL queries (:func:`graph_links`), which Oxigraph
    answers over its index without reading back the strings of the graph's terms; the
    default graph, which SPARQL here cannot name alone, by a pass over its quads
    (:func:`scanned_links`), the same results."""
    ordered, deep_subjects, linked = (
        scanned_links(store, graph, rules) if graph is None else graph_links(store, graph, rules)
    )
    around = Neighbourhood(store, Changeset(), base_url)
    resources = around.resources
    subjects: set[URIRef] = set(linked)
    documents: dict[URIRef, None] = {}
    for s in ordered:
        if isinstance(s, URIRef):
            subjects.add(s)
            documents.setdefault(document_of(s), None)
        else:
            holders = resources(s)
            subjects |= holders
            for owner in sorted(holders, key=str):
                documents.setdefault(document_of(owner), None)
    deep: set[URIRef] = set()
    for s in deep_subjects:
        deep |= resources(s)
    # The links from the new graphs bring no resource more: their subjects, and the holders
    # of their blank nodes, are the new graphs' own, which the survey of each adds. So the
    # store as it was before the load, when given, answers (a new resource: an empty lookup,
    # not every link the file made to it read back).
    before = around if earlier is None else Neighbourhood(earlier, Changeset(), base_url)
    for node in deep:
        for linker, _, _ in before.linking(node, None):
            subjects |= before.resources(linker)
    return subjects, list(documents)


def graph_links(store: Store, graph: URIRef, rules: Rules) -> tuple[list, list, list]:
    """What :func:`survey_graph` needs of a named graph: its subjects in the order of the
    store's index (the order the history records their documents in), the subjects of a
    quad that is more than a name or a description (a link, or a literal of another
    property), and the IRIs it links to through a property the shapes read backwards.

    Each a query whose results alone are read back: a pass over the graph's quads made
    four terms of each (the strings of Oxigraph's table read back, then rdflib terms)."""
    reach = rules.reach
    name = to_sparql(graph)
    listed = [to_sparql(p) for p in sorted(TEXT_PROPERTIES, key=str)]
    texts = ", ".join(listed)

    def column(query: str, variable: str) -> list:
        return [row[variable] for row in store.select(query)]

    ordered = column(f"SELECT DISTINCT ?s WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}", "s")
    # A quad of another property, or a link by one of those: in two queries, as the test of
    # each term for a literal costs Oxigraph more than the rest (it is asked of the few
    # names and descriptions only).
    deep = column(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH {name} {{ ?s ?p ?o }} FILTER(?p NOT IN ({texts})) }}",
        "s",
    )
    deep += column(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?p {{ {' '.join(listed)} }} "
        f"GRAPH {name} {{ ?s ?p ?o }} FILTER(!isLiteral(?o)) }}",
        "s",
    )
    if reach.any_inverse:
        inverse = ""
    elif reach.inverse:
        inverse = (
            f"VALUES ?p {{ {' '.join(to_sparql(p) for p in sorted(reach.inverse, key=str))} }} "
        )
    else:
        return ordered, deep, []
    linked = column(
        f"SELECT DISTINCT ?o WHERE {{ {inverse}GRAPH {name} {{ ?s ?p ?o }} FILTER(isIRI(?o)) }}",
        "o",
    )
    return ordered, deep, linked


def scanned_links(store: Store, graph: GraphName, rules: Rules) -> tuple[list, list, list]:
    """:func:`graph_links` by one pass over the graph's quads (literal objects left as
    None: the links are needed, not the values)."""
    reach = rules.reach
    ordered: dict[Node, None] = {}
    deep: dict[Node, None] = {}
    linked: set[URIRef] = set()
    for s, p, o, _ in store.link_quads(graph):
        ordered.setdefault(s, None)
        if o is not None or p not in TEXT_PROPERTIES:
            deep.setdefault(s, None)
        if isinstance(o, URIRef) and (reach.any_inverse or p in reach.inverse):
            linked.add(o)
    return list(ordered), list(deep), list(linked)


def _survey_in_worker(graph: GraphName) -> tuple:
    reading = _READING
    return survey_graph(
        reading["store"], graph, reading["base_url"], reading["rules"], reading["earlier"]
    )


def batches(
    store: Store, resources: list[URIRef], base_url: str, rules: Rules, own_quads=None
) -> Iterator[tuple[list[tuple], list[Node]]]:
    """The data and focus nodes of each batch of :data:`BATCH` resources, read as they are
    needed (a node's own quads by ``own_quads`` when given: :func:`own_reader`). The store
    does not change meanwhile, so the reads are kept across batches, up to
    :data:`READ_CACHE` nodes (then a fresh neighbourhood: its cache never holds the load)."""
    around = Neighbourhood(store, Changeset(), base_url, own_quads)
    for start in range(0, len(resources), BATCH):
        if around.cached > READ_CACHE:
            around = Neighbourhood(store, Changeset(), base_url, own_quads)
        data, focus = gather(around, resources[start : start + BATCH], rules.reach)
        yield list(data), sorted(focus, key=str)


@dataclass
class Findings:
    """The results of every batch: counted all, kept up to :data:`REPORTED` violations."""

    counts: dict[str, int] = field(default_factory=lambda: {"violation": 0, "warning": 0})
    results: list = field(default_factory=list)  # the validation's Result objects
    parents: dict = field(default_factory=dict)
    batches: int = 0

    def add(self, found: tuple) -> None:
        counts, violations, parents = found
        self.batches += 1
        if self.batches % 50 == 0:
            log.info("%d resources validated", self.batches * BATCH)
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        if violations and len(self.results) < REPORTED:
            self.results += violations[: REPORTED - len(self.results)]
            self.parents.update(parents)

    def report(self, shapes: Graph) -> Report:
        return report_of(self.results, shapes, self.parents)


def validate_loaded(
    store: Store,
    graphs: set[GraphName],
    quads: int,
    config: Config,
    rules: Rules,
    earlier: Path | None = None,
    written: LandedQuads | None = None,
) -> tuple[int, Landed]:
    """Find what the new ``graphs`` (``quads`` quads) touch (:func:`survey`) and validate it
    batch by batch; raise ValidationFailed with the report of the first violations when any;
    the warnings, and what the survey found. The ``load_validator`` setting says which
    validator checks them. ``earlier`` (a snapshot of the store before the load) and
    ``written`` (the quads the load wrote, by subject) given, each node's own quads are read
    from them (:func:`own_reader`), not from the store with the load in it."""
    findings = Findings()
    # Known before the survey: about five quads a resource at least.
    workers = min(config.load_workers, max(1, quads // (BATCH * 5)))
    checker = _checker(rules, getattr(config, "load_validator", "compiled"))
    if workers <= 1:
        _init(checker)
        before = None if earlier is None else open_snapshot(earlier)
        try:
            landed = survey(store, graphs, config.base_url, rules, earlier=before)
            log.info("validating %d resources in batches of %d", len(landed.resources), BATCH)
            own_quads = own_reader(store, before, written)
            for data, focus in batches(store, landed.resources, config.base_url, rules, own_quads):
                findings.add(_validate(data, focus))
        finally:
            if before is not None:
                before.close()
    else:
        # Each forked worker reads the graphs it surveys and the batches it checks from a
        # snapshot of the store (hard links, milliseconds), opened read-only: the reads,
        # which cost more than the checks once the shapes are compiled, are shared between
        # the workers too.
        snapshot = Path(store.directory) / SNAPSHOTS / f"load-{os.getpid()}"
        shutil.rmtree(snapshot, ignore_errors=True)
        store.snapshot(snapshot)
        reading = (checker, snapshot, config.base_url, rules, earlier, written)
        try:
            with multiprocessing.get_context("fork").Pool(workers, _init_reading, reading) as pool:
                begun = time.monotonic()
                landed = survey(store, graphs, config.base_url, rules, pool)
                resources = landed.resources
                log.info("%d resources found in %.1f s", len(resources), _since(begun))
                begun = time.monotonic()
                chunks = [resources[i : i + BATCH] for i in range(0, len(resources), BATCH)]
                for found in pool.imap(_read_and_validate, chunks):
                    findings.add(found)
                log.info("%d resources validated in %.1f s", len(resources), _since(begun))
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)
    if findings.counts["violation"]:
        report = findings.report(rules.validator.shapes_graph)
        raise refusal(report, {**report.counts(), **findings.counts})
    return findings.counts["warning"], landed


def _since(begun: float) -> float:
    return time.monotonic() - begun


def _checker(rules: Rules, kind: str) -> Callable[[list[tuple], list[Node]], list]:
    """What checks a batch's triples and focus nodes, giving its results."""
    if kind == "pyshacl":
        validator = rules.validator

        def with_pyshacl(data: list[tuple], focus: list[Node]) -> list:
            graph = Graph()
            for triple in data:
                graph.add(triple)
            return validator.validate(graph, focus_nodes=focus).results

        return with_pyshacl
    return compiled_validator(rules).check


@lru_cache(maxsize=2)
def compiled_validator(rules: Rules) -> CompiledValidator:
    """The write rules' shapes and context, compiled (built once per rules, or the rules' own
    checker)."""
    if rules.checker is not None:
        return rules.checker
    return CompiledValidator(rules.validator.shapes_graph, rules.validator.context)


_CHECK: Callable[[list[tuple], list[Node]], list] | None = None


def _init(checker: Callable[[list[tuple], list[Node]], list]) -> None:
    global _CHECK
    _CHECK = checker


_READING: dict = {}


def _init_reading(
    checker: Callable,
    snapshot: Path,
    base_url: str,
    rules: Rules,
    earlier: Path | None,
    written: LandedQuads | None,
) -> None:
    _init(checker)
    before = None if earlier is None else open_snapshot(earlier)
    _READING.update(store=open_snapshot(snapshot), base_url=base_url, rules=rules, around=None)
    _READING["earlier"] = before
    _READING["own_quads"] = own_reader(_READING["store"], before, written)


def own_reader(
    store: Store, earlier: Store | None, written: LandedQuads | None
) -> Callable[[Node], list[Quad]] | None:
    """What reads a node's own quads (as subject) with the load in: those the store held
    before it (``earlier``: for a new resource, an empty lookup) and those the load wrote
    (``written``, parsed from their own lines), rather than a lookup in ``store``, which holds
    the load and reads every term of a new resource's quads back from Oxigraph's table of
    strings. The same quads: the new graphs were empty; a node whose lines hold a literal
    the store writes otherwise is read from ``store``. None: ``store`` is read."""
    if earlier is None or written is None:
        return None

    def own_quads(node: Node) -> list[Quad]:
        found = written.quads(node)
        if found is None:
            return list(store.quads(subject=node))
        return list(earlier.quads(subject=node)) + found

    return own_quads


def _read_and_validate(resources: list[URIRef]) -> tuple:
    """One batch, in a worker: its neighbourhood read from the snapshot, then checked."""
    around = _READING["around"]
    if around is None or around.cached > READ_CACHE:
        around = _READING["around"] = Neighbourhood(
            _READING["store"], Changeset(), _READING["base_url"], _READING["own_quads"]
        )
    data, focus = gather(around, resources, _READING["rules"].reach)
    return _validate(list(data), sorted(focus, key=str))


def _validate(data: list[tuple], focus: list[Node]) -> tuple:
    """One batch, in a worker: counts, the violations, the resource and property holding each
    blank node a violation is about (to name it)."""
    results = _CHECK(data, focus)
    counts = {"violation": 0, "warning": 0, "info": 0}
    for result in results:
        counts[result.severity_key] = counts.get(result.severity_key, 0) + 1
    violations = sorted(
        (r for r in results if r.severity == SH.Violation),
        key=lambda r: (str(r.focus), str(r.shape)),
    )[:REPORTED]
    blanks = {r.focus for r in violations if isinstance(r.focus, BNode)}
    parents = {o: (s, p) for s, p, o in data if o in blanks}
    return counts, violations, parents


# ---------------------------------------------------------------------------------------------
# Recording it: the resources created or updated, and the history record
# ---------------------------------------------------------------------------------------------


def classify_loaded(
    store: Store, graphs: set[GraphName], documents: list[URIRef], base_url: str
) -> list[history.Touched]:
    """The documents the load touched (:func:`survey`): created when no graph but the new
    ones (and the history) says anything of them, updated otherwise; looked up a chunk at a
    time. ``store``: the store with the load in it, or a snapshot of it just before, which
    answers the same (the new graphs were empty) and reads nothing of a new resource, where
    the other reads each of its quads to leave them out (3.5–4.8 s at a million quads)."""
    skipped = {history.history_graph(base_url), *graphs}
    # Left out by Oxigraph itself: the rows are the resources that existed, not one for each
    # graph of each resource, new ones included, to be read back and dropped.
    others = ", ".join(to_sparql(g) for g in sorted(skipped - {None}, key=str))
    listed = sorted(documents, key=str)
    existed: set[URIRef] = set()
    for start in range(0, len(listed), CLASSIFY_CHUNK):
        chunk = listed[start : start + CLASSIFY_CHUNK]
        values = " ".join(f"<{iri}>" for iri in chunk)
        rows = store.select(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({others})) }}"
        )
        existed |= {row["s"] for row in rows}
        if None not in skipped:  # the default graph, which GRAPH ?g does not reach
            existed |= {d for d in chunk if next(iter(store.quads(subject=d, graph=None)), None)}
    return [history.Touched(d, "update" if d in existed else "create") for d in documents]


def _record(
    store: Store,
    config: Config,
    source: BulkFile,
    outcome: BulkOutcome,
    agent: str,
    started,
) -> tuple[history.Record, int]:
    """Add the load's history record (a write of its own, just after the load's); the record
    and the generation it made."""
    base = config.base_url
    sample: list[Quad] = []
    for name in sorted(source.graphs, key=lambda g: str(g or "")):
        for quad in store.quads(graph=name):
            if len(sample) >= history.QUAD_CAP:
                break
            sample.append(quad)
    entry = history.Record(
        history.change_iri(base),
        agent,
        f"mediation load {source.path.name}",
        started,
        history.now(),
        sorted(source.graphs, key=lambda g: str(g or "")),
        outcome.added,
        0,
        outcome.touched,
        generation=store.generation + 1,
    )
    # The hundreds of thousands of quads that name every resource touched, all about the
    # record's IRI and its fragments, streamed to the store's bulk loader after the record's
    # head, made durable by a flush: no journal, no list of them.
    head = history.record_head(entry, Changeset([], sample), base)
    quads = history.iter_touched_quads(entry, base)
    store.append(quads, history.history_graph(base), entry.iri, head)
    return entry, store.generation
