"""A saved web page: its main text and its metadata, found by trafilatura, never fetched.

The page is the HTML a curator saved or pasted. trafilatura (``bare_extraction``) is given
the HTML *string*: it then reads what it is given and requests nothing (no address is
followed, not even the canonical one). Its date search is kept to what the page's markup
states (``extensive_search`` off): a date guessed from the body's words would be a fact
the page does not give. The main text comes back as Markdown, read by :mod:`.markdown`
as any Markdown article; the metadata fill the record where the text is silent: title,
publication date, author and site, canonical address, language (``<html lang>``).
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from html import unescape

from ...errors import ArticleError
from .addresses import safe_iri
from .markdown import read_markdown
from .record import Extracted

#: What the page's markup may say of its date, and nothing guessed from its text.
DATE_PARAMETERS = {"extensive_search": False, "original_date": True}
_LANG = re.compile(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|article|div|p)\b", re.I | re.S
)


def looks_like_html(text: str) -> bool:
    """Whether the text is a web page rather than Markdown or plain text."""
    return bool(_HTML_START.match(text[:4096]))


def read_html(html: str, name: str) -> Extracted:
    """The record of a saved web page: its main text read as Markdown, its metadata beside."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml's FutureWarnings inside trafilatura
        import trafilatura  # imported here: its language data load on first use

        document = trafilatura.bare_extraction(
            html,
            url=None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_formatting=True,
            include_links=False,
            date_extraction_params=DATE_PARAMETERS,
        )
    if document is None or not (document.text or "").strip():
        raise ArticleError(
            f"{name} : page web sans texte principal lisible.",
            f"{name}: web page without a readable main text.",
            source=name,
            reason="empty",
        )
    text = document.text
    if document.title and not text.lstrip().startswith("# "):
        text = f"# {document.title}\n\n{text}"
    found = read_markdown(text, name, kind="html")
    if document.title:
        found.title = " ".join(document.title.split())
    if document.url and re.match(r"^https?://", document.url):
        found.source_url = safe_iri(document.url)
    if document.date and found.published is None:
        try:
            found.published = date.fromisoformat(document.date[:10])
            found.published_raw = document.date
        except ValueError:
            found.problem(
                None,
                f"date de la page illisible : « {document.date} ».",
                f"unreadable page date: “{document.date}”.",
            )
    found.author = _clean(document.author)
    found.site_name = _clean(document.sitename) or _title_site(html)
    language = _LANG.search(html[:4096])
    found.language = language.group(1).lower() if language else None
    return found


_TITLE_TAG = re.compile(r"<title[^>]*>(?P<title>[^<]{3,300})</title>", re.I)


def _title_site(html: str) -> str | None:
    """« Le webinaire du 19 mai | ESS et société »: the site's name after the page's title,
    when the page states it nowhere else."""
    title = _TITLE_TAG.search(html[:20000])
    if title is None or " | " not in title["title"]:
        return None
    return _clean(unescape(title["title"].rsplit(" | ", 1)[1]))


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None
