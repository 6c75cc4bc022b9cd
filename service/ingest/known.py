"""Known things stay themselves: the people, organisations, places and events a text names,
recognised among those the project's data and the store already hold.

A name is compared with every name, alternate name and acronym of the actors the
:class:`~.reconcile.Reference` knows, and with the domains of their addresses (so
``francemediation.fr`` is France Médiation, never a new actor named after its domain), as
keys that leave case, accents, small words and « préfet »/« préfecture » aside. One actor
of that key is the match (:attr:`Recognised.iri`); a name that only resembles one (most
of its words, a close spelling) is a candidate with its score, proposed to the curator and
never decided. A town is the commune of that name; of several of that name (homonyms),
the one in a département or region the text names. An event is the one the data holds on
that day in that town. The search index does the same for people typing in a form
(``service/search/lookup.py``), but ingest may not import it: the store is asked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from rdflib import URIRef

from ..namespaces import IGEO
from .reading.names import fold_name
from .reconcile import AGENT_CLASSES, Reference

#: Words left out when names are compared: « Préfecture du Pas-de-Calais » and « Préfet
#: Pas-de-Calais » have the same key.
_SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"}
#: Words that stand for another in names: a prefect for the prefecture he heads.
_SAME_WORD = {"prefet": "prefecture", "prefete": "prefecture", "asso": "association"}
#: How close a name must be to another to be proposed, and the score of one whose words
#: are all in the other's.
CANDIDATE_SCORE = 0.8
SUBSET_SCORE = 0.7


@dataclass(frozen=True)
class Candidate:
    """A resource the data holds that a name may stand for, with how close it is and why."""

    iri: URIRef
    label: str
    score: float
    why: str  # "name", "alternate-name", "acronym", "domain", "resembles", "words"


@dataclass
class Recognised:
    """What a name stands for: the known resource (``iri``), or candidates to propose."""

    name: str
    iri: URIRef | None = None
    why: str | None = None
    candidates: list[Candidate] = field(default_factory=list)


def compare_key(name: str) -> str:
    """A name as it is compared: folded, its words only, small words left out."""
    words = re.findall(r"[a-z0-9]+", fold_name(name))
    return " ".join(_SAME_WORD.get(w, w) for w in words if w not in _SMALL_WORDS)


def domain_key(text: str) -> str | None:
    """``francemediation.fr``, ``www.france-mediation.fr``, ``https://…/`` → the words of the
    host without its top-level domain (``francemediation``); None when ``text`` is no host."""
    host = urlsplit(text if "//" in text else f"//{text}").netloc.lower()
    if not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,6}", host):
        return None
    host = host.removeprefix("www.")
    return re.sub(r"[^a-z0-9]", "", host.rsplit(".", 1)[0]) or None


def acronym_of(name: str) -> str:
    """The initials of a name's words, small words aside: « Association des médiateurs des
    collectivités territoriales » → ``amct``."""
    return "".join(word[0] for word in compare_key(name).split())


class Known:
    """The actors a reference holds, read once, and the questions asked of them."""

    def __init__(self, reference: Reference):
        self.ref = reference
        self._actors: list[tuple[URIRef, str, str]] | None = None  # (iri, label, why)

    def actors(self) -> list[tuple[URIRef, str, str]]:
        """Every (actor, name or address, kind of name) the reference holds."""
        if self._actors is None:
            rows = self.ref.select_each(
                "SELECT DISTINCT ?actor ?name ?alt ?url ?class WHERE { ?actor a ?class . "
                "OPTIONAL { ?actor schema:name ?name } OPTIONAL { ?actor schema:alternateName ?alt } "
                "OPTIONAL { ?actor schema:url|schema:sameAs|schema:email ?url } }",
                "class",
                AGENT_CLASSES,
            )
            out: set[tuple[URIRef, str, str]] = set()
            for row in rows:
                actor = row.get("actor")
                if not isinstance(actor, URIRef):
                    continue
                for key, why in (("name", "name"), ("alt", "alternate-name"), ("url", "domain")):
                    if row.get(key) is not None:
                        out.add((actor, str(row[key]), why))
            self._actors = sorted(out)
        return self._actors

    def actor(self, name: str) -> Recognised:
        """The known actor ``name`` stands for, or the candidates it resembles."""
        found = Recognised(name)
        key = compare_key(name)
        domain = domain_key(name) if " " not in name.strip() else None
        # A département's State site (« pas-de-calais.gouv.fr ») is its prefecture's.
        state = re.fullmatch(r"(?:https?://)?(?:www\.)?([a-z-]+)\.gouv\.fr/?", name.strip().lower())
        prefecture = f"prefecture {compare_key(state.group(1))}" if state else None
        exact: dict[URIRef, str] = {}
        close: dict[URIRef, Candidate] = {}
        for iri, label, why in self.actors():
            if why == "domain":
                theirs = domain_key(label)
                if theirs and domain and theirs == domain:
                    exact.setdefault(iri, "domain")
                elif theirs and theirs == key.replace(" ", ""):
                    exact.setdefault(iri, "domain")
                continue
            their_key = compare_key(label)
            if not their_key:
                continue
            if their_key == prefecture:
                exact.setdefault(iri, "domain")
            elif their_key == key or (domain and their_key.replace(" ", "") == domain):
                exact.setdefault(iri, why if their_key == key else "domain")
            elif name.isupper() and 2 <= len(key) <= 8 and acronym_of(label) == key:
                exact.setdefault(iri, "acronym")
            else:
                score = _resemblance(key, their_key)
                if score >= SUBSET_SCORE and score > close.get(iri, _NONE).score:
                    close[iri] = Candidate(iri, label, round(score, 2), _why(key, their_key))
        if len(exact) == 1:
            found.iri, found.why = next(iter(exact.items()))
            return found
        for iri in exact:  # several actors of that name: the curator chooses
            close[iri] = Candidate(iri, name, 0.9, exact[iri])
        found.candidates = sorted(close.values(), key=lambda c: (-c.score, str(c.iri)))
        return found

    def place(self, name: str, named_in_text: list[str]) -> Recognised:
        """The commune (or other territory) called ``name``; among homonyms, the one in a
        département or region whose name the text gives."""
        found = Recognised(name)
        rows = self.ref.select(
            "SELECT DISTINCT ?place ?name ?word ?outer ?outerName WHERE { ?place a igeo:Commune ; "
            "schema:name ?name . FILTER(CONTAINS(LCASE(STR(?name)), ?word)) "
            "OPTIONAL { ?place schema:containedInPlace+ ?outer . ?outer schema:name ?outerName } }",
            word=_literal(name.lower().split("-")[0].split()[0]),
        )
        places: dict[URIRef, set[str]] = {}
        for row in rows:
            if isinstance(row.get("place"), URIRef) and compare_key(
                str(row["name"])
            ) == compare_key(name):
                places.setdefault(row["place"], set())
                if row.get("outerName") is not None:
                    places[row["place"]].add(compare_key(str(row["outerName"])))
        if len(places) == 1:
            found.iri, found.why = next(iter(places)), "name"
            return found
        context = {compare_key(n) for n in named_in_text}
        inside = [p for p, outers in places.items() if outers & context]
        if len(inside) == 1:
            found.iri, found.why = inside[0], "homonym-resolved"
            return found
        found.candidates = [
            Candidate(p, name, round(1 / len(places), 2), "homonym") for p in sorted(places)
        ]
        return found

    def territory_named(self, name: str) -> URIRef | None:
        """A département or region called ``name`` (« Pas-de-Calais », « Hauts-de-France »)."""
        for cls in (IGEO.Departement, IGEO.Region):
            iri = self.ref.territory(name, cls)
            if iri is not None:
                return iri
        return None

    def venues_in(self, commune: URIRef) -> list[tuple[URIRef, str]]:
        """The places (venues, not territories) the data holds in the commune."""
        rows = self.ref.select(
            "SELECT DISTINCT ?place ?name ?commune WHERE { ?place schema:containedInPlace ?commune ; "
            "schema:name ?name . FILTER NOT EXISTS { ?place a schema:AdministrativeArea } }",
            commune=commune,
        )
        return sorted(
            {(r["place"], str(r["name"])) for r in rows if isinstance(r["place"], URIRef)}
        )

    def venue(self, names: list[str], commune: URIRef | None) -> URIRef | None:
        """The one known venue (a place, not a territory) called by one of ``names`` (its name,
        an alternate name or acronym), in the commune when the text gives one."""
        rows = self.ref.select(
            "SELECT DISTINCT ?place ?name ?commune WHERE { ?place a schema:Place ; "
            "schema:name|schema:alternateName ?name . "
            "OPTIONAL { ?place schema:containedInPlace ?commune } "
            "FILTER NOT EXISTS { ?place a schema:AdministrativeArea } }"
        )
        keys = {compare_key(name) for name in names if compare_key(name)}
        found = {
            r["place"]
            for r in rows
            if isinstance(r.get("place"), URIRef)
            and compare_key(str(r["name"])) in keys
            and (commune is None or r.get("commune") == commune)
        }
        return found.pop() if len(found) == 1 else None

    def event(self, day: date, commune: URIRef | None) -> Recognised:
        """The event the data holds on that day in that commune (« a second article about the
        same day »): the one not part of another; candidates when several."""
        found = Recognised(day.isoformat())
        if commune is None:
            return found
        iri = self.ref.event_on(day, commune, None)
        if iri is not None:
            found.iri, found.why = iri, "date-and-place"
        return found

    def series(self, cls: URIRef, organiser: URIRef | None) -> URIRef | None:
        """The one series of that class (by that organiser, when known) the data holds: « les
        journées régionales » of France Médiation."""
        rows = self.ref.select(
            "SELECT DISTINCT ?series ?class ?organizer WHERE { ?series a schema:EventSeries , ?class . "
            "OPTIONAL { ?series schema:organizer ?organizer } }",
            **{"class": cls},
        )
        found = {
            r["series"]
            for r in rows
            if isinstance(r.get("series"), URIRef)
            and (organiser is None or r.get("organizer") == organiser)
        }
        return found.pop() if len(found) == 1 else None

    def location_of(self, event: URIRef) -> URIRef | None:
        rows = self.ref.select(
            "SELECT ?place ?event WHERE { ?event schema:location ?place }", event=event
        )
        places = {r["place"] for r in rows if isinstance(r.get("place"), URIRef)}
        return places.pop() if len(places) == 1 else None


_NONE = Candidate(URIRef("urn:none"), "", 0.0, "")


def _resemblance(a: str, b: str) -> float:
    """How close two name keys are: their spelling, or all the words (two or more) of one
    among the other's; 0 when not close enough to propose."""
    ratio = SequenceMatcher(None, a, b).ratio()
    small, large = sorted((set(a.split()), set(b.split())), key=len)
    if len(small) >= 2 and small <= large:
        ratio = max(ratio, SUBSET_SCORE + 0.1 * len(small) / len(large))
    return ratio if ratio >= SUBSET_SCORE and (ratio >= CANDIDATE_SCORE or len(small) >= 2) else 0.0


def _why(a: str, b: str) -> str:
    return (
        "words"
        if set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split())
        else "resembles"
    )


def _literal(text: str):
    from rdflib import Literal

    return Literal(text)
