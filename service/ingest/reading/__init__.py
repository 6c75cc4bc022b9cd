"""Reading an exported article: the file, its CommonMark structure, and the facts it states.

The export (see the seed article) is Markdown-like text: a lead, a body with
links written ``[text](#) [n]`` whose address is the ``n``-th entry of the
closing ``## Liens`` section, a document block (``## title``, ``### Sommaire``,
``Poids : …``, ``[Téléchargement](#) [n]``), embedded social-media posts
(their text, then ``— Author (@handle) [date](#) [n]``), and the page's fields:
``Dates:``, ``Thématiques:``, ``Territoires :``, ``Publié le …`` and
``**URL de la source (modifié le …):** <…>``.

This package is the first stage: the file is checked (size, text, encoding,
:mod:`.decoding`), parsed as CommonMark (:mod:`.lines`), and the facts are read
from it into an :class:`~.record.Extracted` record, one module per kind of fact
(:mod:`.links`, :mod:`.fields`, :mod:`.documents`, :mod:`.posts`, :mod:`.event`);
what cannot be read becomes a :class:`~.record.Problem` with its line and what was
expected. :func:`extract` reads them in their order. It knows the text only, not the
project's data, so what the source says stays apart from what the project already
holds (:mod:`..reconcile`) and from the graph made of both (:mod:`..draft`).
"""

from __future__ import annotations

from ...errors import ArticleError
from .dates import day_of
from .documents import read_documents
from .event import read_event
from .facts import read_facts_of_lines
from .fields import field_of, read_fields, read_head
from .lines import Line, source_lines
from .links import LINKS_HEADING, check_numbers, read_links
from .posts import read_posts
from .record import Extracted


def extract(text: str, name: str = "article") -> Extracted:
    """Read the facts of an exported article. Never raises for a malformed part: each one
    becomes a :class:`Problem`; raises :class:`ArticleError` only when there is no article."""
    lines = source_lines(text)
    found = Extracted(name=name)
    if not lines:
        raise ArticleError(
            f"{name} : aucun texte lisible.",
            f"{name}: no readable text.",
            source=name,
            reason="empty",
        )
    links_at = next(
        (
            i
            for i, text_line in enumerate(lines)
            if text_line.heading and LINKS_HEADING.match(text_line.text)
        ),
        None,
    )
    article = lines if links_at is None else lines[:links_at]
    if links_at is None:
        found.problem(
            None,
            "pas de section « ## Liens » : les liens numérotés [n] du texte n'ont pas d'adresse.",
            "no “## Liens” section: the text's numbered links [n] have no address.",
        )
    else:
        found.has_links_section = True
        read_links(lines[links_at + 1 :], found)
    read_fields(article, found)
    read_head(article, found)
    fields_at = next(
        (i for i, text_line in enumerate(article) if field_of(text_line)), len(article)
    )
    body = article[:fields_at]
    lead_block = _block_at(body, found.lead_line) if found.lead_line else 0
    taken = read_documents(body, found, lead_block)
    taken |= read_posts(body, found)
    read_event(body, taken, found)
    found.facts = read_facts_of_lines(
        body, taken, day_of(found.published) if found.published else None
    )
    check_numbers(article, found)
    if found.source_url is None:
        raise ArticleError(
            f"{name} : pas d'adresse de la source ; attendu une ligne "
            "« **URL de la source (modifié le JJ/MM/AAAA - HH:MM):** <https://…> ». Sans elle, le "
            "brouillon n'aurait ni identité ni provenance.",
            f"{name}: no source address; expected a line "
            "“**URL de la source (modifié le DD/MM/YYYY - HH:MM):** <https://…>”. Without it the "
            "draft would have neither identity nor provenance.",
            source=name,
            reason="no-source-url",
        )
    return found


def _block_at(lines: list[Line], number: int) -> int:
    return next((text_line.block for text_line in lines if text_line.number == number), 0)
