"""The article in the draft: its facts, its themes and territories, its other links.

The article is the page the export comes from: its headline (or, when the export has
none, the words of its address, with a note), lead, dates and publisher; the concepts
its "Thématiques" link to and the territories it names; the links of "Liens" that no
other fact took. The ``Dates`` field is compared with the publication date, and a note
says what it dates.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

from rdflib import Literal, URIRef
from rdflib.term import Node

from ...namespaces import RDF, SDO
from ..reading.addresses import clean_url, is_pseudo_link
from ..reading.dates import day_of
from ..reading.fields import TERRITORY_WORDS
from ..reading.names import fold_name, slugify
from ..reading.record import Extracted, FieldLink
from .builder import DraftBuilder, date_literal, last_segment


def article_slug(found: Extracted, publisher: URIRef | None) -> str:
    """The slug of a new article's IRI: its publisher, its day and its page's name (without
    an address, its title; without either, the name of the file it was read from)."""
    owner = last_segment(publisher) if publisher is not None else None
    day = day_of(found.published).isoformat() if found.published else None
    page = slugify(_page_name(found.source_url or "") or found.title or found.name)
    return "-".join(part for part in (owner, day, page) if part)[:160].rstrip("-") or "article"


def add_article(
    builder: DraftBuilder, article: URIRef, source: URIRef | None, publisher: URIRef | None
) -> None:
    """The article's own facts: what it is, its address, language, publisher, headline,
    lead and dates. What the source does not say is listed for a curator to complete."""
    found = builder.found
    builder.add(article, RDF.type, SDO.NewsArticle)
    builder.add(article, SDO.url, source)
    builder.add(article, SDO.inLanguage, Literal(found.language or builder.lang))
    builder.add(article, SDO.publisher, publisher)
    if source is None:
        builder.draft.to_complete(
            "L'adresse de l'article (schema:url) n'est pas dans la source : à compléter.",
            "The article's address (schema:url) is not in the source: to complete.",
        )
    if found.title:
        builder.add(article, SDO.headline, builder.text(found.title))
    elif source is None:
        builder.draft.to_complete(
            "Le titre de l'article (schema:headline) n'est pas dans la source : à compléter.",
            "The article's title (schema:headline) is not in the source: to complete.",
        )
    else:
        slug = _page_name(source)
        words = " ".join(w for w in re.split(r"[-_]+", slug) if w)
        if words:
            builder.add(article, SDO.headline, builder.text(words))
            builder.note(
                article,
                "titre",
                [article],
                (
                    "Le titre de l'article n'apparaît pas dans le texte exporté ; il est pris des mots de "
                    "l'adresse de la page, sans accents ni petits mots : un curateur doit le rétablir.",
                    "The article's title is missing from the exported text; it is taken from the words of "
                    "the page's address, without accents or small words: a curator must restore it.",
                ),
                slug,
                words,
                (
                    "L'adresse de la page est la seule trace du titre dans l'export.",
                    "The page's address is the only trace of the title in the export.",
                ),
            )
            builder.draft.to_complete(
                f"Titre provisoire, tiré de l'adresse : « {words} » ; rétablir le vrai titre.",
                f"Provisional title, from the address: “{words}”; restore the real title.",
            )
    if found.lead:
        builder.add(article, SDO.abstract, builder.text(found.lead))
    published = publication_date(found)
    if published is not None:
        builder.add(article, SDO.datePublished, date_literal(published))
    else:
        builder.draft.to_complete(
            "La date de publication (schema:datePublished) n'est pas dans la source : à compléter.",
            "The publication date (schema:datePublished) is not in the source: to complete.",
        )
    if found.modified is not None:
        builder.add(article, SDO.dateModified, date_literal(found.modified))


def publication_date(found: Extracted) -> datetime | date | None:
    """The publication date ("Publié le"), with the time of the "Dates" field when that
    field gives the same day: on these pages it dates the publication."""
    dates = found.dates_field
    if found.published is None:
        return None
    if dates and dates.value is not None and day_of(dates.value) == day_of(found.published):
        return dates.value
    return found.published


def add_dates_note(builder: DraftBuilder, article: URIRef) -> None:
    """What the "Dates" field dates: the publication, said by a note, when it is the same day;
    else a curator is asked."""
    found = builder.found
    dates = found.dates_field
    if dates is None or dates.value is None:
        return
    published = publication_date(found)
    if published is not None and day_of(dates.value) == day_of(published):
        retained = f"datePublished {date_literal(published)}"
        about: list[Node] = [article]
        if found.event is not None and found.event.start != day_of(published):
            retained += f" ; startDate {found.event.start.isoformat()}"
            about.extend(builder.draft.found("event"))
        builder.note(
            article,
            "champ-dates",
            about,
            (
                "Le champ « Dates » de la page porte la date de publication de l'article, pas celle d'un événement.",
                "The page's “Dates” field holds the article's publication date, not the date of an event.",
            ),
            dates.raw,
            retained,
            (
                f"La page dit « Publié le {found.published_raw} », le même jour que le champ « Dates ».",
                f"The page says “Publié le {found.published_raw}”, the same day as the “Dates” field.",
            ),
        )
    elif published is not None:
        builder.draft.to_complete(
            f"Le champ « {dates.raw} » (ligne {dates.line}) n'est pas la date de publication : dire ce qu'il date.",
            f"The field “{dates.raw}” (line {dates.line}) is not the publication date: say what it dates.",
        )


def add_themes(builder: DraftBuilder, article: URIRef) -> None:
    """The concepts the "Thématiques" link to: by their taxonomy link, else by the
    publisher's label; an unknown theme stays a keyword."""
    parts = urlsplit(builder.found.source_url or "")
    site = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else ""
    for theme in builder.found.themes:
        concept = builder.ref.concept_by_match(theme.url) if theme.url else None
        if concept is None:  # no link, or an unknown one: the publisher's theme of that label
            concept = builder.ref.concept_by_label(theme.label, site)
        if concept is None:
            builder.add(article, SDO.keywords, builder.text(theme.label))
        _link_item(
            builder,
            article,
            SDO.about,
            "theme",
            theme,
            concept,
            f"thématique inconnue « {theme.label} » ({theme.url or 'sans lien'}) : gardée comme mot-clé.",
            f"unknown theme “{theme.label}” ({theme.url or 'no link'}): kept as a keyword.",
        )


def add_territories(builder: DraftBuilder, article: URIRef) -> None:
    """The territories the "Territoires" line names, a word before the name giving its kind."""
    for item in builder.found.territories:
        words = item.label.split(maxsplit=1)
        cls = TERRITORY_WORDS.get(fold_name(words[0])) if words else None
        name = words[1] if cls is not None and len(words) > 1 else item.label
        _link_item(
            builder,
            article,
            SDO.spatialCoverage,
            "territory",
            item,
            builder.ref.territory(name, cls),
            f"territoire introuvable dans les données des territoires : « {item.label} ».",
            f"territory not found in the territories data: “{item.label}”.",
        )


def _link_item(
    builder: DraftBuilder,
    article: URIRef,
    predicate: URIRef,
    kind: str,
    item: FieldLink,
    node: URIRef | None,
    fr: str,
    en: str,
) -> None:
    """A link of a field line as the resource the reference found for it, which the article
    points at by ``predicate``; none found is the problem ``fr`` / ``en``, at the item's line."""
    if node is None:
        builder.found.problem(item.line, fr, en)
        return
    builder.add(article, predicate, node)
    builder.record(kind, item.label, node)


def add_links(builder: DraftBuilder, article: URIRef) -> None:
    """Links of "Liens" that no fact took become related links of the article; a pseudo-link
    (``javascript:;``) is no resource and gets a note instead, as in the curated data."""
    for number, (url, _) in sorted(builder.found.links.items()):
        if is_pseudo_link(url):
            shown = builder.found.link_texts.get(number, "")
            builder.note(
                article,
                f"lien-{slugify(shown) or number}",
                [article],
                (
                    f"Le lien « {shown} » [{number}] n'est pas une ressource : c'est un pseudo-lien "
                    "JavaScript de la page, qui n'est pas repris.",
                    f"The “{shown}” link [{number}] is not a resource: it is a JavaScript pseudo-link "
                    "of the page, and is not kept.",
                ),
                url,
                "—",
                (
                    "L'adresse est « javascript:; » encodé et préfixé par le site.",
                    "The address is an encoded “javascript:;” prefixed by the site.",
                ),
            )
        elif number not in builder.found.used_links:
            builder.add(article, SDO.relatedLink, URIRef(clean_url(url)))


def _page_name(url: str) -> str:
    """The last segment of the page's path, decoded (``250-professionnel-s-motives-…``)."""
    return unquote(last_segment(urlsplit(url).path))
