"""Building the draft graph: what was read, with the IRIs the project already has.

:func:`build` turns an :class:`~.reading.Extracted` record into a :class:`Draft`, in
the model of the curated data: the article, its themes, territories, documents,
posts, links, the event it reports as far as a sentence states it (each such fact
keeps its sentence, as a reified statement with ``prov:value``), the data-quality
notes where the source contradicts itself, and the graph's provenance with its
curation status, *brouillon*. This is the only stage that writes triples; it
reads no file and asks the project's data only through a
:class:`~.reconcile.Reference`, so the same record can be drafted against the
project's files, a store, or a test's graph.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..config import DEFAULT_BASE
from ..namespaces import DCTERMS, DQV, IGEO, MED, PREFIXES, PROV, RDF, SDO, XSD
from .reading import (
    ARTICLE_LANGUAGE,
    PAGE_TIME_ZONE,
    TERRITORY_WORDS,
    Document,
    EventFacts,
    Extracted,
    Post,
    Sentence,
    clean_url,
    day_of,
    file_name,
    fold_name,
    is_pseudo_link,
    parse_date,
    shorten,
    slugify,
    snowflake_instant,
)
from .reconcile import Reference

#: The licence of the project's data (and so of its drafts): Licence Ouverte 2.0.
DATA_LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"


@dataclass
class Draft:
    """The draft graph and what a curator must know about it."""

    graph: Graph
    article: URIRef
    extracted: Extracted
    #: (kind, label, IRI) of the resources the reference already knows, and of the new ones
    matched: list[tuple[str, str, URIRef]] = field(default_factory=list)
    minted: list[tuple[str, str, URIRef]] = field(default_factory=list)
    todo: list[tuple[str, str]] = field(default_factory=list)  # (fr, en)

    def found(self, kind: str) -> list[URIRef]:
        """The IRIs of that kind, known or new."""
        return [iri for k, _, iri in self.matched + self.minted if k == kind]

    def to_complete(self, fr: str, en: str) -> None:
        self.todo.append((fr, en))


class _Builder:
    """One draft in the making: :meth:`build` makes the :class:`Draft`, then every other
    method adds its part to it."""

    draft: Draft

    def __init__(self, found: Extracted, reference: Reference, base_url: str, today: date):
        self.found = found
        self.ref = reference
        self.base = base_url
        self.today = Literal(today.isoformat(), datatype=XSD.date)
        self.lang = ARTICLE_LANGUAGE
        self.graph = Graph()

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.graph.add((s, p, o))

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def bilingual(self, s: Node, p: Node, text: tuple[str, str]) -> None:
        """The same text in French and in English."""
        self.add(s, p, Literal(text[0], lang="fr"))
        self.add(s, p, Literal(text[1], lang="en"))

    def record(self, kind: str, label: str, node: URIRef) -> URIRef:
        """Say whether ``node`` is a resource the reference knows or a new one."""
        entry = (kind, label, node)
        known = self.draft.matched if self.ref.exists(node) else self.draft.minted
        if entry not in known:
            known.append(entry)
        return node

    # -- the whole draft --

    def build(self, graph_name: str | None) -> Draft:
        found = self.found
        assert found.source_url is not None
        source = URIRef(found.source_url)
        host = urlsplit(found.source_url).netloc.lower().removeprefix("www.")
        publisher = self.ref.by_site(found.source_url)
        owner = publisher if publisher is not None else self.iri(f"id/actor/{slugify(host)}")
        article = (
            self.ref.by_address(str(source), SDO.NewsArticle)
            or self.ref.by_address(str(source), SDO.Article)
            or self.iri(f"id/article/{self.article_slug(owner)}")
        )
        name = graph_name or f"brouillon-{article.rsplit('/', 1)[-1]}"
        self.graph = Graph(identifier=URIRef(f"{self.base}graph/{name}"))
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        for prefix, path in (
            ("actor", "id/actor/"),
            ("article", "id/article/"),
            ("doc", "id/document/"),
            ("post", "id/post/"),
            ("ev", "id/event/"),
            ("place", "id/place/"),
            ("theme", "id/theme/"),
            ("status", "id/curation/"),
        ):
            self.graph.bind(prefix, self.base + path)
        draft = self.draft = Draft(self.graph, article, found)
        self.record("article", str(source), article)
        if publisher is None:
            publisher = owner
            self.add(publisher, RDF.type, SDO.Organization)
            self.add(publisher, SDO.name, Literal(host))
            self.add(publisher, SDO.url, URIRef(f"https://{host}"))
            draft.to_complete(
                f"L'éditeur {host} n'est pas un acteur connu : nom et type à vérifier ({publisher}).",
                f"The publisher {host} is not a known actor: check its name and type ({publisher}).",
            )
        self.record("publisher", host, publisher)
        self.article_facts(article, source, publisher)
        self.themes(article)
        self.territories(article)
        for document in found.documents:
            self.document(article, document, publisher)
        for post in found.posts:
            self.post(article, post)
        if found.event is not None:
            self.event(article, found.event)
        else:
            draft.to_complete(
                "Aucune phrase ne dit plainement quel événement l'article rapporte (« le 4 décembre 2019 "
                "à Liévin s'est tenue … ») : à ajouter s'il y en a un.",
                "No sentence plainly says which event the article reports (“le 4 décembre 2019 à "
                "Liévin s'est tenue …”): add it if there is one.",
            )
        self.links(article)
        self.dates_note(article)
        self.provenance(article, source)
        return draft

    def note(
        self,
        article: URIRef,
        key: str,
        about: Sequence[Node],
        text: tuple[str, str],
        source_value: str,
        retained_value: str,
        evidence: tuple[str, str],
    ) -> URIRef:
        """A data-quality note, in the form of the curated data's."""
        node = URIRef(f"{article}#note-{key}")
        for cls in (MED.DataQualityNote, SDO.Comment, DQV.QualityAnnotation):
            self.add(node, RDF.type, cls)
        for thing in about:
            self.add(node, SDO.about, thing)
        self.bilingual(node, SDO.text, text)
        self.add(node, MED.sourceValue, Literal(source_value))
        self.add(node, MED.retainedValue, Literal(retained_value))
        self.bilingual(node, MED.evidence, evidence)
        self.add(node, SDO.dateCreated, self.today)
        return node

    def evidence(
        self, subject: URIRef, predicate: URIRef, obj: Node, sentence: Sentence, key: str
    ) -> None:
        """Keep the sentence a fact was read from: a reified statement whose ``prov:value`` is
        the sentence, quoted from the article."""
        node = URIRef(f"{subject}#source-{key}")
        self.add(node, RDF.type, RDF.Statement)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, RDF.subject, subject)
        self.add(node, RDF.predicate, predicate)
        self.add(node, RDF.object, obj)
        self.add(node, PROV.value, self.text(sentence.text))
        self.add(node, PROV.wasQuotedFrom, self.draft.article)

    # -- the article --

    def article_slug(self, publisher: URIRef) -> str:
        found = self.found
        owner = _last_segment(publisher)
        day = day_of(found.published).isoformat() if found.published else None
        page = slugify(_page_name(found.source_url or ""))
        return "-".join(part for part in (owner, day, page) if part)[:160].rstrip("-")

    def article_facts(self, article: URIRef, source: URIRef, publisher: URIRef) -> None:
        found = self.found
        self.add(article, RDF.type, SDO.NewsArticle)
        self.add(article, SDO.url, source)
        self.add(article, SDO.inLanguage, Literal(self.lang))
        self.add(article, SDO.publisher, publisher)
        if found.title:
            self.add(article, SDO.headline, self.text(found.title))
        else:
            slug = _page_name(source)
            words = " ".join(w for w in re.split(r"[-_]+", slug) if w)
            if words:
                self.add(article, SDO.headline, self.text(words))
                self.note(
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
                self.draft.to_complete(
                    f"Titre provisoire, tiré de l'adresse : « {words} » ; rétablir le vrai titre.",
                    f"Provisional title, from the address: “{words}”; restore the real title.",
                )
        if found.lead:
            self.add(article, SDO.abstract, self.text(found.lead))
        published = self.published()
        if published is not None:
            self.add(article, SDO.datePublished, _date_literal(published))
        if found.modified is not None:
            self.add(article, SDO.dateModified, _date_literal(found.modified))

    def published(self) -> datetime | date | None:
        """The publication date ("Publié le"), with the time of the "Dates" field when that
        field gives the same day: on these pages it dates the publication."""
        found = self.found
        dates = found.dates_field
        if found.published is None:
            return None
        if dates and dates.value is not None and day_of(dates.value) == day_of(found.published):
            return dates.value
        return found.published

    def dates_note(self, article: URIRef) -> None:
        found = self.found
        dates = found.dates_field
        if dates is None or dates.value is None:
            return
        published = self.published()
        if published is not None and day_of(dates.value) == day_of(published):
            retained = f"datePublished {_date_literal(published)}"
            about: list[Node] = [article]
            if found.event is not None and found.event.start != day_of(published):
                retained += f" ; startDate {found.event.start.isoformat()}"
                about.extend(self.draft.found("event"))
            self.note(
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
            self.draft.to_complete(
                f"Le champ « {dates.raw} » (ligne {dates.line}) n'est pas la date de publication : dire ce qu'il date.",
                f"The field “{dates.raw}” (line {dates.line}) is not the publication date: say what it dates.",
            )

    def themes(self, article: URIRef) -> None:
        assert self.found.source_url
        parts = urlsplit(self.found.source_url)
        site = f"{parts.scheme}://{parts.netloc}/"
        for theme in self.found.themes:
            concept = self.ref.concept_by_match(theme.url) if theme.url else None
            if concept is None:  # no link, or an unknown one: the publisher's theme of that label
                concept = self.ref.concept_by_label(theme.label, site)
            if concept is None:
                self.add(article, SDO.keywords, self.text(theme.label))
                self.found.problem(
                    theme.line,
                    f"thématique inconnue « {theme.label} » ({theme.url or 'sans lien'}) : gardée comme mot-clé.",
                    f"unknown theme “{theme.label}” ({theme.url or 'no link'}): kept as a keyword.",
                )
                continue
            self.add(article, SDO.about, concept)
            self.record("theme", theme.label, concept)

    def territories(self, article: URIRef) -> None:
        for item in self.found.territories:
            words = item.label.split(maxsplit=1)
            cls = TERRITORY_WORDS.get(fold_name(words[0])) if words else None
            name = words[1] if cls is not None and len(words) > 1 else item.label
            place = self.ref.territory(name, cls)
            if place is None:
                self.found.problem(
                    item.line,
                    f"territoire introuvable dans les données des territoires : « {item.label} ».",
                    f"territory not found in the territories data: “{item.label}”.",
                )
                continue
            self.add(article, SDO.spatialCoverage, place)
            self.record("territory", item.label, place)

    # -- documents, posts, links --

    def document(self, article: URIRef, document: Document, publisher: URIRef) -> None:
        if document.url is None:
            # A document is the file at its address: without it there is nothing to point at.
            self.draft.to_complete(
                f"Le document « {document.name or '?'} » ({document.size or 'poids inconnu'}, ligne "
                f"{document.line}) n'a pas d'adresse : il n'est pas dans le brouillon ; la retrouver, puis l'ajouter.",
                f"The document “{document.name or '?'}” ({document.size or 'size unknown'}, line "
                f"{document.line}) has no address: it is not in the draft; find it, then add it.",
            )
            return
        node = self.ref.by_address(document.url, SDO.DigitalDocument)
        owner = _last_segment(publisher)
        if node is None:
            slug = (
                slugify(document.name)
                if document.name
                else slugify(file_name(document.url) or "document")
            )
            node = self.iri(f"id/document/{owner}-{slug}")
        self.record("document", document.name or document.url, node)
        self.add(node, RDF.type, SDO.DigitalDocument)
        self.add(node, RDF.type, SDO.MediaObject)
        if document.name:
            self.add(node, SDO.name, self.text(document.name))
        url = URIRef(document.url)
        self.add(node, SDO.url, url)
        self.add(node, SDO.contentUrl, url)
        media_type, _ = mimetypes.guess_type(urlsplit(document.url).path, strict=False)
        if media_type:
            self.add(node, SDO.encodingFormat, Literal(media_type))
        else:
            self.draft.to_complete(
                f"Format du document « {document.name} » inconnu (adresse sans extension connue).",
                f"Format of the document “{document.name}” unknown (address without a known extension).",
            )
        # a file of the article's own site is published by the article's publisher
        if (
            urlsplit(document.url).netloc.lower()
            == urlsplit(self.found.source_url or "").netloc.lower()
        ):
            self.add(node, SDO.publisher, publisher)
        if document.size:
            self.add(node, SDO.contentSize, Literal(document.size))
        for chapter in document.chapters:
            part = URIRef(f"{node}#partie-{chapter.position}")
            self.add(node, SDO.hasPart, part)
            self.add(part, RDF.type, SDO.Chapter)
            self.add(part, SDO.name, self.text(chapter.name))
            self.add(part, SDO.position, Literal(chapter.position))
            if chapter.page is not None:
                self.add(part, SDO.pageStart, Literal(chapter.page))
            self.add(part, SDO.isPartOf, node)
        self.add(article, SDO.associatedMedia, node)

    def agent(self, profile: str | None, name: str | None, role: str) -> URIRef | None:
        """The actor behind an account (or named ``name``): a known one, else a new one."""
        known = (self.ref.by_account(profile) if profile else None) or (
            self.ref.by_name(name) if name else None
        )
        if known is not None:
            return self.record(role, name or profile or "", known)
        label = name or (_last_segment(profile) if profile else None)
        if not label:
            return None
        node = self.iri(f"id/actor/{slugify(label)}")
        if (node, RDF.type, None) not in self.graph:
            # A person or an organisation? The text does not say: the curator will.
            self.add(node, RDF.type, SDO.Organization)
            self.add(node, SDO.name, Literal(label))
            if profile:
                self.add(node, SDO.sameAs, URIRef(profile))
            self.record(role, label, node)
            self.draft.to_complete(
                f"« {label} » n'est pas un acteur connu : personne ou organisation, nom exact, à vérifier ({node}).",
                f"“{label}” is not a known actor: person or organisation, exact name, to check ({node}).",
            )
        return node

    def post(self, article: URIRef, post: Post) -> None:
        platform = post.platform
        if not (post.post_id and post.url):
            # A post is known by its identifier: without it there is no IRI to give it, nor a
            # date to trust. Its text stays in the source for the curator.
            self.draft.to_complete(
                f"Le message de {post.author_name} (@{post.handle}, ligne {post.line}) n'a pas d'adresse : "
                f"il n'est pas dans le brouillon ; retrouver son adresse, puis l'ajouter. Texte : « {shorten(post.body, 120)} »",
                f"The post by {post.author_name} (@{post.handle}, line {post.line}) has no address: it is "
                f"not in the draft; find its address, then add it. Text: “{shorten(post.body, 120)}”",
            )
            return
        node = self.iri(f"id/post/{platform.name}-{post.post_id}")
        self.record("post", post.url or f"{post.author_name} ({post.line})", node)
        self.add(node, RDF.type, SDO.SocialMediaPosting)
        self.add(node, SDO.identifier, Literal(post.post_id))
        self.add(node, SDO.url, URIRef(post.url))
        self.add(
            node,
            SDO.author,
            self.agent(f"{platform.canonical}/{post.handle}", post.author_name, "author"),
        )
        if post.body:
            self.add(node, SDO.articleBody, self.text(post.body))
        self.add(node, SDO.inLanguage, Literal(self.lang))
        self.post_date(article, node, post)
        for hashtag in post.hashtags:
            self.add(node, SDO.keywords, self.text(hashtag.linked or hashtag.shown))
            if hashtag.linked and _nfc(hashtag.linked).casefold() != _nfc(hashtag.shown).casefold():
                where = f"{urlsplit(platform.canonical).netloc}/hashtag/{hashtag.linked}"
                self.note(
                    article,
                    f"mot-diese-{slugify(hashtag.linked)}",
                    [node],
                    (
                        f"Le mot-dièse affiché « #{hashtag.shown} » ne correspond pas à son lien, « #{hashtag.linked} » : le lien est retenu.",
                        f"The hashtag shown as “#{hashtag.shown}” does not match its link, “#{hashtag.linked}”: the link is kept.",
                    ),
                    f"#{hashtag.shown}",
                    f"#{hashtag.linked}",
                    (
                        f"Le lien du mot-dièse pointe vers {where} (ligne {hashtag.line}).",
                        f"The hashtag's link points to {where} (line {hashtag.line}).",
                    ),
                )
        for mention in post.mentions:
            self.add(node, SDO.mentions, self.agent(mention, None, "mention"))
        for index, (shown, linked) in enumerate(post.images, start=1):
            image = URIRef(f"{node}#image" if len(post.images) == 1 else f"{node}#image-{index}")
            self.add(node, SDO.sharedContent, image)
            self.add(image, RDF.type, SDO.ImageObject)
            self.add(image, SDO.url, URIRef(shown or linked or ""))
            if shown and linked:
                self.add(image, SDO.sameAs, URIRef(linked))
                code_shown, code_linked = (
                    urlsplit(shown).path.strip("/"),
                    urlsplit(linked).path.strip("/"),
                )
                if code_shown != code_linked:
                    self.note(
                        article,
                        f"lien-image-{node.rsplit('/', 1)[-1]}",
                        [image],
                        (
                            f"L'adresse de l'image du message de {post.author_name} est écrite de deux façons : "
                            f"« {code_shown} » dans le texte, « {code_linked} » dans le lien. Les deux sont gardées.",
                            f"The address of the image in {post.author_name}'s post is written two ways: "
                            f"“{code_shown}” in the text, “{code_linked}” in the link. Both are kept.",
                        ),
                        f"{urlsplit(shown).netloc}/{code_shown} ; {urlsplit(linked).netloc}/{code_linked}",
                        f"{shown} ; {linked}",
                        (
                            "Les deux graphies viennent de la même source ; rien dans l'export ne permet de trancher.",
                            "Both spellings come from the same source; nothing in the export settles it.",
                        ),
                    )
        self.add(article, MED.embeds, node)
        self.add(article, SDO.citation, node)

    def post_date(self, article: URIRef, node: URIRef, post: Post) -> None:
        """The post's date: what its identifier encodes; the shown date when it encodes none.
        When the two disagree, the identifier wins and a note says so."""
        encoded = snowflake_instant(post.platform, post.post_id) if post.post_id else None
        shown = parse_date(post.shown_date) if post.shown_date else None
        if post.shown_date and shown is None:
            self.found.problem(
                post.line,
                f"date du message illisible : « {post.shown_date} » ; attendu par exemple « December 4, 2019 » ou « 4 décembre 2019 ».",
                f"unreadable post date: “{post.shown_date}”; expected for instance “December 4, 2019” or “4 décembre 2019”.",
            )
        if encoded is None:
            if shown is not None:
                self.add(node, SDO.datePublished, _date_literal(shown))
            return
        instant = encoded.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.add(node, SDO.datePublished, Literal(instant, datatype=XSD.dateTime))
        if shown is None or day_of(shown) in {
            encoded.date(),
            encoded.astimezone(PAGE_TIME_ZONE).date(),
        }:
            return
        day = encoded.date()
        self.note(
            article,
            f"date-{node.rsplit('/', 1)[-1]}",
            [node],
            (
                f"La date affichée sous le message de {post.author_name} (« {post.shown_date} ») est fausse : "
                f"le message date du {_french_day(day)}.",
                f"The date shown under {post.author_name}'s post (“{post.shown_date}”) is wrong: the post "
                f"dates from {day.day} {day:%B %Y}.",
            ),
            post.shown_date or "",
            instant,
            (
                f"L'identifiant du message ({post.post_id}) encode l'instant de sa publication : "
                f"le {_french_day(day)} à {encoded:%H:%M:%S} UTC.",
                f"The post's identifier ({post.post_id}) encodes when it was published: "
                f"{day.day} {day:%B %Y} at {encoded:%H:%M:%S} UTC.",
            ),
        )

    def links(self, article: URIRef) -> None:
        """Links of "Liens" that no fact took become related links of the article; a pseudo-link
        (``javascript:;``) is no resource and gets a note instead, as in the curated data."""
        for number, (url, _) in sorted(self.found.links.items()):
            if is_pseudo_link(url):
                shown = self.found.link_texts.get(number, "")
                self.note(
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
            elif number not in self.found.used_links:
                self.add(article, SDO.relatedLink, URIRef(clean_url(url)))

    # -- the event --

    def event(self, article: URIRef, facts: EventFacts) -> None:
        commune = self.ref.territory(facts.place, IGEO.Commune) if facts.place else None
        organiser = self.agent(None, facts.organiser, "organiser") if facts.organiser else None
        node = (
            self.ref.event_on(facts.start, commune, organiser) if (commune or organiser) else None
        )
        if node is None:
            parts = [
                facts.start.isoformat(),
                facts.kind.slug,
                slugify(facts.place) if facts.place else "",
            ]
            node = self.iri("id/event/" + "-".join(p for p in parts if p))
        self.record("event", facts.name_words, node)
        sentence = facts.sentence
        self.add(node, RDF.type, SDO.Event)
        if facts.kind.cls is not None:
            self.add(node, RDF.type, facts.kind.cls)
        name = facts.name_words[:1].upper() + facts.name_words[1:]
        if facts.place:
            name += f" à {facts.place}"
        self.add(node, SDO.name, self.text(name))
        start = Literal(facts.start.isoformat(), datatype=XSD.date)
        self.add(node, SDO.startDate, start)
        self.evidence(node, SDO.startDate, start, sentence, "startDate")
        if facts.kind.one_day:  # a "journée" lasts that day
            self.add(node, SDO.endDate, start)
        self.add(
            node, SDO.eventStatus, SDO.EventScheduled
        )  # "s'est tenue": it took place as planned
        if facts.place:
            place = self.place(facts.place, commune)
            self.add(node, SDO.location, place)
            self.add(node, SDO.eventAttendanceMode, SDO.OfflineEventAttendanceMode)
            self.evidence(node, SDO.location, place, sentence, "location")
        else:
            self.draft.to_complete(
                "Le lieu de l'événement n'est pas dit : à ajouter.",
                "The event's place is not given: add it.",
            )
        if organiser is not None:
            self.add(node, SDO.organizer, organiser)
            self.evidence(node, SDO.organizer, organiser, sentence, "organizer")
            self.role(node, organiser)
            self.add(article, SDO.mentions, organiser)
        else:
            self.draft.to_complete(
                "L'organisateur de l'événement n'est pas dit : à ajouter.",
                "The event's organiser is not given: add it.",
            )
        if facts.count is not None and facts.count_sentence is not None:
            count = Literal(facts.count, datatype=XSD.nonNegativeInteger)  # as the curated data
            self.add(node, MED.participantCount, count)
            self.evidence(
                node, MED.participantCount, count, facts.count_sentence, "participantCount"
            )
            for word in facts.audiences:
                audience = self.ref.concept_by_label(word, self.base + "id/audience/")
                if audience is None:
                    self.draft.to_complete(
                        f"Public « {word} » sans concept dans le schéma des publics.",
                        f"Audience “{word}” has no concept in the audiences scheme.",
                    )
                    continue
                self.add(node, SDO.audience, audience)
                self.evidence(
                    node, SDO.audience, audience, facts.count_sentence, f"audience-{slugify(word)}"
                )
        self.add(node, SDO.subjectOf, article)
        self.add(article, SDO.about, node)
        self.draft.to_complete(
            "L'événement ne porte que ce qu'une phrase dit : description, parties, intervenants et thèmes à ajouter.",
            "The event carries only what a sentence says: description, parts, speakers and themes to add.",
        )

    def place(self, name: str, commune: URIRef | None) -> URIRef:
        """The town as the event's place: a place named after it, in the commune (the curated
        data's model when an article names the town and no venue)."""
        if commune is not None and (known := self.ref.venue_in(name, commune)) is not None:
            return self.record("place", name, known)
        node = self.record("place", name, self.iri(f"id/place/{slugify(name)}"))
        self.add(node, RDF.type, SDO.Place)
        self.add(node, SDO.name, Literal(name, lang="fr"))
        address = BNode()
        self.add(node, SDO.address, address)
        self.add(address, RDF.type, SDO.PostalAddress)
        self.add(address, SDO.addressLocality, Literal(name))
        if commune is not None:
            self.add(node, SDO.containedInPlace, commune)
            region = self.ref.region_of(commune)
            if region:
                self.add(address, SDO.addressRegion, Literal(region))
            self.add(address, SDO.addressCountry, Literal("FR"))
            self.record("commune", name, commune)
        else:
            self.draft.to_complete(
                f"« {name} » n'est pas une commune des données des territoires (absente ou homonyme) : la rattacher.",
                f"“{name}” is not a commune of the territories data (absent, or several of that name): link it.",
            )
        return node

    def role(self, event: URIRef, organiser: URIRef) -> None:
        kind = self.iri("id/role/organisateur")
        node = URIRef(f"{event}#role-organisateur-{_last_segment(organiser)}")
        labels = self.ref.labels(kind) or {"fr": "Organisateur", "en": "Organiser"}
        self.add(event, MED.hasRole, node)
        self.add(node, RDF.type, MED.Participation)
        self.add(node, RDF.type, SDO.Role)
        self.add(node, MED.inEvent, event)
        self.add(node, MED.agent, organiser)
        self.add(node, MED.roleType, kind)
        for lang in ("fr", "en"):
            if lang in labels:
                self.add(node, SDO.roleName, Literal(labels[lang], lang=lang))

    # -- provenance --

    def provenance(self, article: URIRef, source: URIRef) -> None:
        node = self.graph.identifier
        self.add(node, RDF.type, SDO.Dataset)
        self.add(node, RDF.type, PROV.Entity)
        self.bilingual(
            node,
            SDO.name,
            (f"Brouillon tiré de l'article {source}", f"Draft drawn from the article {source}"),
        )
        self.bilingual(
            node,
            SDO.description,
            (
                "Extrait automatiquement du texte exporté de l'article par « mediation ingest » ; un curateur "
                "doit le vérifier et le compléter avant publication.",
                "Extracted automatically from the article's exported text by “mediation ingest”; a curator "
                "must check and complete it before publication.",
            ),
        )
        self.add(node, PROV.wasDerivedFrom, article)
        self.add(node, DCTERMS.source, source)
        self.add(node, SDO.dateCreated, self.today)
        self.add(node, MED.curationStatus, self.iri("id/curation/brouillon"))
        # The draft is the project's data, under the project's data licence (as data/ is).
        self.add(node, SDO.license, URIRef(DATA_LICENSE))


def _last_segment(address: str) -> str:
    """The last segment of an address, a final slash aside: what an actor or a page is called by."""
    return address.rstrip("/").rsplit("/", 1)[-1]


def _page_name(url: str) -> str:
    """The last segment of the page's path, decoded (``250-professionnel-s-motives-…``)."""
    return unquote(_last_segment(urlsplit(url).path))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _date_literal(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


_FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _french_day(day: date) -> str:
    return f"{day.day} {_FRENCH_MONTHS[day.month - 1]} {day.year}"


def build(
    found: Extracted,
    reference: Reference,
    base_url: str = DEFAULT_BASE,
    graph_name: str | None = None,
    today: date | None = None,
) -> Draft:
    """The draft graph of what was read, its IRIs reconciled with ``reference``. The graph is
    ``{base}graph/{graph_name}``, by default ``brouillon-`` and the article's slug."""
    return _Builder(found, reference, base_url, today or date.today()).build(graph_name)
