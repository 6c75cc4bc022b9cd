"""Names as the export writes them, and as they are compared and turned into IRIs.

A name read from an article is matched with the project's names case, accents and
punctuation aside (:func:`fold_name`), and a new resource's IRI is made of its folded
words (:func:`slugify`); messages quote source text cut short (:func:`shorten`).
"""

from __future__ import annotations

import re
import unicodedata


def fold_name(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-'’]+", " ", bare).strip()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_name(text)).strip("-")


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
