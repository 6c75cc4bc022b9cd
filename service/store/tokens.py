"""SPARQL text read token by token, so that nothing inside a string, an IRI or a comment counts.

Two readings of the same text, each the cheapest for what it looks for; both cover the
whole text, so joining the tokens gives it back:

* :data:`BRACE_TOKEN`: strings, IRIs and comments whole, each brace alone, and the runs of
  text between them. Enough to find groups and blocks (``delta.py``'s DATA blocks, the
  ``VALUES`` blocks of ``portable.py``); long runs keep a 100,000-triple ``INSERT DATA``
  fast (``bench/store.py delta``).
* :data:`WORD_TOKEN`: the same, with the text between cut into words (named group
  ``word``) and the rest (``other``). For reading keywords and their terms (``dataset.py``).

Standard library only: the query workers import ``dataset.py``.
"""

from __future__ import annotations

import re

_STRINGS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n\r]|\\.)*"',  # short strings
    r"'(?:[^'\\\n\r]|\\.)*'",
)
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_COMMENT = r"#[^\n]*"

BRACE_TOKEN = re.compile(
    "|".join((*_STRINGS, _IRI, _COMMENT, r"[{}]", r"""[^"'<#{}]+""", r".")),
    re.S,
)
WORD_TOKEN = re.compile(
    rf"(?P<string>{'|'.join(_STRINGS)})"
    rf"|(?P<iri>{_IRI})"
    rf"|(?P<comment>{_COMMENT})"
    r"|(?P<brace>[{}])"
    r"|(?P<word>[^\s\"'<#{}()]+)"
    r"|(?P<other>\s+|.)",
    re.S,
)
