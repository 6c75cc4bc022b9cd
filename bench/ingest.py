"""Ingest measured on real articles: precision and recall per kind of fact.

    python bench/ingest.py [--articles bench/articles] [--known bench/known-actors.ttl]
                           [--only NAME] [--json]

Each ``bench/articles/*.toml`` annotates one article by hand (the format is in
``bench/README.md``); its text sits beside it, or in the shared folder for the seed
(``MEDIATION_SHARED``, default ``../shared``, as the tests find it). Every article is run
through ``service.ingest.ingest`` against what a service knows: a store loaded with the
project's data and the actors its articles name (``--known``), as ``mediation ingest
--use-store`` reconciles (``--store DIR`` for one of yours), and the draft's facts are read back from its
graph, and they are compared with the annotation's: events, dates, places, organisations,
people, roles, participant counts and parts of events. An article ingest refuses counts as
a draft with no facts. The last line counts the resources the reference already held that
the drafts minted again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.config import DEFAULT_BASE  # noqa: E402
from service.errors import MediationError  # noqa: E402
from service.namespaces import MED, SDO  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_reference import described_by, fold, named_in, open_reference_store  # noqa: E402

KINDS = ("events", "dates", "places", "organisations", "people", "roles", "participants", "parts")
#: The kinds the issue sets a target for (recall ≥ 0.8, precision ≥ 0.9).
TARGETED = ("events", "dates", "places", "organisations")

ORGANISATION_CLASSES = {
    SDO.Organization,
    SDO.NGO,
    SDO.GovernmentOrganization,
    SDO.EducationalOrganization,
    SDO.Corporation,
    SDO.LocalBusiness,
    MED.MediatorCollective,
}
PLACE_CLASSES = {SDO.Place, SDO.AdministrativeArea, SDO.City}
EVENT_CLASSES = {SDO.Event, SDO.EventSeries}

#: A draft's role concepts (``{base}id/role/{slug}``) and predicates, as the annotation's words.
ROLE_SLUGS = {
    "organisateur": "organiser",
    "co-organisateur": "organiser",
    "ouverture": "opened",
    "co-animation": "facilitated",
    "animation": "facilitated",
    "intervention": "spoke",
    "presentation-d-initiative": "presented",
    "partenaire": "partner",
    "soutien": "supporter",
    "lieu-d-accueil": "host",
    "stand-de-ressources": "stand",
    "rapporteur": "rapporteur",
}
ROLE_PREDICATES = {
    SDO.organizer: "organiser",
    SDO.sponsor: "supporter",
    SDO.funder: "supporter",
    SDO.performer: "spoke",
}
ROLE_WORDS = set(ROLE_SLUGS.values()) | {"publisher"}
#: Role words the roles scheme does not tell apart: « partenaire » is a partner or a
#: supporter (its alternative label « Soutien », « avec le soutien de » in its definition,
#: ``schema:sponsor`` either way), so the annotation's two words are compared as one.
SAME_ROLE = {"supporter": "partner"}


@dataclass
class Thing:
    """A named thing (organisation, person, place) or an event, as read or as annotated."""

    key: str
    names: list[str]
    known: str | None = None
    start: str | None = None
    end: str | None = None
    places: list[str] = field(default_factory=list)
    participants: list[int] = field(default_factory=list)
    part_of: set[str] = field(default_factory=set)

    def folded(self) -> set[str]:
        return {fold(n) for n in self.names if fold(n)}


@dataclass
class Facts:
    events: list[Thing] = field(default_factory=list)
    organisations: list[Thing] = field(default_factory=list)
    people: list[Thing] = field(default_factory=list)
    places: list[Thing] = field(default_factory=list)
    #: (agent key, role word, event key or None for the article's publisher)
    roles: set[tuple[str, str, str | None]] = field(default_factory=set)


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    #: The wrong and the missed facts, in words (``--details``).
    wrong: list[str] = field(default_factory=list, compare=False, repr=False)
    missed: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn}

    def __iadd__(self, other: Count) -> Count:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


# --- The annotations ---------------------------------------------------------------------


def shared_dir() -> Path:
    return Path(os.environ.get("MEDIATION_SHARED", ROOT.parent / "shared"))


def load_annotation(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def article_path(annotation: dict, folder: Path) -> Path:
    """The text an annotation is about: beside it, or in the shared folder."""
    article = annotation["article"]
    if "shared" in article:
        return shared_dir() / article["shared"]
    return folder / article["text"]


def expected_facts(annotation: dict) -> Facts:
    def things(section: str) -> list[Thing]:
        return [
            Thing(
                key=item["name"],
                names=[item["name"], *item.get("alternate", [])],
                known=item.get("known"),
            )
            for item in annotation.get(section, [])
        ]

    events = [
        Thing(
            key=item["id"],
            names=[item["name"], *item.get("alternate", [])],
            known=item.get("known"),
            start=item.get("start"),
            end=item.get("end") if item.get("end") != item.get("start") else None,
            places=list(item.get("places", [])),
            participants=list(item.get("participants", [])),
            part_of={item["part_of"]} if "part_of" in item else set(),
        )
        for item in annotation.get("events", [])
    ]
    roles = {(r["agent"], r["role"], r.get("event")) for r in annotation.get("roles", [])}
    organisations, people = things("organisations"), things("people")
    # The article's publisher is a part in the article (the rules above) whether or not the
    # annotation repeats it as a role: some annotations give it only as ``publisher``.
    publisher = annotation["article"].get("publisher")
    if publisher:
        declared = next((t for t in organisations + people if fold(publisher) in t.folded()), None)
        if declared is None:
            declared = Thing(key=publisher, names=[publisher])
            organisations.append(declared)
        if not any(role == "publisher" for _, role, _ in roles):
            roles.add((declared.key, "publisher", None))
    return Facts(events, organisations, people, things("places"), roles)


# --- The draft ----------------------------------------------------------------------------


def _names(graph: Graph, node: URIRef) -> list[str]:
    found = [str(o) for p in (SDO.name, SDO.alternateName) for o in graph.objects(node, p)]
    return sorted(set(found))


def _types(graph: Graph, node: URIRef) -> set:
    return set(graph.objects(node, RDF.type))


def _date(value: Literal) -> str:
    """A date as the annotations write it: a dateTime is its day (times are not annotated)."""
    text = str(value)
    return text.split("T", 1)[0] if "T" in text else text


def draft_facts(draft: Graph, lookup: Graph, base: str = DEFAULT_BASE) -> Facts:
    """The facts a draft states, its resources named as the draft or the reference names them."""
    both = draft + lookup
    facts = Facts()
    subjects = {s for s in draft.subjects() if isinstance(s, URIRef)}
    mentioned = subjects | {o for o in draft.objects() if isinstance(o, URIRef)}

    events = [s for s in subjects if _types(draft, s) & EVENT_CLASSES]
    for event in sorted(events):
        start = draft.value(event, SDO.startDate)
        end = draft.value(event, SDO.endDate)
        places: list[str] = []
        for place in draft.objects(event, SDO.location):
            places += _names(both, place)
            for outer in both.objects(place, SDO.containedInPlace):
                places += _names(both, outer)
        parents = set(draft.objects(event, SDO.superEvent))
        parents |= set(draft.subjects(SDO.subEvent, event))
        count = draft.value(event, MED.participantCount)
        facts.events.append(
            Thing(
                key=str(event),
                names=_names(draft, event),
                known=str(event),
                start=_date(start) if start is not None else None,
                end=_date(end) if end is not None and _date(end) != _date(start) else None,
                places=places,
                participants=[int(count)] if count is not None else [],
                part_of={str(p) for p in parents},
            )
        )

    place_nodes: set[URIRef] = set()
    for p in (SDO.location, SDO.spatialCoverage):
        for o in draft.objects(None, p):
            if isinstance(o, URIRef):
                place_nodes.add(o)
                if SDO.AdministrativeArea in _types(both, o):
                    continue  # a territory: its départements and EPCI are not what is said
                place_nodes |= {  # a venue's town
                    u for u in both.objects(o, SDO.containedInPlace) if isinstance(u, URIRef)
                }
    # The curated data's town without a venue is a place named after the town, in its
    # commune: one place for a reader, counted once (as the commune).
    place_nodes -= {
        node
        for node in place_nodes
        for outer in both.objects(node, SDO.containedInPlace)
        if outer in place_nodes
        and {fold(n) for n in _names(both, node)} & {fold(n) for n in _names(both, outer)}
    }
    for node in sorted(place_nodes):
        facts.places.append(Thing(str(node), _names(both, node), known=str(node)))

    for node in sorted(mentioned - set(events) - place_nodes):
        types = _types(both, node)
        if SDO.Person in types:
            facts.people.append(Thing(str(node), _names(both, node), known=str(node)))
        elif types & ORGANISATION_CLASSES and not types & PLACE_CLASSES:
            facts.organisations.append(Thing(str(node), _names(both, node), known=str(node)))

    # A role's link (``med:impliedProperty`` of its role type: the opener's
    # ``schema:performer``, a co-facilitator's ``schema:organizer``), and the link a part's
    # role also puts on the whole event, are that role said again, not roles of their own.
    implied: set[tuple] = set()
    for role in draft.subjects(RDF.type, MED.Participation):
        event, agent = draft.value(role, MED.inEvent), draft.value(role, MED.agent)
        concept = draft.value(role, MED.roleType)
        word = ROLE_SLUGS.get(str(concept).rsplit("/", 1)[-1]) if concept is not None else None
        if event is not None and agent is not None and word:
            facts.roles.add((str(agent), word, str(event)))
        prop = both.value(concept, MED.impliedProperty) if concept is not None else None
        wholes = set(draft.objects(event, SDO.superEvent)) | set(
            draft.subjects(SDO.subEvent, event)
        )
        rolled = SDO.contributor if prop == SDO.organizer else prop  # as the draft rolls it
        implied |= {(agent, event, prop)} | {(agent, whole, rolled) for whole in wholes}
    for event in events:
        for predicate, word in ROLE_PREDICATES.items():
            for agent in draft.objects(event, predicate):
                if (agent, event, predicate) not in implied:
                    facts.roles.add((str(agent), word, str(event)))
    for article in draft.subjects(RDF.type, SDO.NewsArticle):
        for publisher in draft.objects(article, SDO.publisher):
            facts.roles.add((str(publisher), "publisher", None))
    return facts


# --- Matching -----------------------------------------------------------------------------


def _tokens(names: Iterable[str]) -> set[str]:
    return {w for n in names for w in fold(n).split() if len(w) > 2}


def same_name(a: Thing, b: Thing, person: bool = False) -> bool:
    """Names fold to the same text (either's alternates count); a person's in any order."""
    if a.folded() & b.folded():
        return True
    if person:
        return bool(
            {frozenset(n.split()) for n in a.folded()} & {frozenset(n.split()) for n in b.folded()}
        )
    return False


def match_named(expected: list[Thing], found: list[Thing], person: bool = False) -> dict[str, str]:
    """Found key → expected key, one to one: by the same IRI as the annotation's ``known``,
    else by name."""
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for f in found:
        for e in expected:
            if e.key in taken:
                continue
            if (e.known and f.known and f.known.endswith(e.known)) or same_name(e, f, person):
                pairs[f.key] = e.key
                taken.add(e.key)
                break
    return pairs


def _event_score(e: Thing, f: Thing) -> int:
    score = 0
    if e.known and f.known and f.known.endswith(e.known):
        score += 4
    if e.start and f.start == e.start:
        score += 2
    if same_name(e, f):
        score += 3
    else:
        common, union = _tokens(e.names) & _tokens(f.names), _tokens(e.names) | _tokens(f.names)
        if union and len(common) / len(union) >= 0.4:
            score += 2
    if {fold(p) for p in e.places} & {fold(p) for p in f.places}:
        score += 1
    return score


def match_events(expected: list[Thing], found: list[Thing]) -> dict[str, str]:
    """Found event → expected event, one to one, best pairs first; a pair needs the known IRI,
    the same start, or names alike (a shared place alone is not enough)."""
    scored = sorted(
        ((_event_score(e, f), f.key, e.key) for e in expected for f in found),
        key=lambda t: -t[0],
    )
    pairs: dict[str, str] = {}
    for score, fk, ek in scored:
        if score >= 2 and fk not in pairs and ek not in pairs.values():
            pairs[fk] = ek
    return pairs


def _count(expected: set, found: set, say=str) -> Count:
    return Count(
        len(expected & found),
        len(found - expected),
        len(expected - found),
        sorted(say(f) for f in found - expected),
        sorted(say(f) for f in expected - found),
    )


def score(expected: Facts, found: Facts) -> dict[str, Count]:
    """Precision and recall counts per kind of fact (the rules: ``bench/README.md``), with the
    wrong and the missed facts in words."""
    counts: dict[str, Count] = {}
    ev = match_events(expected.events, found.events)
    names = {e.key: e.names[0] for e in expected.events}
    names |= {"draft:" + f.key: (f.names or [f.key])[0] for f in found.events}

    def mapped(key: str) -> str:
        return ev.get(key, "draft:" + key)

    counts["events"] = _count(
        {e.key for e in expected.events}, {mapped(f.key) for f in found.events}, names.get
    )
    exp_dates = {
        (e.key, s, v) for e in expected.events for s, v in (("start", e.start), ("end", e.end)) if v
    }
    found_dates = {
        (mapped(f.key), s, v)
        for f in found.events
        for s, v in (("start", f.start), ("end", f.end))
        if v
    }
    counts["dates"] = _count(exp_dates, found_dates, lambda d: f"{names[d[0]]}: {d[1]} {d[2]}")

    accepted = {e.key: set(e.participants) for e in expected.events if e.participants}
    found_counts = {(mapped(f.key), n) for f in found.events for n in f.participants}
    right = {(k, n) for k, n in found_counts if n in accepted.get(k, set())}
    right_keys = {k for k, _ in right}
    counts["participants"] = Count(
        len(right),
        len(found_counts) - len(right),
        len(accepted) - len(right_keys),
        sorted(f"{names[k]}: {n}" for k, n in found_counts - right),
        sorted(f"{names[k]}: {sorted(v)}" for k, v in accepted.items() if k not in right_keys),
    )

    exp_parts = {(e.key, p) for e in expected.events for p in e.part_of}
    found_parts = {(mapped(f.key), mapped(p)) for f in found.events for p in f.part_of}
    counts["parts"] = _count(
        exp_parts, found_parts, lambda d: f"{names.get(d[0], d[0])} ⊂ {names.get(d[1], d[1])}"
    )

    agents: dict[str, str] = {}
    for kind, person in (("organisations", False), ("people", True), ("places", False)):
        pairs = match_named(getattr(expected, kind), getattr(found, kind), person)
        agents.update(pairs)
        said = {t.key: t.names[0] for t in getattr(expected, kind)}
        said |= {"draft:" + t.key: (t.names or [t.key])[0] for t in getattr(found, kind)}
        counts[kind] = _count(
            set(said) - {k for k in said if k.startswith("draft:")},
            {pairs.get(t.key, "draft:" + t.key) for t in getattr(found, kind)},
            said.get,
        )
        names |= said

    found_roles = {
        (agents.get(a, "draft:" + a), SAME_ROLE.get(w, w), mapped(e) if e else None)
        for a, w, e in found.roles
    }
    counts["roles"] = _count(
        {(a, SAME_ROLE.get(w, w), e) for a, w, e in expected.roles},
        found_roles,
        lambda r: f"{names.get(r[0], r[0])} {r[1]} {names.get(r[2], r[2]) if r[2] else ''}".strip(),
    )
    return counts


def minted_again(
    draft: Graph, reference: Graph, expected: Facts, found: Facts, named=None
) -> list[str]:
    """The draft's new resources that the reference already held: named as one of them (a name
    or an alternate name, folded; ``named`` asks a store too), or matched to an annotated
    thing the reference holds. A town drafted as a place in its commune, as the curated data
    writes a town without a venue, is not its commune again."""
    held = {s for s in reference.subjects() if isinstance(s, URIRef)}
    names: dict[str, set[URIRef]] = {}
    for s, o in reference.subject_objects(SDO.name | SDO.alternateName):
        names.setdefault(fold(str(o)), set()).add(s)
    again: set[str] = set()
    for s in {s for s in draft.subjects(RDF.type) if isinstance(s, URIRef)} - held:
        if not _types(draft, s) & (
            ORGANISATION_CLASSES | PLACE_CLASSES | EVENT_CLASSES | {SDO.Person}
        ):
            continue
        folded = {fold(n) for n in _names(draft, s)}
        town = {
            o
            for o in draft.objects(s, SDO.containedInPlace)
            if {fold(n) for n in _names(reference, o)} & folded
        }
        if town:  # the town as a place, in its commune (the commune's namesakes aside)
            continue
        if any(names.get(n) for n in folded) or (
            named is not None and any(named(n) for n in _names(draft, s))
        ):
            again.add(str(s))
    known = {
        t.key: t.known
        for t in expected.events + expected.organisations + expected.people + expected.places
        if t.known and URIRef(DEFAULT_BASE + t.known) in held
    }
    pairs = match_events(expected.events, found.events)
    for kind, person in (("organisations", False), ("people", True), ("places", False)):
        pairs.update(match_named(getattr(expected, kind), getattr(found, kind), person))
    for fk, ek in pairs.items():
        if ek in known and URIRef(fk) not in held:
            again.add(fk)
    return sorted(again)


# --- Running ------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    status: str
    counts: dict[str, Count]
    again: list[str]


def run_article(path: Path, folder: Path, reference, lookup: Graph) -> Outcome:
    """One article through ingest against ``reference``; ``lookup`` names what it reuses."""
    annotation = load_annotation(path)
    expected = expected_facts(annotation)
    retrieved = annotation["article"].get("retrieved")
    today = retrieved if isinstance(retrieved, date) else None
    try:
        result = _ingest_as_saved(annotation, folder, reference, today)
    except MediationError as error:  # refused: a draft with no facts
        found, again = Facts(), []
        message = error.message("en").splitlines()[0]
        status = "refused: " + message.split(": ", 1)[-1].split(";")[0]
    else:
        graph = result.draft.graph
        described = lookup + described_by(graph, reference, lookup)
        found = draft_facts(graph, described)
        again = minted_again(graph, described, expected, found, named_in(reference))
        status = "draft" if result.conforms else "draft (violations)"
    return Outcome(path.stem, status, score(expected, found), again)


def _ingest_as_saved(annotation: dict, folder: Path, reference, today: date | None):
    """Ingest an article as a curator has it: the kept text, with the page's address, its
    publication date (when the page gives the day) and its site's name as the lines « Source
    : », « Publié le » and « Site : » a pasted text carries, since the saved page states them
    in its metadata (its address, ``article:published_time``, ``og:site_name``); the seed, an
    export, carries its own. The site's name is the annotation's ``publisher``: the texts
    were kept without their pages' metadata, and a site names itself as its publisher."""
    from service.ingest import ingest, ingest_text, read_article

    path = article_path(annotation, folder)
    article = annotation["article"]
    if "shared" in article:
        return ingest(path, reference=reference, today=today)
    title, _, body = read_article(path, 1_000_000).partition("\n")  # refused as ingest refuses
    said = [f"Source : {article['url']}"] if article.get("url") else []
    if article.get("url") and article.get("publisher"):
        said.append(f"Site : {article['publisher']}")
    published = str(article.get("published") or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        said.append("Publié le " + "/".join(reversed(published.split("-"))))
    text = "\n\n".join([title, *said, body.lstrip("\n")])
    return ingest_text(text, path.name, reference=reference, kind="text", today=today)


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def details(outcomes: list[Outcome]) -> str:
    """Each article's wrong and missed facts, kind by kind: what tuning works from."""
    lines = []
    for o in outcomes:
        lines.append(f"{o.name} ({o.status})")
        for k in KINDS:
            for word, facts in (("wrong", o.counts[k].wrong), ("missed", o.counts[k].missed)):
                if facts:
                    lines.append(f"  {k}, {word}: " + " | ".join(facts))
        if o.again:
            lines.append("  minted again: " + " | ".join(o.again))
    return "\n".join(lines)


def report(outcomes: list[Outcome]) -> str:
    lines = ["| article | status | " + " | ".join(KINDS) + " | minted again |"]
    lines.append("|" + " --- |" * (len(KINDS) + 3))
    totals = {k: Count() for k in KINDS}
    for o in outcomes:
        cells = []
        for k in KINDS:
            c = o.counts[k]
            totals[k] += c
            cells.append(f"{c.tp}/{c.tp + c.fn} (+{c.fp})")
        lines.append(f"| {o.name} | {o.status} | " + " | ".join(cells) + f" | {len(o.again)} |")
    lines += [
        "",
        "| kind | found right | wrong | missed | precision | recall |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for k in KINDS:
        c = totals[k]
        mark = " (target)" if k in TARGETED else ""
        lines.append(
            f"| {k}{mark} | {c.tp} | {c.fp} | {c.fn} | {_ratio(c.precision)} | {_ratio(c.recall)} |"
        )
    again = sorted({iri for o in outcomes for iri in o.again})
    lines += ["", f"Minted again: {len(again)}" + (" — " + ", ".join(again) if again else "")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=ROOT / "bench" / "articles")
    parser.add_argument("--known", type=Path, default=ROOT / "bench" / "known-actors.ttl")
    parser.add_argument("--only", help="one annotation file's stem")
    parser.add_argument("--json", action="store_true", help="counts as JSON")
    parser.add_argument(
        "--details", action="store_true", help="each article's wrong and missed facts too"
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="an embedded store to reconcile with, as `mediation ingest --use-store` does "
        "(default: a new one, loaded with ontology/, data/ and --known)",
    )
    parser.add_argument(
        "--no-store", action="store_true", help="reconcile with the files only, no store"
    )
    parser.add_argument(
        "--territories",
        choices=("all", "seed"),
        default="all",
        help="what the new store holds of the territories: every official one, as a running "
        "service (default), or the nine of data/territories.ttl, as the tests' servers",
    )
    args = parser.parse_args(argv)

    from service.ingest import Reference, project_reference

    known = Graph().parse(args.known, format="turtle") if args.known.is_file() else Graph()
    lookup = project_reference(DEFAULT_BASE) + known
    paths = sorted(args.articles.glob("*.toml"))
    if args.only:
        paths = [p for p in paths if p.stem == args.only]
    if args.no_store:
        reference = Reference([project_reference(DEFAULT_BASE), known])
        outcomes = [run_article(p, args.articles, reference, lookup) for p in paths]
    else:
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
            store = open_reference_store(
                args.store, Path(scratch) / "store", args.known, args.territories
            )
            try:
                reference = Reference([project_reference(DEFAULT_BASE)], [store])
                outcomes = [run_article(p, args.articles, reference, lookup) for p in paths]
            finally:
                store.close()
    if args.json:
        print(
            json.dumps(
                {
                    o.name: {
                        "status": o.status,
                        "again": o.again,
                        **{
                            k: {
                                **c.counts,
                                **({"wrong": c.wrong, "missed": c.missed} if args.details else {}),
                            }
                            for k, c in o.counts.items()
                        },
                    }
                    for o in outcomes
                },
                indent=1,
            )
        )
    else:
        print(report(outcomes))
        if args.details:
            print("\n" + details(outcomes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
