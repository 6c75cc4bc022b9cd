"""What XML cannot carry, refused at the write.

One character XML 1.0 cannot carry (a control character, a surrogate, U+FFFE) in a name makes
every XML document it is written into ill-formed — the RDF/XML of a page, of ``/graphs`` or of
a dump, SPARQL results in XML, the Atom feed — while its status says 200; no escape exists for
it in XML 1.0 (https://www.w3.org/TR/xml/#charsets). So every write refuses it (400, the
character, the term's place and its property named): the publisher checks each change it is
given (SPARQL Update, the Graph Store Protocol, the forms, ``mediation load``), uploads are
checked as soon as they are read (before the store is asked about them: Oxigraph cannot hold a
surrogate), and the bulk loader's scan checks what it reads (``EmbeddedStore.scan``). What is
removed is not checked: a bad term already in the store can be taken out.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal

from ..errors import UnwritableText
from ..namespaces import not_in_xml
from ..store import Quad

#: The places of a quad's terms, as the refusal names them.
POSITIONS = ("subject", "predicate", "object", "graph")


def check_characters(quads: Iterable[Quad]) -> None:
    """Refuse (UnwritableText, 400) the first term of ``quads`` that holds a character XML 1.0
    cannot carry: an IRI, a literal's text, its datatype or its language tag."""
    for quad in quads:
        for position, term in zip(POSITIONS, quad, strict=True):
            if term is None:
                continue
            texts = [(position, str(term))]
            if isinstance(term, Literal):
                texts += [("datatype", str(term.datatype or "")), ("language", term.language or "")]
            for where, text in texts:
                offset = not_in_xml(text)
                if offset is not None:
                    raise UnwritableText.at(where, text, offset, str(quad[0]), str(quad[1]))


__all__ = ["check_characters"]
