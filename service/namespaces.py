"""The IRIs the project mints and the vocabularies it reuses.

Every IRI of ours lives under one canonical base (``base_url``, by default the
persistent ``https://w3id.org/mediation-sociale/``). The files in ``ontology/``,
``shapes/`` and ``data/`` are written under the default base; :func:`rebase`
moves them under another one when an operator configures it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

from .config import DEFAULT_BASE

BASE = Namespace(DEFAULT_BASE)

#: Our vocabulary (hash namespace: the whole vocabulary is one document).
MED = Namespace(DEFAULT_BASE + "def#")
#: Our SHACL shapes.
MEDSH = Namespace(DEFAULT_BASE + "shapes#")

#: schema.org, in the https namespace used by its release files and by rdflib.
SDO = Namespace("https://schema.org/")

ID = Namespace(DEFAULT_BASE + "id/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")

#: INSEE's geographic ontology and identifiers.
IGEO = Namespace("http://rdf.insee.fr/def/geo#")

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: The licence of the data: Etalab's Licence Ouverte 2.0 (compatible with CC BY 4.0).
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")

#: Prefixes used in every serialisation and in the query editor.
PREFIXES: dict[str, str] = {
    "schema": str(SDO),
    "med": str(MED),
    "medsh": str(MEDSH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "sh": str(SH),
    "dcat": str(DCAT),
    "void": str(VOID),
    "igeo": str(IGEO),
    "dqv": str(DQV),
    "oa": str(OA),
}

#: Characters no IRI holds (RFC 3987 §2.2): controls, space, ``<>"{}|\^`` and DEL. (Bytes
#: that are not UTF-8 stay percent-encoded in what Werkzeug gives, which is an IRI.)
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def is_absolute_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI the store can hold: what every door (routes, the
    CLI) asks of an IRI it is given before it reaches the store."""
    return iri_problem(text) is None


def iri_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute IRI (RFC 3987, as Oxigraph reads it: a scheme, no
    character an IRI cannot hold, no U+FFFD left where Werkzeug met bytes that are not UTF-8,
    well-formed percent-escapes), in English; None when it is one."""
    if not urlsplit(text).scheme:
        return "no scheme (not an absolute IRI)"
    bad = NOT_IN_IRI.search(text)
    if bad is not None:
        return f"character {bad.group(0)!r} at position {bad.start() + 1}"
    try:
        ox.NamedNode(text)
    except ValueError as error:
        return printable(str(error))
    return None


def printable(text: str) -> str:
    """``text`` with its control characters, lone surrogates and noncharacters written as
    escapes, to be quoted in a message (a surrogate cannot even be encoded as UTF-8)."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


#: The schemes an HTML page makes a link of: a ``javascript:`` or ``data:`` IRI is data, shown
#: as text, never something a click runs (https://url.spec.whatwg.org/#special-scheme).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_link(iri: object) -> bool:
    """Whether an IRI may become a link in a page: ``http``, ``https`` or ``mailto``, read as a
    browser reads it (leading spaces and controls, tabs and newlines inside the scheme are
    dropped by the URL parser, so ``java\tscript:`` is ``javascript:``)."""
    text = _URL_IGNORED.sub("", str(iri).strip("\x00- "))
    scheme, colon, _ = text.partition(":")
    return bool(colon) and scheme.lower() in LINK_SCHEMES


_URL_IGNORED = re.compile(r"[\t\n\r]")

#: Characters XML 1.0 cannot carry, even escaped (https://www.w3.org/TR/xml/#charsets): the
#: controls but tab, newline and carriage return, the surrogates, U+FFFE and U+FFFF. A literal
#: or an IRI holding one would make every XML document it is written into ill-formed (RDF/XML,
#: SPARQL XML results, Atom, the sitemap), so writes refuse them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def not_in_xml(text: str) -> int | None:
    """The position (from 0) of the first character XML 1.0 cannot carry in ``text``, or None."""
    found = NOT_IN_XML.search(text)
    return None if found is None else found.start()


#: The same in UTF-8 (a surrogate has no UTF-8 form): controls, U+FFFE, U+FFFF.
NOT_IN_XML_UTF8 = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


__all__ = [
    "LINK_SCHEMES",
    "NOT_IN_IRI",
    "NOT_IN_XML",
    "NOT_IN_XML_UTF8",
    "is_absolute_iri",
    "iri_problem",
    "printable",
    "is_link",
    "not_in_xml",
    "ADMS",
    "AS",
    "BASE",
    "DCAT",
    "DCTERMS",
    "DQV",
    "FOAF",
    "GRAPH",
    "HYDRA",
    "ID",
    "IGEO",
    "MED",
    "LICENCE",
    "MEDSH",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SD",
    "SDO",
    "SH",
    "SKOS",
    "SPDX",
    "VCARD",
    "VOID",
    "XSD",
    "document_of",
    "is_ours",
    "is_persistent",
    "rebase",
]


#: Documents under the default base that stay there whatever ``base_url`` is: the
#: vocabulary and the shapes are persistent identifiers, named by the code (``MED``, ``MEDSH``).
PERSISTENT = ("def", "shapes")


def is_persistent(path: str) -> bool:
    """Whether a path under the base (``def#Event``, ``shapes``) names the vocabulary or
    the shapes."""
    return any(
        path == name or path.startswith((name + "#", name + "/", name + ".")) for name in PERSISTENT
    )


def rebase(iri: str, base_url: str) -> str:
    """Move an IRI minted under the default base to ``base_url``; others are unchanged.

    The vocabulary's and the shapes' IRIs (:func:`is_persistent`) never move."""
    if base_url != DEFAULT_BASE and iri.startswith(DEFAULT_BASE):
        path = iri[len(DEFAULT_BASE) :]
        if not is_persistent(path):
            return base_url + path
    return iri


def is_ours(iri: URIRef | str, base_url: str = DEFAULT_BASE) -> bool:
    return str(iri).startswith(base_url)


def document_of(iri: str | URIRef) -> URIRef:
    """The document a (hash) IRI belongs to: ``{event}#role-1`` → ``{event}``."""
    return URIRef(str(iri).split("#", 1)[0])
