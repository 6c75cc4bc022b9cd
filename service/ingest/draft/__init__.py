"""Building the draft graph: what was read, with the IRIs the project already has.

:func:`build` turns an :class:`~..reading.record.Extracted` record into a
:class:`~.builder.Draft`, in the model of the curated data: the article, its themes,
territories and other links (:mod:`.article`), its documents (:mod:`.documents`), the
posts it embeds (:mod:`.posts`), the event it reports as far as a sentence states it
(:mod:`.event`; each such fact keeps its sentence, as a reified statement with
``prov:value``), the data-quality notes where the source contradicts itself, and the
graph's provenance with its curation status, *brouillon* (:mod:`.provenance`). Every
part writes through a :class:`~.builder.DraftBuilder`.

This is the only stage that writes triples; it reads no file and asks the project's
data only through a :class:`~..reconcile.Reference`, so the same record can be drafted
against the project's files, a store, or a test's graph.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from rdflib import Literal, URIRef

from ...config import DEFAULT_BASE
from ...namespaces import RDF, SDO
from ..known import Known
from ..reading.names import slugify
from ..reading.record import Extracted
from ..reconcile import Reference
from .article import (
    add_article,
    add_dates_note,
    add_links,
    add_territories,
    add_themes,
    article_slug,
)
from .builder import Draft, DraftBuilder
from .documents import add_document
from .event import add_event
from .facts import add_other_events, add_text_facts, event_from_text
from .named import add_named_agents, add_named_places
from .posts import add_post
from .provenance import add_provenance


def build(
    found: Extracted,
    reference: Reference,
    base_url: str = DEFAULT_BASE,
    graph_name: str | None = None,
    today: date | None = None,
) -> Draft:
    """The draft graph of what was read, its IRIs reconciled with ``reference``. The graph is
    ``{base}graph/{graph_name}``, by default ``brouillon-`` and the article's slug."""
    source = URIRef(found.source_url) if found.source_url else None
    host = urlsplit(found.source_url).netloc.lower().removeprefix("www.") if source else None
    # The site's owner: by its home page, else by its domain (« francemediation.fr » is
    # France Médiation), never a new actor named after a known one's domain; else by the
    # site's name the page gives (``og:site_name``), a known actor of that name or a new one;
    # with no address, by the site's or author's name.
    known = Known(reference)
    publisher = (
        (reference.by_site(found.source_url) or known.actor(host).iri)
        if found.source_url and host
        else None
    )
    site = known.actor(found.site_name) if found.site_name and host else None
    if publisher is None and site is not None:
        publisher = site.iri
    if publisher is None and not host:
        named = found.site_name or found.author
        publisher = reference.by_name(named) if named else None
    owner = publisher or (
        URIRef(f"{base_url}id/actor/{slugify(found.site_name or host)}") if host else None
    )
    article = (
        (reference.by_address(str(source), SDO.NewsArticle) if source else None)
        or (reference.by_address(str(source), SDO.Article) if source else None)
        or URIRef(f"{base_url}id/article/{article_slug(found, owner)}")
    )
    name = graph_name or f"brouillon-{article.rsplit('/', 1)[-1]}"
    builder = DraftBuilder(found, reference, base_url, today or date.today(), article, name)
    draft = builder.draft
    builder.record("article", str(source or found.title or found.name), article)
    if publisher is None and site is not None:
        publisher = _new_publisher(builder, owner, str(found.site_name), host)
        builder.propose(site, publisher)
    elif publisher is None and host:
        # A domain is no name: the publisher is for the curator to say, never an actor
        # minted under « ess-et-societe.net ».
        draft.to_complete(
            f"L'éditeur du site {host} n'est pas un acteur connu et la page ne dit pas son nom : "
            "éditeur à compléter (nom, type).",
            f"The publisher of the site {host} is not a known actor and the page does not say its "
            "name: publisher to complete (name, type).",
        )
    elif publisher is None:
        publisher = builder.agent(None, found.site_name or found.author, "publisher")
    if publisher is None and not host:
        draft.to_complete(
            "L'éditeur de l'article n'est pas dit (ni adresse, ni site, ni auteur) : à compléter.",
            "The article's publisher is not said (no address, site or author): to complete.",
        )
    elif publisher is not None:
        builder.record("publisher", host or str(found.site_name or found.author), publisher)
    add_article(builder, article, source, publisher)
    add_themes(builder, article)
    add_territories(builder, article)
    for document in found.documents:
        add_document(builder, article, document, publisher)
    for post in found.posts:
        add_post(builder, article, post)
    from_text = event_from_text(found.facts) if found.facts and found.event is None else None
    event = found.event or (from_text[0] if from_text else None)
    if event is not None:
        node = add_event(builder, article, event)
        if found.facts is not None:
            add_text_facts(builder, article, node, found.facts)
            add_other_events(builder, article, found.facts)
    else:
        if found.facts is not None:  # the events it names, dated or not, the known ones linked
            add_other_events(builder, article, found.facts)
        draft.to_complete(
            "Aucune phrase ne dit plainement quel événement l'article rapporte (« le 4 décembre 2019 "
            "à Liévin s'est tenue … ») : à ajouter s'il y en a un.",
            "No sentence plainly says which event the article reports (“le 4 décembre 2019 à "
            "Liévin s'est tenue …”): add it if there is one.",
        )
    if found.facts is not None:
        add_named_agents(builder, article, found.facts)
        add_named_places(builder, article, found.facts)
    add_links(builder, article)
    add_dates_note(builder, article)
    add_provenance(builder, article, source)
    return draft


def _new_publisher(builder: DraftBuilder, node: URIRef, site_name: str, host: str) -> URIRef:
    """The site's owner the data does not know, named as the page names its site."""
    builder.add(node, RDF.type, SDO.Organization)
    builder.add(node, SDO.name, Literal(site_name))
    builder.add(node, SDO.url, URIRef(f"https://{host}"))
    builder.draft.to_complete(
        f"L'éditeur « {site_name} » ({host}) n'est pas un acteur connu : nom et type à vérifier "
        f"({node}).",
        f"The publisher “{site_name}” ({host}) is not a known actor: check its name and type "
        f"({node}).",
    )
    return node
