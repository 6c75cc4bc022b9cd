"""Document blocks: a file the article offers, with its title, contents, size and address.

The export writes one as ``## title``, maybe ``### Sommaire`` and its chapters with
their pages, ``Poids : 691.51 Ko`` and ``[Téléchargement](#) [n]``.
"""

from __future__ import annotations

import re

from .addresses import clean_url, file_name, is_pseudo_link
from .lines import Line
from .record import Chapter, Document, Extracted

#: Units of the "Poids" of a document, as the export writes them.
SIZE_UNITS = ("octets", "octet", "o", "ko", "mo", "go", "kio", "mio", "gio", "b", "kb", "mb", "gb")

_SIZE = re.compile(r"^Poids\s*:\s*(?P<value>.*)$", re.I)
_SIZE_VALUE = re.compile(r"^(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>[A-Za-zé]+)?$")
_SUMMARY = re.compile(r"^sommaire$", re.I)
_TOC_ENTRY = re.compile(
    r"^[➤•▸►*\-]?\s*(?:(?P<numeral>[IVXLC]+|\d+)\s*[.)-]\s+)?(?P<name>.+?)\s*(?:\.{2,}|…+)\s*(?P<page>\d+)\s*$"
)
_DOWNLOAD = re.compile(r"t[ée]l[ée]charg", re.I)


def read_documents(body: list[Line], found: Extracted, lead_block: int) -> set[int]:
    """Document blocks: a heading, maybe a "Sommaire", a "Poids" and a download link after it.
    Returns the blocks they occupy."""
    taken: set[int] = set()
    for index, line in enumerate(body):
        size_match = _SIZE.match(line.text)
        if not size_match:
            continue
        # The document's title: the nearest heading above "Poids" that is not "Sommaire",
        # after the lead and after any earlier document.
        start = index
        while (
            start > 0 and body[start - 1].block > lead_block and body[start - 1].block not in taken
        ):
            start -= 1
            if body[start].heading and not _SUMMARY.match(body[start].text):
                break
        heading = (
            body[start] if body[start].heading and not _SUMMARY.match(body[start].text) else None
        )
        if heading is None:
            start = index  # no title above: the block is the "Poids" line alone
        chapters = _chapters(body[start:index])
        size = _size(size_match.group("value").strip(), line, found)
        url: str | None = None
        for candidate in (
            text_line for text_line in body[index + 1 :] if text_line.block <= line.block + 2
        ):
            for link in candidate.links:
                address = found.address(link)
                if address and is_pseudo_link(address):
                    taken.add(candidate.block)  # noted with the links of "Liens"
                elif url is None and (
                    _DOWNLOAD.search(link.text) or (address and file_name(address))
                ):
                    taken.add(candidate.block)
                    if address is None:
                        found.problem(
                            candidate.number,
                            f"le lien de téléchargement « {link.text} » n'a pas d'adresse.",
                            f"the download link “{link.text}” has no address.",
                        )
                    else:
                        url = clean_url(address)
        if url is None:
            found.problem(
                line.number,
                "document sans adresse : attendu « [Téléchargement](#) [n] » après « Poids », avec son lien [n] dans « Liens ».",
                "document without an address: expected “[Téléchargement](#) [n]” after “Poids”, with its link [n] in “Liens”.",
            )
        if heading is None:
            found.problem(
                line.number,
                "document sans titre : attendu un titre « ## … » avant « Poids ».",
                "document without a title: expected a heading “## …” before “Poids”.",
            )
        taken.update(text_line.block for text_line in body[start : index + 1])
        found.documents.append(
            Document(
                heading.text if heading else None,
                url,
                size,
                chapters,
                heading.number if heading else line.number,
            )
        )
    return taken


def _chapters(lines: list[Line]) -> list[Chapter]:
    chapters: list[Chapter] = []
    in_summary = False
    for line in lines:
        if line.heading:
            in_summary = bool(_SUMMARY.match(line.text))
            continue
        if not in_summary:
            continue
        entry = _TOC_ENTRY.match(line.text)
        if entry:
            chapters.append(
                Chapter(entry.group("name").strip(), len(chapters) + 1, int(entry.group("page")))
            )
    return chapters


def _size(value: str, line: Line, found: Extracted) -> str | None:
    match = _SIZE_VALUE.match(value)
    if not match or not match.group("unit") or match.group("unit").lower() not in SIZE_UNITS:
        found.problem(
            line.number,
            f"poids illisible : « {value} » ; attendu un nombre et son unité, par exemple « 691.51 Ko ».",
            f"unreadable size: “{value}”; expected a number and its unit, for instance “691.51 Ko”.",
        )
        return None
    return f"{match.group('number')} {match.group('unit')}"
