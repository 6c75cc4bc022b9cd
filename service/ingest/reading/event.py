"""The event an article reports, as far as one sentence plainly states it.

"Le 4 décembre 2019 à Liévin, s'est tenue la deuxième journée régionale … à
l'initiative de France Médiation." — a date with its year, a verb saying it took place,
a kind of event, maybe a town and an organiser; the next sentences may count who came.
Nothing is guessed beyond what the sentence says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...namespaces import MED
from .dates import day_of, parse_date
from .lines import Line
from .record import EventFacts, EventKind, Extracted, Sentence

#: Kinds of events a sentence may name, a longer name before a shorter one it begins with
#: (the first that matches is taken).
EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("journée régionale", MED.RegionalDay, "journee-regionale", True),
    EventKind("journée nationale", None, "journee-nationale", True),
    EventKind("journée", None, "journee", True),
    EventKind("séance plénière", MED.Plenary, "pleniere", False),
    EventKind("atelier", MED.Workshop, "atelier", False),
    EventKind("restitution", MED.Restitution, "restitution", False),
    EventKind("rencontre", None, "rencontre", False),
    EventKind("conférence", None, "conference", False),
    EventKind("colloque", None, "colloque", False),
    EventKind("séminaire", None, "seminaire", False),
    EventKind("forum", None, "forum", False),
)

#: Verbs that state, in the past, that an event took place.
EVENT_VERBS = r"(?:s['’]est\s+tenue?|s['’]est\s+déroulée?|a\s+eu\s+lieu|se\s+tenait|avait\s+lieu)"

_DATE_IN_SENTENCE = re.compile(
    r"\b(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéûA-ZÉÛ]+\.?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b",
    re.I,
)
_DAY_WITHOUT_YEAR = re.compile(
    r"\b(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéûA-ZÉÛ]+\b\.?)(?!\s*\d)", re.I
)
_PLACE = re.compile(
    r"\bà\s+(?P<place>[A-ZÉÈÊÎÔÛÀÇ][\w'’]*(?:[- ](?:sur|sous|en|le|la|les|lès|de|du|des|d['’]\w+|[A-ZÉÈÊÎÔÛÀÇ][\w'’]*))*)"
)
_INITIATIVE = re.compile(
    r"(?:à\s+l['’]initiative\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+|de\s+|d['’])|organisée?s?\s+par\s+(?:l['’]|la\s+|le\s+|les\s+)?)"
    r"(?P<name>[A-ZÉÈÊÎÔÛÀÇ][^,.;:()]*?)\s*(?:[,.;:()]|$)"
)
_COUNT = re.compile(
    r"^(?:Cette|Cet|La|Le|L['’])\s*(?:journée|événement|évènement|rencontre|manifestation|séance|atelier|conférence|colloque|forum|séminaire)\s+"
    r"(?:a|avait)\s+(?:réuni|rassemblé|accueilli)\s+(?P<count>\d{1,3}(?:[ \u00a0\u202f]?\d{3})*)\s+"
    r"(?:personnes|participants?|participantes?)\b(?:\s*\((?P<who>[^)]*)\))?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÉÈÊÎÔÛÀÇ«\"])")
_ORDINAL = r"(?:(?:première|premier|deuxième|seconde?|troisième|quatrième|cinquième|\w+ième|\d+(?:e|ème|re|er))\s+)?"
_NAME_STOP = re.compile(
    r"\s+(?:après|avant|pour|avec|organisée?|qui|dont|le|les|à|au|aux|en\s+\d{4}|cette)\b|[,;:.(]"
)


def _sentences(lines: list[Line], taken: set[int]) -> Iterator[Sentence]:
    blocks: dict[int, list[Line]] = {}
    for line in lines:
        if line.block in taken or line.kind not in ("p", "li"):
            continue
        blocks.setdefault(line.block, []).append(line)
    for block in blocks.values():
        text = " ".join(text_line.text for text_line in block)
        for piece in _SENTENCE_END.split(text):
            if piece.strip():
                yield Sentence(piece.strip(), block[0].number)


def read_event(body: list[Line], taken: set[int], found: Extracted) -> None:
    """The event a sentence reports plainly: "Le 4 décembre 2019 à Liévin, s'est tenue la
    deuxième journée régionale … à l'initiative de France Médiation." Only what the
    sentence (and, for the count, the next one about "cette journée") says."""
    sentences = list(_sentences(body, taken))
    kinds = "|".join(re.escape(k.words) for k in EVENT_KINDS)
    for position, sentence in enumerate(sentences):
        verb = re.search(EVENT_VERBS, sentence.text, re.I)
        if not verb:
            continue
        when = _DATE_IN_SENTENCE.search(sentence.text)
        if not when:
            partial = next(
                (
                    m.group("date")
                    for m in _DAY_WITHOUT_YEAR.finditer(sentence.text)
                    if parse_date(f"{m.group('date')} 2000") is not None
                ),
                None,
            )
            if partial:
                found.problem(
                    sentence.line,
                    f"l'événement rapporté est daté « {partial} », sans année : l'année est devinée "
                    "d'après la date de publication et le texte, avec une note de qualité, à vérifier.",
                    f"the event reported is dated “{partial}”, without a year: the year is guessed "
                    "from the publication date and the text, with a data-quality note, to check.",
                )
            continue
        start = parse_date(when.group("date"))
        if start is None:
            found.problem(
                sentence.line,
                f"date de l'événement illisible : « {when.group('date')} ».",
                f"unreadable event date: “{when.group('date')}”.",
            )
            continue
        what = re.search(
            rf"\b(?:(?:la|le|une|un)\s+|l['’]){_ORDINAL}(?P<kind>{kinds})(?P<rest>[^.;]*)",
            sentence.text[verb.end() :],
            re.I,
        )
        if not what:
            continue
        kind = next(k for k in EVENT_KINDS if k.words == what.group("kind").lower())
        rest = _NAME_STOP.split(what.group("rest"), maxsplit=1)[0].strip()
        name_words = f"{what.group('kind').lower()} {rest}".strip()
        place = _PLACE.search(sentence.text[: verb.start()]) or _PLACE.search(
            sentence.text[verb.end() :]
        )
        organiser = _INITIATIVE.search(sentence.text)
        count = audiences = count_sentence = None
        for follower in sentences[position : position + 3]:
            counted = _COUNT.search(follower.text)
            if counted:
                count = int(re.sub(r"\D", "", counted.group("count")))
                audiences = [
                    a.strip()
                    for a in re.split(r",|\bet\b", counted.group("who") or "")
                    if a.strip()
                ]
                count_sentence = follower
                break
        found.event = EventFacts(
            kind=kind,
            name_words=name_words,
            start=day_of(start),
            place=place.group("place").strip() if place else None,
            organiser=organiser.group("name").strip() if organiser else None,
            count=count,
            audiences=audiences or [],
            sentence=sentence,
            count_sentence=count_sentence,
        )
        return
