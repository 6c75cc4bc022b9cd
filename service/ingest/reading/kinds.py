"""The kinds of events French running text names: a regular expression for the words of
each (singular and plural), its class in the vocabulary, whether it lasts one day, whether it
is a part of a larger event, and the series its plural names; ``KIND`` finds them with their
determiner and ordinal (« la deuxième journée régionale », « un rassemblement »)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...namespaces import MED


@dataclass(frozen=True)
class EventWords:
    """A kind of event: the words that name it (a regular expression, singular and plural),
    its class in the vocabulary, its IRI slug, whether it lasts one day, whether it is a
    part of a larger event (a workshop of a day), and the series its plural names."""

    pattern: str
    slug: str
    cls: str | None = None  # local name in the vocabulary (med:…)
    one_day: bool = False
    part: bool = False
    series_cls: str | None = None

    @property
    def vocabulary_class(self):
        return MED[self.cls] if self.cls else None


#: Kinds of events, a longer name before a shorter one it begins with.
EVENT_WORDS: tuple[EventWords, ...] = (
    EventWords(
        r"journ[ée]es?\s+r[ée]gionales?",
        "journee-regionale",
        "RegionalDay",
        True,
        False,
        "RegionalDaySeries",
    ),
    EventWords(r"journ[ée]es?\s+nationales?", "journee-nationale", None, True),
    #: « les Journées européennes de la médiation », « une journée départementale », « une
    #: journée d'étude »: a day (or days) by its reach or its purpose
    EventWords(
        r"journ[ée]es?\s+(?:europ[ée]ennes?|internationales?|d[ée]partementales?|"
        r"m[ée]tropolitaines?|intercommunales?|th[ée]matiques?|d['’][ée]tudes?|"
        r"portes?[\s-]ouvertes?|de\s+(?:rencontres?|formation|sensibilisation))",
        "journee",
        None,
        True,
    ),
    EventWords(r"journ[ée]es?\s+d['’][ée]changes?", "journee", None, True),
    EventWords(r"journ[ée]es?", "journee", None, True),
    EventWords(
        r"s[ée]ances?\s+pl[ée]ni[èe]res?|pl[ée]ni[èe]res?", "pleniere", "Plenary", False, True
    ),
    EventWords(r"ateliers?", "atelier", "Workshop", False, True),
    #: « La matinée, introduite par … », « la matinée a été l'occasion … »: the morning a
    #: sentence describes, a day's plenary session
    EventWords(
        r"matin[ée]e(?=\s*,?\s*(?:introduite|ouverte|a\s+[ée]t[ée]|[ée]tait|fut)\s)",
        "pleniere",
        "Plenary",
        False,
        True,
    ),
    EventWords(r"tables?[\s-]rondes?", "table-ronde", None, False, True),
    EventWords(r"restitutions?", "restitution", "Restitution"),
    EventWords(r"s[ée]minaires?", "seminaire"),
    EventWords(r"webinaires?|webinars?", "webinaire"),
    EventWords(r"congr[èe]s", "congres"),
    EventWords(r"colloques?", "colloque"),
    EventWords(r"symposiums?", "symposium"),
    EventWords(r"assises", "assises"),
    EventWords(r"conf[ée]rences?", "conference", None, False, True),
    EventWords(r"forums?", "forum"),
    EventWords(r"formations?(?=\s+(?:de|des|sur|à|au|aux|d['’])\s)", "formation"),
    EventWords(r"rencontres?", "rencontre"),
    EventWords(r"rassemblements?", "rassemblement"),
    #: « une réunion publique », « une réunion d'information »: a meeting open to people, not
    #: a team's « réunion » of every day
    EventWords(
        r"r[ée]unions?\s+(?:publiques?|d['’]information|d['’][ée]changes?|de\s+quartier)",
        "reunion-publique",
    ),
    EventWords(r"universit[ée]s?\s+d['’][ée]t[ée]", "universite-d-ete"),
    EventWords(r"ciné-débats?|cin[ée][\s-]d[ée]bats?|d[ée]bats?\s+publics?", "debat"),
    EventWords(r"visioconf[ée]rences?", "webinaire"),
    #: « lors d'un temps fort de l'association »: a highlight, a restitution when the sentence
    #: says something is given back there (« sera restituée lors d'un temps fort »)
    EventWords(r"temps\s+forts?", "temps-fort"),
)
RESTITUTION = next(k for k in EVENT_WORDS if k.slug == "restitution")
KIND = re.compile(
    r"\b(?P<det>(?:la|le|les|une|un|des|du|de\s+la|cette|ce|cet|ces|d['’]une?|ses|sa|son|leur)\s+|l['’]\s*)?"
    r"(?:(?:autres?|nouvel(?:le)?s?|grande?s?|m[êe]mes?|traditionnel(?:le)?s?|annuel(?:le)?s?)\s+)?"
    r"(?P<ordinal>(?:premi[èe]re?|deuxi[èe]me|seconde?|troisi[èe]me|\d+(?:e|[èe]me|re|er))\s+(?:[ée]dition\s+(?:de\s+la|du|des)\s+)?)?"
    r"(?P<kind>" + "|".join(f"(?:{k.pattern})" for k in EVENT_WORDS) + r")\b",
    re.I,
)
