"""Drafts: what a publisher prepares with a form before it is published, kept in the accounts'
SQLite file, never in the store.

Why not the store: a draft must be visible to no one but its owner and the moderators, and
every public door of the service (pages, lists, search, the sitemap, SPARQL, the dumps, the
catalog, feeds, calendars) reads the store. Kept here, a draft cannot reach any of them. A
draft is the form's values as they were posted (input name → text) and the Turtle they made
when last saved (once published, the Turtle written); its life is ``draft`` → ``submitted``
→ ``returned`` (with the moderator's comment) or ``published``; ``withdrawn`` is its owner's
giving up on it, or a moderator's taking it off the site (the comment is then the reason).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import Conflict, NotFound

DRAFTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS draft (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account(id),
    kind TEXT NOT NULL,                -- a form's kind: event, organisation, …
    iri TEXT NOT NULL,                 -- the resource's IRI when last saved
    data TEXT NOT NULL,                -- the form's values, JSON: input name → text
    turtle TEXT NOT NULL,              -- what the values made when last saved
    status TEXT NOT NULL,              -- draft, submitted, returned, published, withdrawn
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    submitted TEXT,
    reviewed TEXT,
    reviewer INTEGER REFERENCES account(id),
    comment TEXT,                      -- the moderator's, when returned
    change TEXT,                       -- the history record of its publication
    edits TEXT                         -- the published resource it changes (none: a new one),
                                       -- as published when the draft was created
);
CREATE INDEX IF NOT EXISTS draft_account ON draft(account, updated);
CREATE INDEX IF NOT EXISTS draft_status ON draft(status, submitted);
"""

STATUSES = ("draft", "submitted", "returned", "published", "withdrawn")
#: Statuses whose draft its owner may still change (and submit).
EDITABLE = frozenset({"draft", "returned"})
#: Longest comment a moderator leaves.
MAX_COMMENT = 4000
DRAFT_STATUS_NAMES = {
    "draft": ("brouillon", "draft"),
    "submitted": ("proposé, en attente de relecture", "submitted, awaiting review"),
    "returned": ("renvoyé pour correction", "returned for changes"),
    "published": ("publié", "published"),
    "withdrawn": ("retiré", "withdrawn"),
}


@dataclass(frozen=True)
class FormDraft:
    id: int
    account: int
    kind: str
    iri: str
    data: dict[str, str]
    turtle: str
    status: str
    created: str
    updated: str
    submitted: str | None
    reviewed: str | None
    reviewer: int | None
    comment: str | None
    change: str | None
    edits: str | None = None

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


def status_name(status: str, lang: str) -> str:
    fr, en = DRAFT_STATUS_NAMES.get(status, (status, status))
    return en if lang == "en" else fr


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _no_draft(number: int) -> NotFound:
    return NotFound(f"Aucun brouillon n° {number}.", f"No draft number {number}.")


class Drafts:
    """The drafts of an accounts file (``accounts.drafts``): each change one transaction."""

    def __init__(self, accounts) -> None:
        self._accounts = accounts
        accounts._db().executescript(DRAFTS_SCHEMA)

    def _draft(self, row) -> FormDraft:
        values = dict(row)
        values["data"] = json.loads(values["data"])
        return FormDraft(**values)

    def get(self, number: int) -> FormDraft | None:
        row = self._accounts._db().execute("SELECT * FROM draft WHERE id = ?", (number,))
        found = row.fetchone()
        return self._draft(found) if found else None

    def of_account(self, account: int) -> list[FormDraft]:
        rows = self._accounts._db().execute(
            "SELECT * FROM draft WHERE account = ? ORDER BY updated DESC, id DESC", (account,)
        )
        return [self._draft(row) for row in rows]

    def submitted(self) -> list[FormDraft]:
        """The moderators' queue, oldest submission first."""
        rows = self._accounts._db().execute(
            "SELECT * FROM draft WHERE status = 'submitted' ORDER BY submitted, id"
        )
        return [self._draft(row) for row in rows]

    def recently_published(self, most: int = 50) -> list[FormDraft]:
        """The last drafts published, newest first (a moderator may withdraw them)."""
        rows = self._accounts._db().execute(
            "SELECT * FROM draft WHERE status = 'published' ORDER BY reviewed DESC, id DESC "
            "LIMIT ?",
            (most,),
        )
        return [self._draft(row) for row in rows]

    def create(
        self,
        account: int,
        kind: str,
        iri: str,
        data: dict[str, str],
        turtle: str,
        edits: str | None = None,
    ) -> FormDraft:
        """A new draft; ``edits``: the published resource it changes. Its ``created`` is to
        the microsecond: the published version an edit starts from is the one of that moment,
        and publishing it is refused if a write changed the resource since."""
        stamp = datetime.now(UTC).isoformat()
        values = json.dumps(data, ensure_ascii=False)
        with self._accounts._change() as db:
            cursor = db.execute(
                "INSERT INTO draft (account, kind, iri, data, turtle, status, created, updated, "
                "edits) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)",
                (account, kind, iri, values, turtle, stamp, stamp, edits),
            )
        found = self.get(cursor.lastrowid)
        assert found is not None
        return found

    def save(
        self, number: int, iri: str, data: dict[str, str], turtle: str, submit: bool = False
    ) -> FormDraft:
        """New values for an editable draft (and, with ``submit``, into the queue)."""
        stamp = _now()
        with self._accounts._change() as db:
            self._editable(db, number)
            db.execute(
                "UPDATE draft SET iri = ?, data = ?, turtle = ?, updated = ? WHERE id = ?",
                (iri, json.dumps(data, ensure_ascii=False), turtle, stamp, number),
            )
            if submit:
                db.execute(
                    "UPDATE draft SET status = 'submitted', submitted = ? WHERE id = ?",
                    (stamp, number),
                )
        return self._found(number)

    def decided(self, number: int, data: dict) -> FormDraft:
        """A moderator's decisions on the facts of a submitted draft (an ingested article's,
        whose values are its facts): the draft stays in the queue until it is published."""
        with self._accounts._change() as db:
            self._editable(db, number, also=("submitted",))
            db.execute(
                "UPDATE draft SET data = ?, updated = ? WHERE id = ?",
                (json.dumps(data, ensure_ascii=False), _now(), number),
            )
        return self._found(number)

    def returned(self, number: int, reviewer: int, comment: str) -> FormDraft:
        return self._reviewed(number, reviewer, "returned", comment[:MAX_COMMENT], None)

    def published(
        self, number: int, reviewer: int, iri: str, turtle: str, change: str | None
    ) -> FormDraft:
        """Published as ``turtle`` (what was written: a withdrawal removes it again)."""
        with self._accounts._change() as db:
            db.execute("UPDATE draft SET iri = ?, turtle = ? WHERE id = ?", (iri, turtle, number))
        return self._reviewed(number, reviewer, "published", None, change)

    def unpublished(self, number: int, reviewer: int, reason: str, change: str | None) -> FormDraft:
        """Withdrawn from publication by a moderator, for ``reason``."""
        stamp = _now()
        with self._accounts._change() as db:
            row = db.execute("SELECT status FROM draft WHERE id = ?", (number,)).fetchone()
            if row is None or row["status"] != "published":
                raise Conflict(
                    f"Le brouillon n° {number} n'est pas publié.",
                    f"Draft number {number} is not published.",
                )
            db.execute(
                "UPDATE draft SET status = 'withdrawn', reviewed = ?, reviewer = ?, comment = ?, "
                "change = ?, updated = ? WHERE id = ?",
                (stamp, reviewer, reason[:MAX_COMMENT], change, stamp, number),
            )
        return self._found(number)

    def withdrawn(self, number: int) -> FormDraft:
        with self._accounts._change() as db:
            self._editable(db, number, also=("submitted",))
            db.execute(
                "UPDATE draft SET status = 'withdrawn', updated = ? WHERE id = ?", (_now(), number)
            )
        return self._found(number)

    def _reviewed(
        self, number: int, reviewer: int, status: str, comment: str | None, change: str | None
    ) -> FormDraft:
        stamp = _now()
        with self._accounts._change() as db:
            self._editable(db, number, also=("submitted",))
            db.execute(
                "UPDATE draft SET status = ?, reviewed = ?, reviewer = ?, comment = ?, "
                "change = ?, updated = ? WHERE id = ?",
                (status, stamp, reviewer, comment, change, stamp, number),
            )
        return self._found(number)

    def _editable(self, db, number: int, also: tuple[str, ...] = ()) -> None:
        row = db.execute("SELECT status FROM draft WHERE id = ?", (number,)).fetchone()
        if row is None:
            raise _no_draft(number)
        if row["status"] not in EDITABLE | set(also):
            fr, en = DRAFT_STATUS_NAMES[row["status"]]
            raise Conflict(
                f"Le brouillon n° {number} est {fr} : il ne peut plus être changé ainsi.",
                f"FormDraft number {number} is {en}: it can no longer be changed this way.",
            )

    def _found(self, number: int) -> FormDraft:
        found = self.get(number)
        if found is None:
            raise _no_draft(number)
        return found
