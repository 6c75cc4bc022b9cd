"""Articles into data: an article a curator has (a saved web page, Markdown, plain text, the
seed's export) becomes a draft graph, then facts a person reviews.

Three stages, imported in this order only (each knows the ones above it, none the
ones below):

1. **Reading** (:mod:`.reading`, a package: :func:`read_article`, :func:`extract`):
   the file is checked (size, text, encoding), parsed as CommonMark, and the facts
   are read from it as an :class:`Extracted` record, one module per kind of fact.
   What cannot be read becomes a :class:`Problem` with its line and what was expected.
2. **Reconciling** (:mod:`.reconcile`: :class:`Reference`): names and addresses are
   matched with what the project's data (``ontology/``, ``data/``) and, on request,
   the store already hold, so the draft uses the same IRIs where the facts match.
   Matching is by identity only; nothing is matched by resemblance.
3. **Building** (:mod:`.draft`, a package: :func:`build`): the draft graph, in the
   model of the curated data, with its data-quality notes and its provenance, one
   module per part of the draft.

:mod:`.stages` runs them (:func:`ingest`: file → validated draft; :func:`ingest_text`: the
same from a text) and says what happened (:func:`report_text`, :func:`serialize_draft`);
:mod:`.review` turns a draft into facts a person accepts, corrects or drops; :mod:`.command`
is ``mediation ingest``. This module is the package's public API.

No Flask here, no network: the article's addresses are read, never fetched.
"""

from __future__ import annotations

from .command import ingest_command
from .draft import build
from .draft.builder import Draft
from .known import Known
from .reading import SOURCE_KINDS, Passage, Text, extract, read_any, source_kind
from .reading.dates import parse_date
from .reading.decoding import decode_article, read_article
from .reading.facts import Facts, read_facts
from .reading.platforms import TWITTER, snowflake_instant
from .reading.record import Extracted, Problem
from .reconcile import Reference, project_reference
from .review import (
    DECISIONS,
    decide,
    passage_of,
    pending,
    review_record,
    reviewed_graph,
    value_of,
)
from .stages import (
    REPORT_KINDS,
    TO_COMPLETE,
    Ingestion,
    ingest,
    ingest_text,
    report_text,
    serialize_draft,
    validation_data,
)

__all__ = [
    "decode_article",
    "ingest_command",
    "DECISIONS",
    "decide",
    "passage_of",
    "pending",
    "review_record",
    "reviewed_graph",
    "value_of",
    "REPORT_KINDS",
    "SOURCE_KINDS",
    "TO_COMPLETE",
    "TWITTER",
    "Draft",
    "Extracted",
    "Facts",
    "Ingestion",
    "Known",
    "Passage",
    "Problem",
    "Reference",
    "Text",
    "build",
    "extract",
    "ingest",
    "ingest_text",
    "parse_date",
    "project_reference",
    "read_article",
    "read_facts",
    "read_any",
    "report_text",
    "serialize_draft",
    "snowflake_instant",
    "source_kind",
    "validation_data",
]
