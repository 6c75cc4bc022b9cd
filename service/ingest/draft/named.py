"""Who and where the running text names, beyond the events the draft holds: the towns and
regions the article is about (``schema:spatialCoverage``, the official territories only,
when the page does not list them itself),
and the people and organisations the text gives a part in an event the draft does not
hold (``schema:mentions``, each with its sentence, the role left to the curator).

A town is the commune of that name; among homonyms, the one in a département or region
the text names; several still, it is proposed, never decided. A name that is no official
territory (a venue, « l'Europe ») is left to the events that take place there.
"""

from __future__ import annotations

from rdflib import URIRef

from ...namespaces import IGEO, MED, SDO
from ..reading.facts import Facts
from ..reading.mentions import Mention
from ..reading.names import fold_name, slugify
from ..reading.record import Sentence
from .builder import DraftBuilder, last_segment

#: The names the regions go by beside their official one (« la région Sud », « PACA »).
REGION_USUAL_NAMES = {
    "paca": "Provence-Alpes-Côte d'Azur",
    "sud paca": "Provence-Alpes-Côte d'Azur",
    "region sud": "Provence-Alpes-Côte d'Azur",
    "idf": "Île-de-France",
    "aura": "Auvergne-Rhône-Alpes",
    "bfc": "Bourgogne-Franche-Comté",
    "hdf": "Hauts-de-France",
}
#: How sure a territory read from a name in running text is (a model's place, a rule's).
PLACE_CONFIDENCE = {"model": 0.75, "rule": 0.6}


def add_named_places(builder: DraftBuilder, article: URIRef, facts: Facts) -> None:
    """The communes and regions the text names as places: the territories it is about,
    unless the page lists them itself (the export's « Territoires » line, which the curated
    data follows)."""
    if builder.found.territories:
        return
    context = facts.places_named()
    done: set[URIRef] = set()
    for mention in facts.mentions:
        if mention.label != "place":
            continue
        territory = _territory(builder, mention, context)
        if territory is None or territory in done:
            continue
        done.add(territory)
        builder.record("territory", mention.text, territory)
        builder.add(article, SDO.spatialCoverage, territory)
        builder.evidence(
            article,
            SDO.spatialCoverage,
            territory,
            Sentence(mention.passage.text, mention.passage.line or 0),
            f"spatialCoverage-{last_segment(territory)}",
            PLACE_CONFIDENCE.get(mention.by, 0.6),
            (mention.passage.start, mention.passage.end),
        )


def _territory(builder: DraftBuilder, mention: Mention, context: list[str]) -> URIRef | None:
    """The commune (homonyms told apart by the territories the text names) or the region
    the name is; a département alone is left aside: in running text it mostly names an
    institution (« la préfecture du Nord », « député de l'Hérault »)."""
    name = mention.text.strip()
    usual = REGION_USUAL_NAMES.get(" ".join(fold_name(name).replace("-", " ").split()))
    region = builder.ref.territory(usual or name, IGEO.Region)
    if region is not None:
        return region
    commune = builder.known.place(name, context)
    if commune.iri is not None:
        return commune.iri
    if commune.candidates:
        listed = " ; ".join(f"<{c.iri}>" for c in commune.candidates[:4])
        builder.draft.to_complete(
            f"« {name} » : plusieurs communes de ce nom ({listed}), aucune désignée par le "
            "texte : à choisir si l'article en parle.",
            f"“{name}”: several communes of that name ({listed}), none told apart by the text: "
            "choose one if the article is about it.",
        )
    return None


def add_named_agents(builder: DraftBuilder, article: URIRef, facts: Facts) -> None:
    """The people and organisations a role's sentence names whom no drafted event carries:
    mentioned by the article, with the sentence, their role for the curator to place; and
    the organisation a person in a role is said to belong to (« Marie Slimati de
    l'association Interfaces »)."""
    for role in facts.roles:
        _add_affiliation(builder, article, role)
        agent = builder.agent(None, role.agent.name, role.role, role.agent.label == "person")
        if agent is None or (None, MED.agent, agent) in builder.graph:
            continue
        if (article, SDO.mentions, agent) in builder.graph:
            continue
        _mention(builder, article, agent, role.passage, role.confidence)
        builder.draft.to_complete(
            f"« {role.agent.name} » : rôle « {role.role} » lu (« {role.words} ») dans un "
            "événement que le brouillon ne porte pas : à placer, ou à laisser.",
            f"“{role.agent.name}”: role “{role.role}” read (“{role.words}”) in an event the draft "
            "does not hold: place it, or leave it.",
        )


def _add_affiliation(builder: DraftBuilder, article: URIRef, role) -> None:
    """The organisation beside a person's name: mentioned by the article, and the new
    person's affiliation (a known person's description is the data's, never redrafted)."""
    mention = role.agent.affiliation
    if mention is None:
        return
    organisation = builder.agent(None, mention.name, "affiliation")
    if organisation is None:
        return
    _mention(builder, article, organisation, mention.passage, min(role.confidence, 0.7))
    person = builder.agent(None, role.agent.name, role.role, True)
    if person is not None and not builder.ref.exists(person):
        builder.add(person, SDO.affiliation, organisation)


def _mention(
    builder: DraftBuilder, article: URIRef, agent: URIRef, passage, confidence: float
) -> None:
    """The article mentions ``agent``, with the passage it is named in as evidence."""
    builder.add(article, SDO.mentions, agent)
    builder.evidence(
        article,
        SDO.mentions,
        agent,
        Sentence(passage.text, passage.line or 0),
        f"mentions-{slugify(last_segment(agent))}",
        confidence,
        (passage.start, passage.end),
    )
