"""Getting data into the store: the first load of the project's files, and every later write.

Every write — a SPARQL Update, a Graph Store Protocol request, ``mediation load`` — goes
through :meth:`Publisher.write`, which does, in order:

1. compute the change against the current state (``Store.update_delta`` for an update,
   a parsed document for an upload): a :class:`~service.store.Changeset` of quads;
2. refuse changes to the graphs the service owns (:func:`protected_graphs`): the
   vocabulary and the shapes come from the repository (the validator reads them from
   there, so a copy edited in the store would say one thing and enforce another), and
   the history is written by the service alone;
3. validate the change with SHACL against the store's state (:func:`check_write`): only the
   neighbourhood of the change is extracted, changed in memory, and validated, so the
   cost follows the size of the change, not of the store; a violation refuses the write
   (:class:`~service.errors.ValidationFailed`, 422, with the report), warnings pass;
4. take the store's write lock and check that no write applied since step 1 changed
   anything steps 1 and 3 read (every read goes through a
   :class:`~service.store.ReadRecorder`, and the store remembers what its last writes
   changed): if one did, steps 1–3 are done again under the lock. So writers on distinct
   resources do not wait for one another's validation, and what is applied was validated
   against the state it is applied to: two writes each valid alone but not together never
   both land;
5. record it in the history (:mod:`.history`), in the same changeset;
6. apply it (``Store.apply``: atomic and durable, journaled on the embedded store), then,
   still under the lock, append its record to the change log beside the store
   (:mod:`.changelog`), which pages and feeds read;
7. update the search index for the resources it touched.

The operator's loads that are not validated (``validate=False``) do steps 1–2 under the lock.

What is validated, and what the shapes read around a change: :mod:`.neighbourhood`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ..config import PROJECT_ROOT, Config
from ..errors import Forbidden, MediationError
from ..seed import graph_for, rdf_files
from ..store import Changeset, ReadPattern, ReadRecorder, Store, changed
from ..validation import Report, project_validator
from . import history
from .changelog import ChangeLog
from .characters import check_characters
from .neighbourhood import Rules, check_write, refusal, write_rules

log = logging.getLogger(__name__)
_RULES_LOCK = threading.Lock()


# ---------------------------------------------------------------------------------------------
# The graphs the service owns
# ---------------------------------------------------------------------------------------------


def protected_graphs(base_url: str, root: Path = PROJECT_ROOT) -> dict[URIRef, str]:
    """The graphs no write may change, with the reason's key: the vocabulary and concept
    schemes (``ontology/``), the shapes (``shapes/``) and the history."""
    found: dict[URIRef, str] = {}
    for folder, reason in (("ontology", "vocabulary"), ("shapes", "shapes")):
        for path in rdf_files([root / folder]):
            found[graph_for(path, base_url)] = reason
    found[history.history_graph(base_url)] = "history"
    # The remote store keeps our default graph and its write counter in these two.
    for name in ("default", "system"):
        found[URIRef(f"{base_url}graph/{name}")] = "reserved"
    return found


_PROTECTED_REASONS = {
    "vocabulary": (
        "le vocabulaire et les référentiels viennent du dépôt (ontology/) ; "
        "modifiez-les là, ils sont chargés dans un magasin vide",
        "the vocabulary and the concept schemes come from the repository "
        "(ontology/); change them there, they are loaded into an empty store",
    ),
    "shapes": (
        "les formes SHACL viennent du dépôt (shapes/), d'où la validation les lit ; "
        "une copie modifiée dans le magasin dirait une chose et en vérifierait une autre",
        "the SHACL shapes come from the repository (shapes/), where validation reads "
        "them; a copy edited in the store would say one thing and check another",
    ),
    "history": (
        "l'historique est écrit par le service seul, à chaque écriture",
        "the history is written by the service alone, with every write",
    ),
    "reserved": (
        "ce nom est réservé au magasin (graphe par défaut, compteur d'écritures)",
        "this name is reserved for the store (default graph, write counter)",
    ),
}


def check_graphs(changes: Changeset, protected: dict[URIRef, str]) -> None:
    """Refuse a change to a protected graph (403)."""
    for name in sorted((g for g in changes.graphs() if g is not None), key=str):
        check_graph(name, protected)


def check_graph(name: URIRef, protected: dict[URIRef, str]) -> None:
    """Refuse a write aimed at a protected graph (403), whatever it would change: a PUT of
    nothing to a history still empty is refused as one that would empty it."""
    reason = protected.get(name)
    if reason is not None:
        fr, en = _PROTECTED_REASONS[reason]
        raise Forbidden(
            f"Le graphe {name} ne peut pas être modifié : {fr}.",
            f"The graph {name} cannot be changed: {en}.",
            graph=str(name),
        )


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """A change and its validation, with what they read and the generation they read."""

    changes: Changeset
    report: Report | None
    owners: dict
    generation: int
    patterns: set[ReadPattern]


@dataclass
class Outcome:
    """What an accepted write did."""

    generation: int
    added: int
    removed: int
    change: URIRef | None  # the history record (None: nothing changed, or history is off)
    report: Report | None  # the validation report (warnings may remain)
    created_graphs: set[URIRef] = field(default_factory=set)
    touched: list[history.Touched] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "generation": self.generation,
            "change": str(self.change) if self.change else None,
            "warnings": self.report.counts()["warning"] if self.report else 0,
            "resources": [{"iri": str(t.iri), "action": t.action} for t in self.touched],
        }


class Publisher:
    """The write domain of one store: see the module docstring."""

    def __init__(
        self,
        store: Store,
        config: Config,
        index=None,
        changelog: ChangeLog | None = None,
        rules: Rules | None = None,
    ):
        self.store = store
        self.config = config
        self.index = index
        #: The change log beside the store, appended after each write (None: the first load
        #: and tools that keep no log).
        self.changelog = changelog
        self._rules = rules
        self.protected = protected_graphs(config.base_url)

    @property
    def rules(self) -> Rules:
        # Writers validate side by side: the first ones would build the rules at once, and
        # the SPARQL parser they use is not thread-safe.
        with _RULES_LOCK:
            return self._rules or write_rules(
                project_validator(), getattr(self.config, "write_validator", "compiled")
            )

    def write(
        self,
        compute: Callable[[Store], Changeset],
        *,
        agent: str,
        operation: str,
        allow_protected: bool = False,
        record: bool | None = None,
        validate: bool = True,
        author: str | None = None,
        reason: str | None = None,
    ) -> Outcome:
        """Compute a change with ``compute(store)``, check it, record it and apply it (see the
        module: ``compute`` may run outside the write lock, and then again under it, so it
        must only read the store it is given). Raises Forbidden, BadRequest,
        ValidationFailed.

        ``allow_protected``, ``record=False`` and ``validate=False`` are for the operator's
        command line only: loading the project's own graphs, restoring an export. ``author``:
        who wrote what ``agent`` publishes (a draft's publisher), named in the history; ``reason``:
        why what it deletes went, on their tombstones."""
        try:
            return self._write(
                compute,
                agent=agent,
                operation=operation,
                allow_protected=allow_protected,
                record=record,
                validate=validate,
                author=author,
                reason=reason,
            )
        except MediationError as error:
            if error.status < 500:  # the store's own failures are logged where they are answered
                reason = " ".join(error.message_en.split())
                log.info(
                    "write by %s (%s) refused, %s: %s",
                    agent,
                    operation,
                    error.code,
                    reason if len(reason) <= 300 else reason[:299] + "…",
                )
            raise

    def _write(
        self,
        compute: Callable[[Store], Changeset],
        *,
        agent: str,
        operation: str,
        allow_protected: bool,
        record: bool | None,
        validate: bool,
        author: str | None = None,
        reason: str | None = None,
    ) -> Outcome:
        base = self.config.base_url
        record = self.config.record_history if record is None else record
        started = history.now()
        first = self._prepare(compute, allow_protected, validate) if validate else None
        with self.store.write_lock():
            checked = first
            if first is None or self._stale(first):
                # Unvalidated, or something read changed meanwhile: again, under the lock.
                checked = self._prepare(compute, allow_protected, validate, self.store)
            changes, report, owners = checked.changes, checked.report, checked.owners
            if not changes:
                return Outcome(self.store.generation, 0, 0, None, None)
            if report is not None and not report.conforms:
                raise refusal(report)
            existing = set(self.store.graph_names())
            created = {g for g in changes.graphs() if g is not None and g not in existing}
            touched = history.classify(self.store, changes, base, owners)
            change = None
            entry = None
            applied = changes
            if record:
                change = history.change_iri(base)
                entry = history.Record(
                    change,
                    agent,
                    operation,
                    started,
                    history.now(),
                    sorted(changes.graphs(), key=lambda g: str(g or "")),
                    len(changes.add),
                    len(changes.remove),
                    touched,
                    # Under the lock: this write makes the next generation.
                    generation=self.store.generation + 1,
                    author=author,
                    reason=reason,
                )
                applied = Changeset(
                    changes.remove, changes.add + history.record_quads(entry, changes, base)
                )
            generation = self.store.apply(applied)
            self._log(changes, entry, generation)
        # Outside the lock: the index takes it itself, and a remote store's lock may not nest.
        self._reindex(changes)
        log.info(
            "write by %s (%s): +%d -%d quads, generation %d%s",
            agent,
            operation,
            len(changes.add),
            len(changes.remove),
            generation,
            " (validated again under the lock)"
            if first is not None and checked is not first
            else "",
        )
        return Outcome(
            generation, len(changes.add), len(changes.remove), change, report, created, touched
        )

    def _prepare(
        self,
        compute: Callable[[Store], Changeset],
        allow_protected: bool,
        validate: bool,
        locked: Store | None = None,
    ) -> Checked:
        """The change, checked: computed and validated through a :class:`ReadRecorder` (outside
        the lock, on the generation it started from) or on the ``locked`` store itself."""
        generation = self.store.generation
        reader = locked or ReadRecorder(self.store)
        changes = compute(reader)
        report, owners = None, {}
        if changes:
            check_characters(changes.add)
            if not allow_protected:
                check_graphs(changes, self.protected)
            if validate:
                report, piece = check_write(reader, changes, self.config.base_url, self.rules)
                owners = piece.owners
        patterns = reader.patterns if isinstance(reader, ReadRecorder) else set()
        return Checked(changes, report, owners, generation, patterns)

    def _stale(self, checked: Checked) -> bool:
        """Under the write lock: whether a write applied since the change was computed
        changed anything its computation or its validation read (then it is done again)."""
        since = self.store.changes_since(checked.generation)
        return since is None or changed(checked.patterns, since)

    def _log(self, changes: Changeset, entry: history.Record | None, generation: int) -> None:
        """Keep the change log in step with the write just applied (under the write lock)."""
        changelog = self.changelog
        if changelog is None:
            return
        try:
            if entry is not None:
                changelog.written(self.store, entry, generation)
            elif history.history_graph(self.config.base_url) in changes.graphs():
                # Records brought whole (an export restored): read them from the graph.
                changelog.rebuild(self.store, generation)
            else:
                changelog.advance(self.store, generation)
        except Exception:  # noqa: BLE001 — the write is applied; the log catches up later
            log.exception(
                "change log not appended after a write: it catches up from the history "
                "graph before the next write, or at the next start"
            )

    def _reindex(self, changes: Changeset) -> None:
        if self.index is None:
            return
        from ..search import changed_iris

        try:
            self.index.update(self.store, changed_iris(changes))
        except Exception:  # noqa: BLE001 — the write is applied; a stale index is rebuilt at start
            log.exception("search index update failed after a write; it will be rebuilt")


__all__ = [
    "Outcome",
    "Publisher",
    "check_graph",
    "check_graphs",
    "protected_graphs",
]
