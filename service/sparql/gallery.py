"""The editor's gallery: the example queries grouped by theme, in the reader's language.

Each example names its theme with ``dct:subject`` (``data/examples.ttl``); the themes and
their order are the table below. The examples select labels in French
(``FILTER(LANG(?name) = "fr")``): a page in another language gets them with that language
filled in, so that a reader sees names in the page's language beside the IRIs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .description import Example


@dataclass(frozen=True)
class Theme:
    key: str  # the English keyword of the examples filed under it
    fr: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


#: The gallery's themes, in the order the page shows them.
THEMES: tuple[Theme, ...] = (
    Theme("events", "Événements", "Events"),
    Theme("actors", "Acteurs", "Actors"),
    Theme("territories", "Territoires", "Territories"),
    Theme("quality", "Qualité des données", "Data quality"),
    Theme("history", "Historique", "History"),
)

#: ``LANG(?x) = "fr"`` and ``LANG(?x) IN ("fr"``: where a query picks the language of a label.
_LANGUAGE_FILTER = re.compile(r'(LANG\(\s*\?\w+\s*\)\s*(?:=\s*|IN\s*\(\s*))"fr"', re.IGNORECASE)

#: The default query of the editor: one row per event, its name in the page's language and
#: its start as a plain date (the first ten characters of a date or a date-time).
DEFAULT_QUERY = """PREFIX schema: <https://schema.org/>

SELECT ?event ?name ?date
WHERE {
  ?event a schema:Event ;
         schema:name ?name .
  FILTER(LANG(?name) = "fr")
  OPTIONAL { ?event schema:startDate ?start }
  BIND(SUBSTR(STR(?start), 1, 10) AS ?date)
}
ORDER BY DESC(?date) ?name
LIMIT 20
"""


def with_label_language(query: str, lang: str) -> str:
    """``query`` with the labels it selects in French selected in ``lang`` instead."""
    if lang == "fr" or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", lang):
        return query
    return _LANGUAGE_FILTER.sub(lambda m: f'{m.group(1)}"{lang}"', query)


@dataclass(frozen=True)
class GalleryEntry:
    """One question of the gallery, as a page in ``lang`` shows it."""

    example: Example
    lang: str

    @property
    def label(self) -> str:
        return self.example.label(self.lang)

    @property
    def comment(self) -> str:
        return self.example.comment(self.lang)

    @property
    def query(self) -> str:
        return with_label_language(self.example.query, self.lang)


def gallery(examples: list[Example], lang: str) -> list[tuple[Theme, list[GalleryEntry]]]:
    """The themes that hold examples, in order, each with its examples in ``lang``; an
    example whose keyword names no theme of the table is filed under a theme of its own."""
    known = {theme.key: theme for theme in THEMES}
    groups: dict[str, tuple[Theme, list[GalleryEntry]]] = {}
    for example in examples:
        key = example.themes.get("en") or example.themes.get("fr") or "events"
        theme = known.get(key) or Theme(
            key, example.themes.get("fr", key), example.themes.get("en", key)
        )
        groups.setdefault(key, (theme, []))[1].append(GalleryEntry(example, lang))
    order = [t.key for t in THEMES]
    ranked = sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    for key in ranked:
        groups[key][1].sort(key=lambda entry: _sort_key(entry.label))
    return [groups[key] for key in ranked]


def _sort_key(text: str) -> str:
    """Alphabetical order as a reader expects it: « Événements » among the E."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
