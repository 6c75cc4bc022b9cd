"""The exception tree.

Every error a person can meet carries its HTTP status and a message in French
and in English. One place in the web layer turns these into responses, and the
CLI prints them; nothing else formats errors.
"""

from __future__ import annotations

import re
from typing import Any


class MediationError(Exception):
    """Base of every error the service reports to a person."""

    status = 500
    code = "internal-error"

    def __init__(self, message_fr: str, message_en: str | None = None, **details: Any):
        super().__init__(message_en or message_fr)
        self.message_fr = message_fr
        self.message_en = message_en or message_fr
        self.details = details

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr

    def bilingual(self) -> str:
        if self.message_fr == self.message_en:
            return self.message_fr
        return f"{self.message_fr}\n{self.message_en}"


class ConfigError(MediationError):
    """A setting has a value the service cannot use."""

    status = 500
    code = "config-error"


class BadRequest(MediationError):
    status = 400
    code = "bad-request"


class QuerySyntaxError(BadRequest):
    """A SPARQL query or update does not parse; details hold line and column."""

    code = "query-syntax"

    @classmethod
    def at(
        cls, reason: str, line: int | None, column: int | None, update: bool = False
    ) -> QuerySyntaxError:
        """A query (an ``update``) that does not parse for ``reason`` (the parser's words), its
        position said in the message as well as in the details: a person reads the message (in
        the editor, in curl, in a client's exception), a program the details (``line``,
        ``column``, and ``reason`` to say it again at another position)."""
        where_fr = where_en = ""
        details: dict[str, Any] = {"reason": reason}
        if line is not None:
            details["line"] = line
            where_fr, where_en = f", ligne {line}", f" at line {line}"
            if column is not None:
                details["column"] = column
                where_fr += f", colonne {column}"
                where_en += f", column {column}"
        what_fr, what_en = (
            ("la mise à jour SPARQL", "SPARQL Update")
            if update
            else ("la requête SPARQL", "SPARQL")
        )
        said_fr, said_en = expectations(reason)
        return cls(
            f"Erreur de syntaxe dans {what_fr}{where_fr} : {said_fr}",
            f"{what_en} syntax error{where_en}: {said_en}",
            **details,
        )


#: An item of a parser's list of what it expected: a quoted token, a character class, a word.
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:[^\]\\]|\\.)*\]|[^,\s][^,]*')
#: A character class said in a word, by a range it holds (Oxigraph's grammar: names, numbers).
_CLASSES = (
    ("'A' ..= 'Z'", "une lettre", "a letter"),
    ("'0' ..= '9' | '\\u{00B7}'", "un caractère de nom", "a name character"),
    ("'0'..='9'", "un chiffre", "a digit"),
    ("[_]", "un caractère", "a character"),
)
#: Oxigraph's names of a rule that failed, said as what was expected.
_RULES = {
    "Prefix not found": ("un préfixe déclaré", "a declared prefix"),
    "IRI parsing failed": ("une IRI valide", "a valid IRI"),
}
#: Whole reasons of the service's own readers (the guard's tokens).
_REASONS = {"unexpected character": ("caractère inattendu", "unexpected character")}
#: The items said before the rest is counted.
EXPECTED_SHOWN = 30


def _expected_item(item: str) -> tuple[str, str]:
    if item in _RULES:
        return _RULES[item]
    if item.startswith("["):
        for holds, fr, en in _CLASSES:
            if holds in item:
                return fr, en
        single = re.fullmatch(r"\['\\?(.)'\]", item)  # one character, escaped or not
        return (f"« {single[1]} »", f'"{single[1]}"') if single else (item, item)
    if item.startswith('"'):
        return f"« {item[1:-1]} »", item
    return item, item


def expectations(reason: str) -> tuple[str, str]:
    """A parser's "expected one of …" said for people, in French and in English.

    Oxigraph lists what it expected with its character classes written out as Unicode ranges
    (the letters a name may start with take four lines): each class is said in a word
    (« une lettre », « un chiffre »), a repeat is dropped, and past :data:`EXPECTED_SHOWN`
    items the rest is counted. Any other reason is said as it is, in both languages."""
    if reason in _REASONS:
        return _REASONS[reason]
    found = re.match(r"expected (one of )?", reason)
    if found is None:
        return reason, reason
    said: dict[str, str] = {}  # French: English, in the parser's order
    for match in _EXPECTED_ITEM.finditer(reason, found.end()):
        fr, en = _expected_item(" ".join(match.group(0).split()))
        said.setdefault(fr, en)
    if not said:
        return reason, reason
    items_fr, items_en = list(said), list(said.values())
    more = len(said) - EXPECTED_SHOWN
    if more > 0:
        items_fr = [*items_fr[:EXPECTED_SHOWN], f"et {more} autres"]
        items_en = [*items_en[:EXPECTED_SHOWN], f"and {more} more"]
    if len(said) == 1:
        return f"attendu : {items_fr[0]}", f"expected {items_en[0]}"
    return f"attendu l'un de : {', '.join(items_fr)}", f"expected one of {', '.join(items_en)}"


class QueryEvaluationError(BadRequest):
    """A query that parses but that the engine cannot evaluate as written (an unknown function…);
    the message is the engine's."""

    code = "query-evaluation"


class RdfSyntaxError(BadRequest):
    """An RDF document does not parse; details hold the source, line and reason."""

    code = "rdf-syntax"


class UnwritableText(BadRequest):
    """A literal or an IRI holds a character XML 1.0 cannot carry (a control character, a
    surrogate, U+FFFE): refused at the write, since every XML document it would be written
    into (RDF/XML, SPARQL results in XML, Atom, the sitemap) would be ill-formed. Details hold
    the term's place (``position``: subject, predicate, object, graph, datatype, language), the
    ``property``, the ``subject``, the character and its ``offset`` in the term."""

    code = "character-not-in-xml"

    @classmethod
    def at(
        cls, position: str, text: str, offset: int, subject: str = "", prop: str = ""
    ) -> UnwritableText:
        char = f"U+{ord(text[offset]):04X}"
        names_fr = {"subject": "le sujet", "predicate": "la propriété", "object": "la valeur",
                    "graph": "le nom du graphe", "datatype": "le type de la valeur",
                    "language": "la langue de la valeur"}  # fmt: skip
        names_en = {"subject": "the subject", "predicate": "the property", "object": "the value",
                    "graph": "the graph name", "datatype": "the value's datatype",
                    "language": "the value's language tag"}  # fmt: skip
        of_fr = f" de {prop}" if prop and position == "object" else ""
        of_en = f" of {prop}" if prop and position == "object" else ""
        about_fr = f" (ressource <{subject}>)" if subject and position != "subject" else ""
        about_en = f" (resource <{subject}>)" if subject and position != "subject" else ""
        return cls(
            f"{names_fr.get(position, position).capitalize()}{of_fr}{about_fr} contient le "
            f"caractère {char} au rang {offset + 1}, que XML 1.0 ne peut pas porter : chaque "
            "document XML où il serait écrit (RDF/XML, résultats SPARQL en XML, flux Atom, "
            "plan du site) serait illisible. Retirez-le.",
            f"{names_en.get(position, position).capitalize()}{of_en}{about_en} holds the "
            f"character {char} at position {offset + 1}, which XML 1.0 cannot carry: every XML "
            "document it would be written into (RDF/XML, SPARQL results in XML, the Atom feed, "
            "the sitemap) would be ill-formed. Remove it.",
            position=position,
            property=prop,
            subject=subject,
            character=char,
            offset=offset + 1,
        )


class ArticleError(BadRequest):
    """An article given to ``mediation ingest`` cannot be read as one; details hold the source,
    the line when known and the reason."""

    code = "article-unreadable"


class Forbidden(MediationError):
    status = 403
    code = "forbidden"


class Unauthorized(MediationError):
    status = 401
    code = "unauthorized"


class NotFound(MediationError):
    status = 404
    code = "not-found"


class Conflict(MediationError):
    """What a request would create exists already (an account, a token of that name)."""

    status = 409
    code = "conflict"


class TooManyRequests(MediationError):
    """A client address past its share: its query slots, or its rate of requests; details hold
    ``retry_after``, the seconds to wait (RFC 6585 §4)."""

    status = 429
    code = "too-many-requests"


class TooManyAttempts(TooManyRequests):
    """Too many wrong secrets in too little time (sign-ins, write tokens); details hold
    ``retry_after``, the seconds to wait."""

    code = "too-many-attempts"


class Gone(MediationError):
    status = 410
    code = "gone"


class NotAcceptable(MediationError):
    status = 406
    code = "not-acceptable"


class PayloadTooLarge(MediationError):
    status = 413
    code = "too-large"


class UnsupportedMediaType(MediationError):
    status = 415
    code = "unsupported-media-type"


class ValidationFailed(MediationError):
    """Data does not conform to the shapes; ``details['report']`` holds the report."""

    status = 422
    code = "validation-failed"


class QueryTimeout(MediationError):
    status = 503
    code = "query-timeout"


class QueryMemoryExceeded(MediationError):
    """A query needed more memory than a query process may take (``query_memory_bytes``): the
    process was stopped and replaced. 507 rather than 503: trying again will not help; the
    details hold ``limit``, in bytes."""

    status = 507
    code = "query-memory"


class Overloaded(MediationError):
    status = 503
    code = "overloaded"


class NotReady(MediationError):
    """What was asked for is being made and does not exist yet; ``details['retry_after']``
    says in how many seconds to ask again (sent as ``Retry-After``)."""

    status = 503
    code = "not-ready"


class StoreError(MediationError):
    """The store failed or could not be reached."""

    status = 502
    code = "store-error"


class StoreClosed(StoreError):
    """The store was closed (the service is stopping): what was asked of it is not done."""

    def __init__(self) -> None:
        super().__init__("Le magasin est fermé.", "The store is closed.")


class DiskFull(MediationError):
    """The disk beside the store is full (RFC 4918 §11.5): nothing the client did wrong, and
    nothing it can fix; the operator frees space, then restarts the service, whose embedded
    store refuses writes until it is reopened."""

    status = 507
    code = "insufficient-storage"


class FileMissing(MediationError):
    """A file the service serves is not on its disk although nothing replaced it (a dump of the
    served build deleted by hand, a disk fault): the server's fault, never the client's."""

    status = 500
    code = "file-missing"


class SourceError(MediationError):
    """An external source an import reads (files of an installed package) is missing or malformed."""

    status = 500
    code = "source-error"
