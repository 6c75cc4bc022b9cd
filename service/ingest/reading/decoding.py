"""The file: an article is a small text file (or a text pasted), checked before anything is
read from it.

:func:`read_article` refuses, with an :class:`~service.errors.ArticleError` that says
why and where, a file too large, empty, binary or not in its encoding; the rest of the
reading stage gets text.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ...errors import ArticleError


def read_article(path: Path, max_bytes: int, encoding: str | None = None) -> str:
    """The text of the file, or an :class:`ArticleError` that says why it is not an article."""
    label = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(
                f"{label} : fichier trop grand ({size} octets, au plus {max_bytes}) : un article "
                "exporté en texte fait quelques dizaines de kilo-octets. Réglage max_article_bytes.",
                f"{label}: file too large ({size} bytes, at most {max_bytes}): an article exported "
                "as text is a few tens of kilobytes. Setting max_article_bytes.",
                source=label,
                reason="too-large",
            )
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise ArticleError(
            f"{label} : lecture impossible ({error.strerror}).",
            f"{label}: cannot be read ({error.strerror}).",
            source=label,
            reason="unreadable",
        ) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise ArticleError(
            f"{label} : fichier trop grand (plus de {max_bytes} octets).",
            f"{label}: file too large (more than {max_bytes} bytes).",
            source=label,
            reason="too-large",
        )
    return decode_article(data, label, encoding)


def decode_article(data: bytes, label: str, encoding: str | None = None) -> str:
    expected_fr = (
        "le texte d'un article (page web enregistrée, Markdown, texte, ou l'export du site)"
    )
    expected_en = (
        "the text of an article (a saved web page, Markdown, plain text, or the site's export)"
    )
    if not data.strip():
        raise ArticleError(
            f"{label} : fichier vide ; attendu : {expected_fr}.",
            f"{label}: empty file; expected {expected_en}.",
            source=label,
            reason="empty",
        )
    zero = data.find(b"\x00")
    if zero >= 0:
        line = data.count(b"\n", 0, zero) + 1
        raise ArticleError(
            f"{label} : fichier binaire (octet nul à la ligne {line}, position {zero}) ; "
            f"attendu : {expected_fr}.",
            f"{label}: binary file (NUL byte on line {line}, offset {zero}); expected {expected_en}.",
            source=label,
            line=line,
            reason="binary",
        )
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ArticleError(
                f"{label} : encodage inconnu « {encoding} ».",
                f"{label}: unknown encoding “{encoding}”.",
                source=label,
                reason="unknown-encoding",
            ) from None
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise ArticleError(
                f"{label}, ligne {line} : octet 0x{data[error.start]:02x} illisible en {encoding}.",
                f"{label}, line {line}: byte 0x{data[error.start]:02x} is not valid {encoding}.",
                source=label,
                line=line,
                reason="encoding",
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            raise ArticleError(
                f"{label}, ligne {line}, colonne {column} : octet 0x{data[error.start]:02x} "
                "qui n'est pas de l'UTF-8 ; attendu : du texte UTF-8. Si le fichier est dans "
                "un autre encodage, donnez-le avec --encoding (par exemple --encoding cp1252).",
                f"{label}, line {line}, column {column}: byte 0x{data[error.start]:02x} is not "
                "UTF-8; expected UTF-8 text. If the file uses another encoding, give it with "
                "--encoding (for instance --encoding cp1252).",
                source=label,
                line=line,
                column=column,
                reason="encoding",
            ) from None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ArticleError(
            f"{label} : {controls} caractères de contrôle : ce n'est pas du texte ; attendu : {expected_fr}.",
            f"{label}: {controls} control characters: this is not text; expected {expected_en}.",
            source=label,
            reason="binary",
        )
    return text
