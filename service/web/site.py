"""What every HTML page shares: the request's languages, the layout's globals, the
navigation and sitemap registries, and conditional responses.

Not a blueprint: any blueprint may use it (blueprints never import each other).

* :func:`languages` — the language rule for this request (``?lang=``, then
  ``Accept-Language``, then the ``languages`` setting), see ``service/labels.py``.
* Templates get ``t(fr, en)`` (interface text in the interface language),
  ``ui_lang``, ``langs``, ``lang_switch``, ``nav``, ``local(iri)`` (an IRI under
  the base as a path on this host), ``say_moment(instant)`` (the local time of the
  ``time_zone`` setting, in words), ``licence_url``, ``licence_label``, ``search_url``,
  ``canonical_url(address)`` and ``language_links(address)`` (``address``: a resource's
  IRI; by default this page's path under the base); ``foreign_hint(tag)`` and
  ``interface_language()``, and ``t``, ``canonical_url`` and ``language_links`` again, are
  globals of the environment, for macros imported without the context (a macro file
  imported with the context is made again on every rendering). ``base.html`` writes a canonical
  link, its ``hreflang`` alternates and Open Graph tags from them in its ``meta`` block; a
  page with better ones (a resource's, named by its IRI) overrides the block.
* Each page has one address per interface language (:func:`in_language`): the default
  language's (the first of the ``languages`` setting) is the page's own address, another's
  adds ``?lang=``; each is its own canonical, absolute under the canonical base.
* :func:`add_nav` puts a link in the header (call it when a blueprint is
  registered, e.g. from ``register``); :func:`add_sitemap` adds a section to
  ``/sitemap.xml`` (a function returning :class:`SitemapEntry` items).
* :func:`validators` and :func:`not_modified` / :func:`finish` give responses an
  ``ETag`` (store generation + representation), a ``Last-Modified`` and a 304
  on a conditional GET.
* :func:`public_root`: what absolute links (sitemap, feeds, catalog, VoID…) start with: the
  ``public_url`` setting, else this request's address on a trusted host (``Vary: Host``).
* :func:`zone` and :func:`today`: the zone times are shown in and "today" is judged in, for pages that
  read the data against the day (an event that took place).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, request, url_for
from markupsafe import Markup, escape
from werkzeug.http import is_resource_modified
from werkzeug.routing import BuildError

from ..config import local_today, trusted_hosts
from ..errors import MediationError
from ..labels import UI_LANGUAGES, Languages, moment_in_words, preferences
from ..namespaces import LICENCE, is_link
from ..pages import link_path
from .context import config, store
from .door import MARK

LICENCE_URL = str(LICENCE)
LICENCE_LABEL = ("Licence Ouverte 2.0", "Open Licence 2.0")


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label_fr: str
    label_en: str
    order: int = 50
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SitemapEntry:
    """One page of a sitemap: its path on this host and, when known, its last change."""

    path: str
    lastmod: str | None = None  # W3C datetime (a date, or a date and time)


def state() -> dict[str, Any]:
    """The application's own state (``app.extensions['mediation']``): caches live here."""
    return current_app.extensions["mediation"]


def keep_at_door() -> None:
    """Let the door in front of Flask keep this answer (``door.py``) under the state it is
    made in, read here, before the view reads anything: an answer made across a write is
    sent but never kept under the new state."""
    door = state().get("door")
    if door is not None:
        request.environ[MARK] = door.state()


@dataclass
class KeptValues:
    """The values one cache keeps, all made for one build (``identity``), least recently used
    first, with their total weight: keeping one costs the same however many are kept."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    values: OrderedDict = field(default_factory=OrderedDict)
    identity: object = None
    weight: int = 0


def kept_for_build(
    name: str,
    identity: object,
    key: tuple,
    make: Callable[[], Any],
    weigh: Callable[[Any], int],
    limit: int,
) -> Any:
    """``make()``, kept in the cache ``name`` while the build ``identity`` is served: values
    of other builds are dropped, then the least recently used while the values' total
    ``weigh`` passes ``limit`` (the last one made is always kept). Made outside the lock: two
    requests may make the same value once each, never block each other."""
    kept: KeptValues = state().setdefault(f"{name}_kept", KeptValues())
    full = (identity,) + key
    with kept.lock:
        if full in kept.values:
            kept.values.move_to_end(full)
            return kept.values[full]
    value = make()
    with kept.lock:
        if kept.identity != identity:
            kept.values.clear()
            kept.identity, kept.weight = identity, 0
        old = kept.values.pop(full, None)
        if old is not None:
            kept.weight -= weigh(old)
        kept.values[full] = value
        kept.weight += weigh(value)
        while len(kept.values) > 1 and kept.weight > limit:
            kept.weight -= weigh(kept.values.popitem(last=False)[1])
    return value


def kept_for_generation(name: str, read: Callable[[Any], Any]) -> Any:
    """``read(store)``, kept while the store's generation is the same (a write makes the
    next request read it again). Kept only when no write landed while it was read: a value
    read across a write could hold that write under the generation before it."""
    current = store()
    generation = current.generation
    kept = state().get(name)
    if kept is not None and kept[0] == generation:
        return kept[1]
    value = read(current)
    if current.generation == generation:
        state()[name] = (generation, value)
    return value


# ---------------------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------------------


def languages() -> Languages:
    """The language order for this request; a malformed ``?lang=`` is a 400."""
    if "mediation_languages" not in g:
        g.mediation_languages = preferences(
            config().languages, request.headers.get("Accept-Language"), request.args.get("lang")
        )
    return g.mediation_languages


def _safe_languages() -> Languages:
    try:
        return languages()
    except MediationError:  # the error page of a bad ?lang= itself needs a language
        return Languages(tuple(config().languages) or UI_LANGUAGES)


def switch_links() -> list[dict[str, Any]]:
    """Links to this page in each interface language (other parameters kept)."""
    current = _safe_languages().ui
    names = {"fr": "Français", "en": "English"}
    links = []
    for tag in UI_LANGUAGES:
        params = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        params.append(("lang", tag))
        links.append(
            {
                "lang": tag,
                "label": names.get(tag, tag),
                "url": f"{request.path}?{urlencode(params)}",
                "current": tag == current,
            }
        )
    return links


# ---------------------------------------------------------------------------------------------
# Registries
# ---------------------------------------------------------------------------------------------


def add_nav(
    app: Flask, endpoint: str, label_fr: str, label_en: str, order: int = 50, **values: str
) -> None:
    """A link in every page's header, to ``url_for(endpoint, **values)``; ordered by ``order``."""
    entries: list[NavEntry] = app.extensions["mediation"].setdefault("nav", [])
    entries.append(NavEntry(endpoint, label_fr, label_en, order, tuple(sorted(values.items()))))
    entries.sort(key=lambda e: e.order)


def nav_links() -> list[dict[str, Any]]:
    langs = _safe_languages()
    links = []
    for entry in state().get("nav", []):
        try:
            url = url_for(entry.endpoint, **dict(entry.values))
        except BuildError:
            continue
        links.append(
            {
                "url": url,
                "label": langs.text(entry.label_fr, entry.label_en),
                "current": request.path == url.split("?", 1)[0],
            }
        )
    return links


def add_sitemap(app: Flask, name: str, entries: Callable[[], Iterable[SitemapEntry]]) -> None:
    """A section of the sitemap, served at ``/sitemaps/{name}.xml`` and listed in the index."""
    app.extensions["mediation"].setdefault("sitemaps", {})[name] = entries


def sitemap_sections() -> dict[str, Callable[[], Iterable[SitemapEntry]]]:
    return dict(state().get("sitemaps", {}))


# ---------------------------------------------------------------------------------------------
# Paths and IRIs
# ---------------------------------------------------------------------------------------------


def page_address() -> str:
    """This page's address under the canonical base, without parameters."""
    return config().base_url + request.path.lstrip("/")


def public_root() -> str:
    """What every absolute link starts with (``https://host/``): the ``public_url`` setting;
    without it, the address this request was sent to, whose host Werkzeug has checked
    against the trusted hosts (:func:`~service.config.trusted_hosts`: any other is a 400
    before a view runs), and the answer then varies by ``Host``. Never ``X-Forwarded-*``."""
    configured = config().public_url
    if configured:
        return configured
    g.varies_by_host = True
    return request.url_root


def default_language() -> str:
    """The interface language of a page asked for without ``?lang=`` nor ``Accept-Language``:
    the first of the ``languages`` setting the interface is written in."""
    return Languages(tuple(config().languages) or UI_LANGUAGES).ui


def in_language(address: str, lang: str) -> str:
    """A page's address in one interface language: the page's own for the default language
    (what a crawler that sends no ``Accept-Language`` gets), with ``?lang=`` for another.
    ``address`` has no parameters."""
    return address if lang == default_language() else f"{address}?{urlencode({'lang': lang})}"


def language_links(address: str | None = None) -> list[dict[str, str]]:
    """The ``hreflang`` alternates of a page (``address``: its IRI, by default this page's
    address): one per interface language, and ``x-default``, the address that follows the
    reader's ``Accept-Language``.
    https://developers.google.com/search/docs/specialty/international/localized-versions"""
    address = address or page_address()
    links = [{"hreflang": tag, "href": in_language(address, tag)} for tag in UI_LANGUAGES]
    links.append({"hreflang": "x-default", "href": address})
    return links


def canonical_url(address: str | None = None) -> str:
    """The canonical address of this page as it is shown: its address (its IRI, by default
    this page's path under the canonical base) in the language it is shown in, without other
    parameters. A page negotiated by ``Accept-Language`` names the address of its language."""
    return in_language(address or page_address(), _safe_languages().ui)


def local(iri: Any) -> str:
    """Where a link to an IRI points: a path on this host for ours, the IRI itself for an
    ``http``, ``https`` or ``mailto`` one; "" for any other (``javascript:``…), which
    templates show as text rather than as a link."""
    return link_path(iri, config().base_url) or ""


def zone() -> tzinfo:
    """The ``time_zone`` setting: where the data's local times are, and every time is shown."""
    return ZoneInfo(config().time_zone)


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------


def today() -> date:
    """Today in the service's time zone (the ``today`` setting, when set): an event page says
    « A eu lieu » once the event's last day is before it; part of the validators of the
    pages that depend on it."""
    return date.fromisoformat(local_today(config()))


# ---------------------------------------------------------------------------------------------
# Conditional responses
# ---------------------------------------------------------------------------------------------


def changed_at() -> datetime:
    """When the store last changed, as far as this process knows: the first time it saw the
    current generation (a restart moves it later, never earlier: caches revalidate)."""
    generation = store().generation
    seen = state().get("generation_seen")
    if seen is None or seen[0] != generation:
        seen = (generation, datetime.now(UTC).replace(microsecond=0))
        state()["generation_seen"] = seen
    return seen[1]


def validators(*parts: object) -> tuple[str, datetime]:
    """A strong ETag for this representation (store generation and ``parts``, and the time
    zone its times are given in) and its date."""
    parts = (config().time_zone, *parts)
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode("utf-8")).hexdigest()
    return f"{store().generation}-{digest[:24]}", changed_at()


def not_modified(etag: str, modified: datetime, vary: str) -> Response | None:
    """A 304 when the request's validators match, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    if is_resource_modified(request.environ, etag=etag, last_modified=modified):
        return None
    response = Response(status=304)
    finish(response, etag, modified, vary)
    return response


def finish(response: Response, etag: str, modified: datetime, vary: str) -> Response:
    response.set_etag(etag)
    response.last_modified = modified
    response.headers["Vary"] = vary
    response.headers.setdefault("Cache-Control", "public, no-cache")
    return response


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


def register(app: Flask) -> None:
    """Template globals every page uses; default navigation; the hosts requests may name."""
    # Werkzeug refuses any other Host (SecurityError, a 400) before a view runs.
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["MEDIATION"])

    @app.after_request
    def vary_by_host(response: Response) -> Response:
        # A shared cache must not give one host's links to another (RFC 9110 §12.5.5).
        if g.get("varies_by_host"):
            response.vary.add("Host")
        return response

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        langs = _safe_languages()
        return {
            "langs": langs,
            "ui_lang": langs.ui,
            "t": langs.text,
            "lang_switch": switch_links,
            "nav": nav_links,
            "local": local,
            "say_moment": lambda moment: moment_in_words(moment, zone(), langs.ui),
            "licence_url": LICENCE_URL,
            "licence_label": langs.text(*LICENCE_LABEL),
            "search_url": _maybe_url(SEARCH_ENDPOINT),
            "canonical_url": canonical_url,
            "language_links": language_links,
        }

    # Globals, not context: macros imported without the context (every shared macro file)
    # mark text and write interface text too. A module imported with the context is made
    # again on every rendering; without it, once.
    app.jinja_env.globals.update(
        foreign_hint=foreign_hint,
        interface_language=interface_language,
        literal=literal_html,
        marked=marked_html,
        t=interface_text,
        canonical_url=canonical_url,
        language_links=language_links,
    )
    # ``{% if iri is link %}``: only http, https and mailto IRIs become links; others are text.
    app.jinja_env.tests["link"] = is_link
    for entry in DEFAULT_NAV:
        add_nav(app, *entry)


def foreign_hint(tag: str | None) -> str | None:
    """The words that mark text in another language than this page's (« (en anglais) »)."""
    return _safe_languages().foreign_hint(tag)


def interface_language() -> str:
    """This page's language (``ui_lang``, for macros imported without the context)."""
    return _safe_languages().ui


def literal_html(text: Any, lang: str | None) -> Markup:
    """Text in its language (``literal`` in templates): a ``span`` with its ``lang``, marked
    as a fallback with the words that say so when it is not in the page's language. A Python
    function rather than a macro: lists and searches write one per name, place and facet
    value, and a call from a template took 16–21 µs as a macro, 10–15 as this function."""
    return _in_language(escape(text), lang)


def marked_html(segments: Iterable[tuple[str, bool]], lang: str | None) -> Markup:
    """``literal_html`` of text cut into segments, those a search matched in ``mark``
    (``marked`` in templates)."""
    inner = "".join(
        f"<mark>{escape(text)}</mark>" if hit else str(escape(text)) for text, hit in segments
    )
    return _in_language(Markup(inner), lang)


def _in_language(inner: Markup, lang: str | None) -> Markup:
    words = foreign_hint(lang)
    if not words:
        return Markup(f'<span lang="{escape(lang)}">{inner}</span>')
    hint = f'<small class="lang-hint" lang="{escape(interface_language())}">{escape(words)}</small>'
    return Markup(f'<span lang="{escape(lang)}" class="fallback">{inner} {hint}</span>')


def interface_text(fr: str, en: str) -> str:
    """Interface text in this page's language (``t``, for macros imported without the
    context)."""
    return _safe_languages().text(fr, en)


#: The header's links; an entry whose endpoint is not registered is left out.
DEFAULT_NAV: tuple[tuple[str, str, str, int], ...] = (
    ("lists.home", "Accueil", "Home", 0),
    ("lists.events", "Événements", "Events", 10),
    ("lists.actors", "Acteurs", "Actors", 20),
    ("lists.themes", "Thèmes", "Themes", 30),
    ("lists.places", "Territoires", "Places", 40),
    ("lists.search", "Recherche", "Search", 60),
    ("resources.vocabulary", "Vocabulaire", "Vocabulary", 70),
    ("sparql.endpoint", "Interroger (SPARQL)", "Query (SPARQL)", 80),
)
#: Where the header's search box sends its query (``?q=``), when that endpoint exists.
SEARCH_ENDPOINT = "lists.search"


def _maybe_url(endpoint: str) -> str | None:
    try:
        return url_for(endpoint)
    except BuildError:
        return None


__all__ = [
    "LICENCE_URL",
    "NavEntry",
    "SitemapEntry",
    "add_nav",
    "add_sitemap",
    "canonical_url",
    "changed_at",
    "default_language",
    "finish",
    "foreign_hint",
    "in_language",
    "language_links",
    "languages",
    "local",
    "not_modified",
    "register",
    "sitemap_sections",
    "state",
    "switch_links",
    "today",
    "validators",
    "zone",
]
