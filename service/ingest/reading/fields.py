"""The page's own parts: its head (title and lead) and its fields.

The fields close the article: ``Dates:``, ``Thématiques:``, ``Territoires :``,
``Publié le …`` and ``**URL de la source (modifié le …):** <…>``. The head is what
comes before the body: a level-1 title when the export has one, and the lead.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from ...namespaces import IGEO
from .addresses import clean_url
from .dates import parse_date
from .lines import Line
from .links import written_address
from .names import shorten
from .record import DatesField, Extracted, FieldLink

#: The word before a territory's name on the "Territoires" line, and the class it names.
TERRITORY_WORDS: dict[str, URIRef] = {
    "region": IGEO.Region,
    "departement": IGEO.Departement,
    "commune": IGEO.Commune,
    "ville": IGEO.Commune,
    "intercommunalite": IGEO.Intercommunalite,
    "epci": IGEO.Intercommunalite,
}

_FIELD_DATES = re.compile(r"^Dates?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_THEMES = re.compile(r"^Th[ée]matiques?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_TERRITORIES = re.compile(r"^Territoires?\s*:\s*(?P<value>.*)$", re.I)
_FIELD_PUBLISHED = re.compile(r"^Publi[ée]e?\s+le\s*:?\s*(?P<value>.*)$", re.I)
_FIELD_SOURCE = re.compile(
    r"^URL de la source\s*(?:\(\s*modifi[ée]e?\s+le\s*(?P<modified>[^)]*)\))?\s*:\s*(?P<value>.*)$",
    re.I,
)
_FIELDS = (_FIELD_DATES, _FIELD_THEMES, _FIELD_TERRITORIES, _FIELD_PUBLISHED, _FIELD_SOURCE)


def field_of(line: Line) -> re.Pattern | None:
    """The field a line starts, if it starts one."""
    return next((f for f in _FIELDS if f.match(line.text)), None)


def read_fields(lines: list[Line], found: Extracted) -> None:
    """The page's fields, wherever they stand; a missing one is a problem."""
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        if match := _FIELD_DATES.match(text):
            value = match.group("value").strip()
            parsed = parse_date(value) if value else None
            if parsed is None:
                found.problem(
                    line.number,
                    f"date illisible dans « Dates » : « {value} » ; attendu par exemple "
                    "« Vendredi 13 décembre 2019 - 11:00 », « 13/12/2019 » ou « 2019-12-13 ».",
                    f"unreadable date in “Dates”: “{value}”; expected for instance "
                    "“Vendredi 13 décembre 2019 - 11:00”, “13/12/2019” or “2019-12-13”.",
                )
            found.dates_field = DatesField(text, parsed, line.number)
            found.fields_seen.add("Dates")
        elif _FIELD_THEMES.match(text):
            found.themes, index = _field_links(lines, index, found, "Thématiques")
            continue
        elif _FIELD_TERRITORIES.match(text):
            found.territories, index = _field_links(lines, index, found, "Territoires")
            continue
        elif match := _FIELD_PUBLISHED.match(text):
            value = match.group("value").strip()
            found.published_raw = value
            found.published = parse_date(value)
            if found.published is None:
                found.problem(
                    line.number,
                    f"date de publication illisible : « {value} » ; attendu par exemple "
                    "« 13 décembre 2019 », « 13/12/2019 », « 2019-12-13 » ou « 13 déc. 2019 ».",
                    f"unreadable publication date: “{value}”; expected for instance "
                    "“13 décembre 2019”, “13/12/2019”, “2019-12-13” or “13 déc. 2019”.",
                )
        elif match := _FIELD_SOURCE.match(text):
            url = written_address(line, match.group("value"))
            if url is None:
                found.problem(
                    line.number,
                    f"adresse de la source illisible : « {shorten(match.group('value'))} » ; attendu « <https://…> ».",
                    f"unreadable source address: “{shorten(match.group('value'))}”; expected “<https://…>”.",
                )
            else:
                found.source_url, found.source_line = clean_url(url), line.number
            modified = (match.group("modified") or "").strip()
            if modified:
                found.modified = parse_date(modified)
                if found.modified is None:
                    found.problem(
                        line.number,
                        f"date de modification illisible : « {modified} » ; attendu par exemple « 13/12/2019 - 15:52 ».",
                        f"unreadable modification date: “{modified}”; expected for instance “13/12/2019 - 15:52”.",
                    )
        index += 1
    for label, en in (("Thématiques", "themes"), ("Territoires", "territories")):
        if label not in found.fields_seen:
            found.problem(
                None,
                f"pas de ligne « {label}: » : l'article n'aura pas de {label.lower()}.",
                f"no “{label}:” line: the article will have no {en}.",
            )
    if "Dates" not in found.fields_seen:
        found.problem(
            None,
            "pas de ligne « Dates: » : l'heure de publication n'est pas connue, seul le jour l'est.",
            "no “Dates:” line: the publication time is not known, only the day.",
        )
    if found.published is None and found.published_raw is None:
        found.problem(
            None,
            "pas de ligne « Publié le … » : la date de publication manque.",
            "no “Publié le …” line: the publication date is missing.",
        )


def _field_links(
    lines: list[Line], index: int, found: Extracted, label: str
) -> tuple[list[FieldLink], int]:
    """The links of a field line and of the lines after it that hold only links."""
    found.fields_seen.add(label)
    items: list[FieldLink] = []
    first = True
    while index < len(lines):
        line = lines[index]
        if not first and (field_of(line) or not line.links or _residue(line)):
            break
        for link in line.links:
            address = found.address(link)
            if link.ref is not None and link.ref not in found.links:
                address = None  # reported by check_numbers
            items.append(FieldLink(link.text.strip(), address, line.number))
        if first and not line.links:
            found.problem(
                line.number,
                f"« {label} » sans lien : « {shorten(line.text)} » ; attendu « {label}: [libellé](#) [n] ».",
                f"“{label}” without a link: “{shorten(line.text)}”; expected “{label}: [label](#) [n]”.",
            )
        first = False
        index += 1
    return items, index


def _residue(line: Line) -> str:
    """What a line says besides its links."""
    return re.sub(r"[\s,;|]+", "", "".join(p for p in line.parts if isinstance(p, str)))


def read_head(lines: list[Line], found: Extracted) -> None:
    """The title (a level-1 heading before the lead, when the export has one) and the lead:
    the first paragraph."""
    for line in lines:
        if line.kind == "h1" and found.lead is None and found.title is None:
            found.title = line.text
            continue
        if line.kind == "p" and not field_of(line) and line.text:
            block = [text_line for text_line in lines if text_line.block == line.block]
            found.lead = " ".join(text_line.text for text_line in block)
            found.lead_line = line.number
            return
    found.problem(
        None,
        "pas de chapô : aucun paragraphe avant les champs de la page.",
        "no lead: no paragraph before the page's fields.",
    )
