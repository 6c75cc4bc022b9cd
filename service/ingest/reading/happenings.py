"""The events running text describes: days, seminars, workshops, webinars, congresses,
trainings, cycles and series of them, with their dates, places and participant counts.

A sentence describes an event when it names a kind of event and says when it happens or
happened, or that it took place, or how many came: « Du 5 au 7 février dernier à Angers,
France Médiation a représenté le secteur … lors du congrès international des acteurs de
la médiation » ; « Cette journée a réuni 250 personnes ». A kind in the plural after
« cycle » or « série » is a series (« un cycle de Journées régionales », « une série de
webinaires »); workshops and plenaries of a dated day are its parts; « celle du 19
novembre à Saint-Quentin » is another event of the same kind. Each event keeps the
sentence it was read from and a confidence; nothing is invented to fill a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .headings import CAPTION, dates_line, is_heading, paragraphs_between
from .kinds import EVENT_WORDS, KIND, RESTITUTION, EventWords
from .passages import TextSentence
from .when import Doubt, When, read_dates

_SERIES = re.compile(r"\b(?:cycle|s[ée]rie|programme|tour\s+de\s+France)\s+(?:de|d['’])\s*$", re.I)
#: Verbs and phrases that say an event happened or will happen.
_HAPPENED = re.compile(
    r"\b(?:s['’]est\s+(?:tenue?|d[ée]roul[ée]e?)|a\s+eu\s+lieu|aura\s+lieu|se\s+tiendra|"
    r"se\s+d[ée]roulera|a\s+(?:r[ée]uni|rassembl[ée]|accueilli|permis|[ée]t[ée]\s+organis[ée]e?)|"
    r"ont\s+(?:r[ée]uni|rassembl[ée])|organis[ée]e?s?|anim[ée]e?s?\s+par|lors\s+d[eu']|"
    r"[àa]\s+l['’]occasion\s+d[eu']|invit(?:e|ait|ent)|retour\s+sur|intitul[ée]e?)\b",
    re.I,
)
_COUNT = re.compile(
    r"\b(?P<approx>plus\s+de|pr[èe]s\s+de|environ|quelque|au\s+moins|une\s+centaine\s+de)?\s*"
    r"(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})*|\d+)\s+"
    r"(?P<who>personnes|participant(?:e)?s|acteurs|professionnel(?:le)?s|m[ée]diat(?:eur|rice)s|"
    r"congressistes|inscrit(?:e)?s|[ée]lu(?:e)?s|partenaires|structures)\b",
    re.I,
)
_GATHERED = re.compile(
    r"\b(?:r[ée]unie?s?|rassembl[ée]e?s?|accueillie?s?|compt[ée]e?s?|mobilis[ée]e?s?|r[ée]unissant|"
    r"rassemblant)\b",
    re.I,
)
#: « celle du 19 novembre à Saint-Quentin »: another event of the kind just named.
_ANOTHER = re.compile(r"\b(?:celle|celui|celles|ceux)\s+(?:du|des|de)\s+", re.I)
_HABITUAL = re.compile(
    r"\b(?:r[ée]guli[èe]rement|chaque\s+(?:ann[ée]e|mois|semaine)|souvent|habituellement)\b", re.I
)
_DATED_TITLE = re.compile(r"^[^-–:]{4,40}?\s[-–:]\s+(?P<title>.{3,200})$")
_ANOTHER_BEFORE = re.compile(r"\b(?:celle|celui|celles|ceux)\s+(?:du|des|de)\s+$", re.I)
#: A year written as a time (« en 2016 », « le premier semestre 2024 », « juin 2019 »), not as
#: a name's number (« Quartiers 2030 »).
_TIME_YEAR = re.compile(
    r"\b(?:en|depuis|d[èe]s|courant|d[ée]but|fin|semestre|trimestre|ann[ée]e|[ée]t[ée]|printemps|"
    r"automne|hiver|rentr[ée]e|janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|"
    r"octobre|novembre|d[ée]cembre)\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-[01]\d\b(?!-)",
    re.I,
)
_UPPER = "A-ZÉÈÊÎÔÛÀÇ"
#: « à Liévin », « à Saint-Quentin », « à Mons-en-Barœul », « au Centre Universitaire … »: a
#: capitalised name, its joining words only before another capitalised word.
PLACE_NAME = (
    rf"[{_UPPER}][\w’'-]*(?:(?:[- ](?:sur|sous|en|lès|le|la|les|de|du|des)[- ]|[- ]d['’]|[- ])"
    rf"(?=[{_UPPER}])[{_UPPER}][\w’'-]*)*"
)
_PLACE_AFTER = re.compile(rf"\b(?:à|au|en)\s+(?P<place>{PLACE_NAME})")
_NAME_STOP = re.compile(
    r"\s+(?:après|avant|pour|avec|organis[ée]e?s?|qui|dont|le|les|à|au|aux|en\s+\d{4}|cette|a|ont|"
    r"s['’]est|se|était|lors|animée?s?|par|du\s+\d+|de\s+\d+|en\s+partenariat|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|leurs?|lui|permettant|visant|afin)\b|"
    r"[,;:.()«»]"
)
_TITLE = re.compile(
    r"(?:intitul[ée]e?s?|sur\s+le\s+th[èe]me)\s*:?\s*[«“\"]\s*(?P<title>[^»”\"]{3,120})\s*[»”\"]",
    re.I,
)
#: « le forum départemental « La nuit nous appartient » »: the name in quotes right after the kind
_QUOTED_NAME = re.compile(r"^(?:\s+[\w'’-]+){0,3}?\s*[«“]\s*(?P<title>[^»”]{3,120}?)\s*[»”]")
_REFERS_BACK = re.compile(
    r"^(?:(?:[AÀ]\s+l['’]occasion\s+de|[AÀ]\s+travers|Au\s+cours\s+de|Lors\s+de|Pendant|Durant|Sur|Dans|Intitul[ée]e?\s*[«“][^»”]*[»”]\s*,)\s*)?"
    r"(?:Cette|Cet|Ce|Ces|La|Le|Les|L['’]|cette|cet|ce|ces)\s*(?:derni[eè]re?\s+)?(?:journ[ée]e|[ée]v[éè]nement|rencontre|manifestation|"
    r"s[ée]ance|atelier|conf[ée]rence|colloque|forum|s[ée]minaire|webinaire|congr[èe]s|session|"
    r"rassemblement|r[ée]union|assises|salon|"
    r"formation|matin[ée]e(?!\s*,?\s*(?:introduite|ouverte)\s)|apr[èe]s-midi)\b",
    re.I,
)


@dataclass
class Count:
    """How many came, as the text says it: « 250 personnes », « plus de 80 personnes »."""

    value: int
    minimum: bool  # « plus de », « au moins »: the value is a lower bound
    approximate: bool  # « près de », « environ », « une centaine »
    written: str
    start: int  # in the text
    passage: TextSentence


@dataclass
class EventMention:
    """An event a sentence describes, as far as it says it."""

    kind: EventWords
    name_words: str
    passage: TextSentence
    start: int  # where the kind's words start in the text
    when: When | None = None
    place: str | None = None
    title: str | None = None
    count: Count | None = None
    series: bool = False
    aside: bool = False  # named in passing (« celle du 19 novembre »), not described
    also: list[TextSentence] = field(default_factory=list)  # other sentences about the same event
    parent: int | None = None  # index, in the list read, of the event it is a part of
    follows: int | None = None  # index of the event the text says it follows
    confidence: float = 0.8
    doubts: list[Doubt] = field(default_factory=list)


def read_happenings(sentences: list[TextSentence], published: date | None) -> list[EventMention]:
    """The events the sentences describe, in order, with their parts and series linked."""
    found: list[EventMention] = []
    year: int | None = None
    heading: tuple[When, str, TextSentence] | None = None  # « 29 février 2024 - Titre »
    listing: EventMention | None = None  # « des ateliers organisés par thématique : »
    # The years the text writes as times: one may date « ce vendredi 11 octobre » by its weekday.
    text_years = tuple(int(m[1] or m[2]) for s in sentences for m in _TIME_YEAR.finditer(s.text))
    for position, sentence in enumerate(sentences):
        if listing is not None and _is_item(sentence):
            found.append(_item(listing, sentence))
            listing.aside = True  # the items are the events, the plural only announced them
            continue
        listing = None
        dates = read_dates(sentence.text, published, year=year, text_years=text_years)
        written_years = [w.start.year for w in dates if not w.doubts]
        if written_years:
            year = written_years[0]
        counted = _count(sentence)
        dated_title = _DATED_TITLE.match(sentence.text)
        if dated_title and dates and dates[0].offset == 0:
            if CAPTION.match(dated_title["title"]):
                continue  # « 22 juillet 2020 - Illustration : … »: a picture's caption
            heading = (dates[0], dated_title["title"].strip(), sentence)
            continue
        if heading is not None and paragraphs_between(sentences, heading[2], sentence) > 1:
            heading = None  # a dated line heads the paragraph under it, not the page
        if found and dates_line(sentence, dates, position, sentences, found[-1]):
            # « Jeudi 19 mai, de 14h à 15h30 » under « Webinaire - Présentation du rapport »:
            # the line dates the event the line above names.
            event = found[-1]
            event.when = dates[0]
            event.doubts = list(dates[0].doubts)
            event.confidence = round(min(0.75, dates[0].confidence), 2)
            event.also.append(sentence)
            continue
        back = _REFERS_BACK.match(sentence.text)
        referred = _referred(found, back) if back else None
        skip = back.end() if back and referred is not None else 0
        if referred is not None:
            # « Cette journée a réuni 250 personnes », « Ce webinaire, animé par … »: more
            # about the event just read, or one of the series just named, dated by the line
            # above it.
            last = referred
            series = (
                found.index(last)
                if last.series
                else last.parent
                if last.parent is not None and found[last.parent].series
                else None
            )
            if series is not None and heading is not None:
                found.append(_member(found[series], heading, sentence, series))
                last = found[-1]
                heading = None
                named = KIND.search(sentence.text, 0, back.end())
                if named is not None:  # « Le forum de Douai en a montré … »: its own words
                    last.name_words = _name_words(named, sentence.text)
            last.also.append(sentence)
            if counted and last.count is None:
                last.count = counted
                counted = None
            title = _TITLE.search(sentence.text)
            if title and last.title is None:
                last.title = title["title"].strip()
        if _HABITUAL.search(sentence.text):
            continue  # « des rencontres sont régulièrement organisées »: a habit, not an event
        kinds = list(KIND.finditer(sentence.text, skip))
        for index, match in enumerate(kinds):
            until = kinds[index + 1].start() if index + 1 < len(kinds) else len(sentence.text)
            whole = any(not (m.kind.part or m.series or m.aside) and m.when for m in found)
            mention = _mention(match, sentence, dates, counted, until, whole)
            series = _series_of(found, match) if heading is not None else None
            if mention is None and series is not None:
                # « 9 et 10 octobre 2019 - Titre » above « Les Journées européennes de Paris
                # … » under the series' title: that event of the series, dated by the line
                mention = _member(found[series], heading, sentence, series)
                mention.name_words = _name_words(match, sentence.text)
                heading = None
            if mention is None:
                continue
            twin = next(
                (m for m in found if m.passage is sentence and m.kind.slug == mention.kind.slug),
                None,
            )
            if twin is not None:  # « la journée … cette journée »: one event per kind and sentence
                twin.place = twin.place or mention.place
                continue
            same = next((m for m in found if _same_event(m, mention)), None)
            if same is not None:  # the lead and the body tell of the same day
                _merge(same, mention)
            else:
                found.append(mention)
                if match["ordinal"] and not mention.series and not mention.kind.part:
                    _numbered(found, mention)
            _another(found, same or mention, sentence, dates)
            if mention.series:
                _members(found, same or mention, sentence, dates)
            if _announces_items(mention, match, sentence):
                listing = mention
    _link(found)
    return found


#: The nouns a sentence refers back with that name no kind of their own.
_ANY_KIND = ("ev", "év", "man", "ren")


def _referred(found: list[EventMention], back: re.Match) -> EventMention | None:
    """The event « cette journée », « ce séminaire » refers to: the last one of that kind read;
    for a word of any kind (« cet évènement », « cette rencontre »), the surest event the
    article describes, the first of those (not one a sentence names in passing after it);
    for another kind, the last event after a demonstrative (« cette session »), none after
    an article (« Le séminaire national … » is another event)."""
    described = [m for m in found if not m.aside]
    if not described:
        return None
    noun = _fold(
        re.sub(
            r"(?i)^.*\b(?:cette|cet|ce|ces|la|le|les|l['’])\s*(?:derni[eè]re?\s+)?",
            "",
            back.group(),
        )
    )
    same = [m for m in described if _fold(m.kind.slug)[:4] == noun[:4]]
    if same:
        return same[-1]
    if noun.startswith(_ANY_KIND):
        whole = [m for m in described if not (m.kind.part or m.series)] or described
        return max(whole, key=lambda m: (m.confidence, m.when is not None, -found.index(m)))
    if re.search(r"(?i)\b(?:cette|cet|ce|ces)\b", back.group()):
        return described[-1]  # « Cette session », « ce temps »: the event just read
    return None  # « Le séminaire national … » after a day: another event, named anew


def _fold(text: str) -> str:
    import unicodedata

    bare = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in bare if not unicodedata.combining(c))


def _announces_items(mention: EventMention, match: re.Match, sentence: TextSentence) -> bool:
    """« L'après-midi a ensuite laissé place à des ateliers organisés par thématique : »: parts
    in the plural, their list to follow."""
    return (
        mention.kind.part
        and match["kind"].lower().endswith("s")
        and sentence.text.rstrip().endswith(":")
    )


def _is_item(sentence: TextSentence) -> bool:
    """A line of a list: short, no sentence's final stop."""
    text = sentence.text.strip()
    return 3 <= len(text) <= 120 and not text.endswith((".", "!", "?", ":"))


def _item(listing: EventMention, sentence: TextSentence) -> EventMention:
    """One of the parts a list names (« L'intégration de la médiation sociale à son
    territoire »), named by its line, dated as the day it is part of (see :func:`_link`)."""
    title = sentence.text.strip()
    title = title[:1].upper() + title[1:]
    return EventMention(
        kind=listing.kind,
        name_words=title,
        passage=sentence,
        start=sentence.start,
        title=title,
        also=[listing.passage],
        confidence=round(min(0.75, listing.confidence), 2),
    )


def _member(
    series: EventMention,
    heading: tuple[When, str, TextSentence],
    sentence: TextSentence,
    parent: int,
) -> EventMention:
    """One event of a series, dated and titled by the line above its description."""
    when, title, line = heading
    kind = series.kind
    return EventMention(
        kind=kind,
        name_words=kind.slug.replace("-", " "),
        passage=sentence,
        start=sentence.start,
        when=when,
        title=title,
        parent=parent,
        also=[line],
        confidence=round(min(0.85, when.confidence), 2),
        doubts=list(when.doubts),
    )


def _numbered(found: list[EventMention], event: EventMention) -> None:
    """« le 11ème rassemblement des jeunes médiateurs »: one of a series of that name, read
    as such (the series the data knows of that kind, else one named by the event's words)."""
    series = next((i for i, m in enumerate(found) if m.series and m.kind is event.kind), None)
    if series is None:
        name = event.name_words[:1].upper() + event.name_words[1:]
        found.insert(
            found.index(event),
            EventMention(
                kind=event.kind,
                name_words=event.name_words,
                passage=event.passage,
                start=event.start,
                title=name,
                series=True,
                confidence=round(min(0.6, event.confidence), 2),
            ),
        )
        series = found.index(event) - 1
    event.parent = series


def _series_of(found: list[EventMention], match: re.Match) -> int | None:
    """The index of the series read before of the kind ``match`` names, if any."""
    kind = match["kind"].lower()
    for index, event in enumerate(found):
        if event.series and re.fullmatch(event.kind.pattern, kind, re.I):
            return index
    return None


def _members(
    found: list[EventMention], series: EventMention, sentence: TextSentence, dates: list[When]
) -> None:
    """« un cycle de Journées régionales … (à Marseille, en juin), dans les Hauts-de-France
    (à Saint-Quentin en novembre puis à Liévin en décembre) »: each town with its date is one
    event of the series."""
    parent = found.index(series)
    for place in _PLACE_AFTER.finditer(sentence.text):
        if place.start() < series.start - sentence.start:
            continue
        when = next(
            (w for w in dates if 0 <= w.offset - place.end() <= 3),
            None,
        )
        if when is None:
            continue
        found.append(
            EventMention(
                kind=series.kind,
                name_words=series.kind.slug.replace("-", " "),
                passage=sentence,
                start=sentence.start + place.start(),
                when=when,
                place=place["place"],
                parent=parent,
                confidence=round(min(0.75, when.confidence), 2),
                doubts=list(when.doubts),
            )
        )


def _mention(
    match: re.Match,
    sentence: TextSentence,
    dates: list[When],
    counted: Count | None,
    until: int,
    whole: bool = False,
) -> EventMention | None:
    """The event the kind's words ``match`` name, if the sentence describes one; ``whole``:
    a dated event is read before, whose parts (« des tables rondes », « la conférence
    « … » ») a sentence may name without a date of their own."""
    at = sentence.text[match.start("kind") :]
    kind = next(
        k
        for k in EVENT_WORDS
        if (m := re.match(k.pattern, at, re.I)) and m.end() == len(match["kind"])
    )
    if kind.slug == "temps-fort" and re.search(r"(?i)\brestitu", sentence.text):
        kind = RESTITUTION
    before = sentence.text[: match.start()]
    plural = match["kind"].lower().endswith("s") and kind.slug not in ("congres", "assises")
    series = bool(_SERIES.search(before)) or bool(
        kind.series_cls
        and plural
        and (not match["det"] or match["det"].strip().lower() in ("des", "les", "ses", "leur"))
    )
    happened = _HAPPENED.search(sentence.text)
    day_dates = [w for w in dates if w.precision in ("day", "month", "year")]
    # « La matinée, introduite par … »: a part its opening describes
    opened = re.match(r"\s*,?\s*(?:introduite|ouverte)\s+par\b", sentence.text[match.end() :])
    # « Conférence d'ouverture », « Webinaire - Présentation du rapport … »: a line that names
    # an event by its kind first
    heading = match.start() == 0 and is_heading(sentence)
    part_of_whole = kind.part and whole and bool(match["det"])
    if not (day_dates or happened or counted or (kind.part and opened) or heading or part_of_whole):
        return None  # « plusieurs séminaires chaque année »: a kind named, no event described
    if heading and plural and not kind.part:
        series = True  # « Les webinaires France Médiation et ANCT »: a series by its title
    if not (match["det"] or match["ordinal"]) and not series and not match["kind"][0].isupper():
        return None  # « de formation », « en atelier »: a kind as a word, not an event
    rest = sentence.text[match.end() :]
    name_words = _name_words(match, sentence.text)
    # What comes after the next kind of event named in the sentence is that event's.
    window = sentence.text[:until]
    when = _closest([w for w in dates if w.offset < until], match.start(), window)
    when = None if series and when and when.precision == "day" else when
    place = _PLACE_AFTER.search(window)
    title = _TITLE.search(sentence.text) or _QUOTED_NAME.match(rest)
    title_text = title["title"].strip() if title else None
    if heading and not when and not happened:
        title_text = sentence.text.strip()  # the line is the event's name
    confidence = 0.9 if (when and happened) else 0.75 if (when or happened) else 0.6
    doubts = list(when.doubts) if when else []
    if when:
        confidence = round(min(confidence, when.confidence + 0.05), 2)
    return EventMention(
        kind=kind,
        name_words=name_words,
        passage=sentence,
        start=sentence.start + match.start("kind"),
        when=when,
        place=place["place"]
        if place and not series and not _is_not_a_place(place["place"])
        else None,
        title=title_text,
        count=counted,
        series=series,
        confidence=confidence,
        doubts=doubts,
    )


def _name_words(match: re.Match, text: str) -> str:
    """The kind's words and those that name the event after them, up to a verb, a date or a
    stop (« séminaire sur le dispositif … », « journées européennes de la médiation de Paris »)."""
    rest = _NAME_STOP.split(text[match.end() :], maxsplit=1)[0].strip()
    words = f"{match['kind'].lower()} {rest}".split()
    while len(words) > 1 and words[-1].lower() in {"en", "de", "du", "des", "la", "et", "d'", "y"}:
        words.pop()
    return " ".join(words)


def _closest(dates: list[When], position: int, text: str) -> When | None:
    """The date the kind's words go with: the one before them in the sentence (« Le 4
    décembre 2019 à Liévin, s'est tenue la journée »), else the first after them; a date
    introduced by « celle du » belongs to another event."""
    own = [w for w in dates if not _ANOTHER_BEFORE.search(text[: w.offset])]
    if not own:
        return None
    before = [w for w in own if w.offset < position]
    return before[0] if before else own[0]


def _another(
    found: list[EventMention], current: EventMention, sentence: TextSentence, dates: list[When]
) -> None:
    """« après celle du 19 novembre à Saint-Quentin »: an earlier (or later) event of the
    kind just read, with its own date and place."""
    for match in _ANOTHER.finditer(sentence.text):
        when = next((w for w in dates if 0 <= w.offset - match.end() <= 1), None)
        if when is None:
            continue
        after = sentence.text[when.offset + len(when.written) :][:60]
        place = re.match(r"\s*" + _PLACE_AFTER.pattern, after)
        found.append(
            EventMention(
                kind=current.kind,
                name_words=current.name_words,
                passage=sentence,
                start=sentence.start + match.start(),
                when=when,
                place=place["place"] if place else None,
                confidence=round(min(0.8, when.confidence), 2),
                doubts=list(when.doubts),
                aside=True,
            )
        )
        if current.when is not None and when.start < current.when.start:
            current.follows = len(found) - 1


def _same_event(known: EventMention, new: EventMention) -> bool:
    """Two mentions of one event: same kind, same date, and no other place; a series named
    twice; a part named again without words of its own (« chacun des ateliers »)."""
    if known.kind.slug == new.kind.slug and known.series and new.series:
        return True
    if (
        known.kind.part
        and known.kind.slug == new.kind.slug
        and (new.name_words.count(" ") == 0 or _fold(new.name_words) == _fold(known.name_words))
    ):
        return True
    if (
        known.kind.slug == new.kind.slug
        and not (known.series or new.series or known.aside or new.aside or new.kind.part)
        and (known.when is None or new.when is None)
        and (known.place is None or new.place is None or known.place == new.place)
    ):
        # « c'est à Villiers-le-Bel que s'est tenu le rassemblement » after the title that
        # dates it; « une journée régionale d'échange à Liévin » before the sentence that does
        return True
    return (
        known.kind.slug == new.kind.slug
        and not known.series
        and not new.series
        and known.when is not None
        and new.when is not None
        and known.when.start == new.when.start
        and (known.place is None or new.place is None or known.place == new.place)
    )


def _merge(known: EventMention, new: EventMention) -> None:
    """Keep the surer reading as the event's (a dated one before an undated one), the other
    sentence as more evidence."""
    if (new.when is not None, new.confidence) > (known.when is not None, known.confidence):
        known.also.append(known.passage)
        for name in ("name_words", "passage", "start", "when", "confidence", "doubts"):
            setattr(known, name, getattr(new, name))
    else:
        known.also.append(new.passage)
    known.place = known.place or new.place
    known.count = known.count or new.count
    known.title = known.title or new.title


def _count(sentence: TextSentence) -> Count | None:
    match = _COUNT.search(sentence.text)
    if match is None or not _GATHERED.search(sentence.text):
        return None
    approx = (match["approx"] or "").lower()
    value = int(re.sub(r"\D", "", match["number"]))
    return Count(
        value=value,
        minimum=approx.startswith(("plus", "au moins")),
        approximate=approx.startswith(("pr", "environ", "quelque", "une centaine")),
        written=" ".join(match.group().split()),
        start=sentence.start + match.start(),
        passage=sentence,
    )


def _is_not_a_place(word: str) -> bool:
    return word.split()[0] in {"France", "Le", "La", "Les", "L", "Ce", "Cette"} and " " not in word


def _link(found: list[EventMention]) -> None:
    """Parts to the dated event they belong to, events to the series of their kind."""
    for index, mention in enumerate(found):
        if mention.series or mention.parent is not None:
            continue
        if mention.kind.part:
            wholes = [
                i
                for i in range(index - 1, -1, -1)
                if not (found[i].kind.part or found[i].series or found[i].aside) and found[i].when
            ]
            # the day the text describes before an event it announces « courant 2020 »
            days = [i for i in wholes if found[i].when.precision == "day"]
            whole = (days or wholes or [None])[0]
            if whole is not None:
                mention.parent = whole
                span = found[whole].when
                if mention.when is None and (span.end is None or span.end == span.start):
                    mention.when = span  # a part of a day is on that day; of a congress, not said
                continue
        series = next(
            (
                i
                for i, other in enumerate(found)
                if other.series and other.kind.series_cls and other.kind.slug == mention.kind.slug
            ),
            None,
        )
        if series is not None:
            mention.parent = series
