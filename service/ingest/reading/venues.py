"""Venues a sentence names: « à l'école nationale supérieure d'Arts et Métiers (ENSAM) à
Lille », « dans la belle salle de l'espace Marcel Pagnol », « qui s'est tenu à l'espace
Paul-Éluard ».

A venue is a place word (espace, salle, école, théâtre…) after « à », « au », « dans »
(with its article), followed by a proper name of its own: « à la mairie » or « dans la
salle » name no venue, and neither does « au centre de Lille » (a town alone is no name).
The town the phrase gives (« … de Villiers-le-Bel », « … à Lille ») is kept apart, for the
draft to check against the territories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .happenings import PLACE_NAME

#: Words that head the name of a venue.
VENUE_WORDS = (
    r"espace|salle|centre|maison|école|lycée|collège|université|mairie|hôtel\s+de\s+ville|"
    r"théâtre|gymnase|stade|médiathèque|bibliothèque|foyer|complexe|palais|auditorium|"
    r"amphithéâtre|arena|aréna|cité|parc|halle|campus|institut"
)
_UPPER = r"[A-ZÉÈÊÎÔÛÀÇ]"
#: A capitalised word of a name (« Marcel », « Paul-Éluard », « L'espace »).
_CAPITAL = rf"{_UPPER}[\w'’\-]*"
#: Small words inside a name (« d'Arts et Métiers », « de la Ville »).
_LINK = r"(?:de|du|des|la|le|les|et|sur|sous|en|d['’]|l['’])"
#: Lower-case words between the venue word and its name (« nationale supérieure »).
_LOWER = r"[a-zéèêîôûàç][a-zéèêîôûàç\-]+"
_VENUE = re.compile(
    rf"\b(?P<head>(?i:{VENUE_WORDS}))\b(?P<tail>(?:\s+(?:{_LOWER})){{0,4}}?"
    rf"(?:\s*(?:\s(?i:{_LINK})\s*|\s)(?:{_CAPITAL}))+)"
)
#: The words before a venue: a preposition, an article, perhaps « la belle salle de ».
_BEFORE = re.compile(
    r"(?:^|[\s(])(?i:à|au|aux|dans)\s+(?:(?i:la|le|les)\s+|(?i:l)['’]\s*)?[\w\s'’]{0,30}$"
)
_NOT_ADJECTIVE = re.compile(
    r"^(?:que|qui|pour|avec|par|où|dont|ce|cette|son|sa|ses|leur|leurs|un|une|a|est|sont|"
    r"était|organisé|organisée|tenu|tenue|lors|dans|pendant|depuis|vers|ville)$"
)
_ACRONYM = re.compile(r"^\s*\((?P<acronym>[A-Z][A-Z0-9\-]{1,11})\)")
_TOWN_AFTER = re.compile(rf"^(?:\s*\([^)]*\))?\s*,?\s*à\s+(?P<town>{PLACE_NAME})")
_TOWN_IN_NAME = re.compile(rf"\s+(?:de|d['’])\s*(?P<town>{_CAPITAL}(?:[\s\-]{_CAPITAL})*)$")


@dataclass
class Venue:
    """A venue a sentence names, as the text writes it, and the town the phrase gives."""

    name: str  # « École nationale supérieure d'Arts et Métiers »
    start: int  # offsets in the sentence
    end: int
    acronym: str | None = None  # « ENSAM »
    #: « Espace Marcel Pagnol » when the name ends with « de Villiers-le-Bel »: the name
    #: without its town, if the town is one
    short: str | None = None
    town: str | None = None  # « Villiers-le-Bel », « Lille »
    town_after: bool = False  # the town follows the name (« … à Lille »), not inside it
    #: whether ``short`` says more than its venue word (« Espace Marcel Pagnol », « Maison
    #: des associations », not « Centre »): if
    #: not and the town is one, the phrase names the town, not a venue (« au centre de Lille »)
    short_named: bool = False


def venue_in(sentence: str) -> Venue | None:
    """The venue the sentence names after a preposition, if any: the last venue word with a
    name of its own (« la salle de l'espace Marcel Pagnol » is the espace Marcel Pagnol)."""
    found: Venue | None = None
    position = 0
    while match := _VENUE.search(sentence, position):
        position = match.start() + 1  # a venue word inside this one's name is looked at too
        before = sentence[: match.start()]
        if not _BEFORE.search(before):
            continue
        lower = re.match(rf"(?:\s+{_LOWER})*", match["tail"]).group().split()
        if any(_NOT_ADJECTIVE.match(word) for word in lower):
            continue
        name = match.group().strip()
        name = name[:1].upper() + name[1:]
        venue = Venue(name, match.start(), match.end())
        rest = sentence[match.end() :]
        if acronym := _ACRONYM.match(rest):
            venue.acronym = acronym["acronym"]
        if town := _TOWN_IN_NAME.search(name):
            venue.short, venue.town = name[: town.start()], town["town"]
            venue.short_named = len(venue.short.split()) > len(match["head"].split())
        elif town := _TOWN_AFTER.match(rest):
            venue.town, venue.town_after = town["town"], True
        found = venue
    return found
