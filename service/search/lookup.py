"""Finding an existing resource by what is being typed in a field, closest names first.

A field that links to an organisation, a person, a place or a theme, and the name of a new
one, search the names in the index as one types (:meth:`~.reads.IndexReads.search` with the
last word as a prefix, in the names only: names, alternate names, the names of its types,
acronyms, the domains of web and e-mail addresses, see :mod:`.text`): a description that
mentions France Médiation does not make its resource a France Médiation. bm25 ranks a row by all its text, so a long-described resource whose name is
exactly what was typed may come after a short one that merely shares the words: here the
rows whose name is what was typed come first, then those whose name starts with it, then
the rest in the search's order.
"""

from __future__ import annotations

from .queries import Filters, Item
from .reads import IndexReads
from .text import name_key

#: How close a row's names are to what was typed: the same name, a name that starts with it.
SAME, STARTS, OTHER = 0, 1, 2


def closeness(item: Item, typed: str) -> int:
    """:data:`SAME`, :data:`STARTS` or :data:`OTHER`, by the row's closest name."""
    wanted = name_key(typed)
    if not wanted:
        return OTHER
    names = [name_key(text) for _, text in item.labels]
    if wanted in names:
        return SAME
    if any(name.startswith(wanted) for name in names):
        return STARTS
    return OTHER


def find_existing(
    index: IndexReads, typed: str, filters: Filters | None = None, limit: int = 60
) -> list[Item]:
    """The rows matching ``typed`` as it is being typed, closest names first (a sort that
    keeps the search's order among equals)."""
    page, _, _ = index.search(
        typed, filters or Filters(), limit=limit, prefix=True, names_only=True
    )
    return sorted(page.items, key=lambda item: closeness(item, typed))
