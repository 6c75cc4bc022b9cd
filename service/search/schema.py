"""The layout of the index file: its SQLite tables, and the version that names the layout.

One row per resource in ``resource``, its facets and dependencies as integers that name
IRIs in ``term``, its words in the FTS5 table ``text``, counts kept by every write in
``tally`` and ``link_count``, and the incoming links of our documents in ``link``. The
comments of :data:`SCHEMA_SQL` say what each table is for.
"""

from __future__ import annotations

#: Bumped when the layout or the way rows are built changes: an older index is rebuilt.
SCHEMA_VERSION = "12"

#: The index's file name in the store's folder (unless ``index_path`` is set).
INDEX_FILE = "index.sqlite"

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- A row's id orders it for search: tier, length, sequence (``records.row_order``).
CREATE TABLE IF NOT EXISTS resource (
    id INTEGER PRIMARY KEY,
    iri TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subkind TEXT NOT NULL DEFAULT '',
    sort_label TEXT NOT NULL,
    labels TEXT NOT NULL,
    descriptions TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '[]',
    date_value TEXT,
    date_precision TEXT,
    start_day TEXT,
    end_day TEXT,
    end_value TEXT,
    sort_date TEXT NOT NULL DEFAULT '',
    top INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS resource_label ON resource (kind, sort_label, iri);
CREATE INDEX IF NOT EXISTS resource_date ON resource (kind, sort_date, iri);
CREATE INDEX IF NOT EXISTS resource_end ON resource (kind, end_day);
-- Days and series, newest first, without their sessions (the home page's lists).
CREATE INDEX IF NOT EXISTS resource_top ON resource (kind, top, sort_date, iri);
-- IRIs (and years) that facets and dependencies name, stored once: the tables below hold
-- integers, which keeps the index about the size of the store instead of twice it.
CREATE TABLE IF NOT EXISTS term (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS facet (
    facet TEXT NOT NULL, value INTEGER NOT NULL, id INTEGER NOT NULL,
    PRIMARY KEY (facet, value, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facet_id ON facet (id, facet);
CREATE TABLE IF NOT EXISTS dep (
    term INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (term, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dep_id ON dep (id);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5(
    label, body, context, tokenize = 'unicode61 remove_diacritics 2'
);
-- How many rows each facet value has, per kind (and sub-kind), kept by every insert and
-- delete: what an unfiltered list, its facets and the home page's figures count, read in
-- a few rows whatever the size of the store. Levels: (kind, ''), (kind, subkind) and
-- ('*', '') for all kinds; facet '*' value '*' is the level's total, 'month' the start
-- months (rows dated to the month or the day), 'coarse' the rows dated by a year only.
CREATE TABLE IF NOT EXISTS tally (
    kind TEXT NOT NULL, subkind TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    n INTEGER NOT NULL, PRIMARY KEY (kind, subkind, facet, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tally_top ON tally (kind, subkind, facet, n);
-- Incoming links: every triple whose subject is an IRI and whose object is a document of
-- ours ({base}…, no fragment), in the union of the graphs, by object, property and linking
-- IRI (the order pages are read in, by key), and their number per object and property.
CREATE TABLE IF NOT EXISTS link (
    object INTEGER NOT NULL, property INTEGER NOT NULL, subject TEXT NOT NULL,
    PRIMARY KEY (object, property, subject)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_subject ON link (subject);
CREATE TABLE IF NOT EXISTS link_count (
    object INTEGER NOT NULL, property INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (object, property)
) WITHOUT ROWID;
"""

#: Every table of the index (emptied before a build).
TABLES = ("resource", "facet", "dep", "term", "text", "meta", "tally", "link", "link_count")
