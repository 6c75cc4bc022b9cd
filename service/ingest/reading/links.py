"""The ``## Liens`` section and the numbers that point at it.

The links of the text are written ``[text](#) [n]``: their addresses are the entries
``[n] <https://…>`` of the closing section. This module reads the section
(:func:`read_links`), says what is wrong with an entry written awry, and checks that
every number of the text has its entry (:func:`check_numbers`).
"""

from __future__ import annotations

import re

from .addresses import safe_iri
from .lines import Line, inline_address
from .names import shorten
from .record import Extracted

LINKS_HEADING = re.compile(r"^liens$", re.I)
_LINK_ENTRY = re.compile(r"^\[(?P<number>\d{1,4})\]\s*(?P<rest>.*)$")
_BARE_URL = re.compile(r"^<?(?P<url>https?://[^\s<>]+)>?$")


def read_links(lines: list[Line], found: Extracted) -> None:
    """The entries of "Liens", by number; a malformed or repeated one is a problem."""
    for line in lines:
        written = line.raw.strip()
        entry = _LINK_ENTRY.match(written)
        if not entry:
            found.problem(
                line.number,
                f"ligne inattendue dans « Liens » : « {shorten(written)} » ; attendu « [n] <https://…> » "
                "ou « [n] [texte](https://…) ».",
                f"unexpected line in “Liens”: “{shorten(written)}”; expected “[n] <https://…>” or "
                "“[n] [text](https://…)”.",
            )
            continue
        number = int(entry.group("number"))
        url = written_address(line, entry.group("rest"))
        if url is None:
            rest = entry.group("rest").strip()
            why_fr, why_en = _malformation(rest)
            found.problem(
                line.number,
                f"le lien [{number}] est mal formé{why_fr} : « {shorten(rest, 140)} » ; attendu "
                f"« [{number}] <https://…> » ou « [{number}] [texte](https://…) ».",
                f"link [{number}] is malformed{why_en}: “{shorten(rest, 140)}”; expected "
                f"“[{number}] <https://…>” or “[{number}] [text](https://…)”.",
            )
            continue
        if number in found.links:
            found.problem(
                line.number,
                f"le lien [{number}] est déjà donné ligne {found.links[number][1]} ; le premier est gardé.",
                f"link [{number}] was already given on line {found.links[number][1]}; the first is kept.",
            )
            continue
        found.links[number] = (safe_iri(url), line.number)


def written_address(line: Line, rest: str) -> str | None:
    """The web address a line gives: its first link's, else the bare ``<https://…>`` that is
    all of ``rest`` (what follows the line's label or number)."""
    url = next((address for link in line.links if (address := inline_address(link))), None)
    if url is None:
        bare = _BARE_URL.match(rest.strip())
        url = bare.group("url") if bare else None
    return url


def _malformation(written: str) -> tuple[str, str]:
    """What is wrong with a link written in Markdown, when it is a usual slip."""
    if not written:
        return " (pas d'adresse)", " (no address)"
    if re.search(r"\]\([^)]*$", written):
        return " (« ) » manque après l'adresse)", " (“)” missing after the address)"
    if written.startswith("<") and not written.endswith(">"):
        return " (« > » manque après l'adresse)", " (“>” missing after the address)"
    if written.startswith("[") and "](" not in written:
        return (
            " (pas d'adresse entre parenthèses après le texte)",
            " (no address in parentheses after the text)",
        )
    return "", ""


def check_numbers(lines: list[Line], found: Extracted) -> None:
    """Every numbered link must have its entry in "Liens"; a link must have an address."""
    for line in lines:
        for link in line.links:
            if link.ref is not None:
                found.link_texts.setdefault(link.ref, link.text.strip())
            if link.ref is not None and link.ref not in found.links:
                if found.has_links_section:  # without the section at all, said once
                    found.problem(
                        line.number,
                        f"le lien « {shorten(link.text, 40)} » renvoie à [{link.ref}], absent de la section « Liens ».",
                        f"the link “{shorten(link.text, 40)}” points to [{link.ref}], which the “Liens” section lacks.",
                    )
            elif link.ref is None and inline_address(link) is None:
                found.problem(
                    line.number,
                    f"le lien « {shorten(link.text, 40)} » n'a ni adresse ni numéro ; attendu « [{shorten(link.text, 40)}](#) [n] ».",
                    f"the link “{shorten(link.text, 40)}” has neither address nor number; expected “[{shorten(link.text, 40)}](#) [n]”.",
                )
