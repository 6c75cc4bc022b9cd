"""``mediation ingest``: an article a curator has, into a draft and a report; with
``--draft-for LOGIN``, into the moderators' queue as that account's draft.

Made by :func:`ingest_command` with the command line's own settings options and, for the
queue, a function of the accounts (``cli`` hands it over: this wing knows no accounts).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..config import Config
from ..errors import MediationError
from ..files import write_atomically
from .reading.record import SOURCE_KINDS
from .reconcile import Reference, project_reference
from .review import review_record
from .stages import ingest, report_text, serialize_draft

#: Queue a reviewed draft: (config, login, kind, IRI, values, Turtle) → the draft's number.
Queue = Callable[[Config, str, str, str, dict, str], int]

#: The exit code of a draft written but incomplete: what the source does not say is to complete.
INCOMPLETE = 3

_QUEUED = (
    "Brouillon n° {n} dans la file de relecture, pour {login} : /publish/articles/{n}",
    "Draft number {n} in the review queue, for {login}: /publish/articles/{n}",
)


def ingest_command(
    settings_options: Callable[[list[str]], Callable],
    config_from: Callable[[dict], Config],
    queue: Queue,
) -> click.Command:
    """The ``ingest`` command, its settings options made by ``settings_options`` and read by
    ``config_from``; ``queue`` puts a draft in the accounts' review queue."""

    @click.command("ingest")
    @click.argument("source", type=click.Path(path_type=Path))
    @click.option(
        "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
        help="Language of the report.",
    )  # fmt: skip
    @click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="File to write the draft to (whole, only when it conforms or lacks only what the "
        "source does not say). Default: standard output, and the report goes to standard error.",
    )  # fmt: skip
    @click.option(
        "--format", "format_key", type=click.Choice(["turtle", "trig", "jsonld"]),
        default="turtle", show_default=True,
        help="Format of the draft; trig puts it in its named graph.",
    )  # fmt: skip
    @click.option(
        "--kind", type=click.Choice(SOURCE_KINDS), default=None,
        help="What the source is (default: guessed from its name and text): a saved web page, "
        "the seed's export, Markdown or plain text.",
    )  # fmt: skip
    @click.option(
        "--graph", "graph_name", default=None,
        help="Name of the draft's graph, {base}graph/NAME (default: the output file's stem, "
        "else brouillon-{article}).",
    )  # fmt: skip
    @click.option(
        "--encoding", default=None,
        help="Encoding of the source when it is not UTF-8 (e.g. cp1252, latin-1).",
    )  # fmt: skip
    @click.option(
        "--use-store", is_flag=True,
        help="Also reconcile with the resources of the configured store (--store, or "
        "--remote-query-url), read only.",
    )  # fmt: skip
    @click.option(
        "--draft-for", "draft_for", metavar="LOGIN", default=None,
        help="Also put the draft in the moderators' review queue (accounts.sqlite beside the "
        "store), as a draft of that account: each fact to accept, correct or drop at "
        "/publish/articles/N before anything is published.",
    )  # fmt: skip
    @settings_options(
        ["base_url", "max_article_bytes", "store", "accounts_path", "remote_query_url",
         "remote_user", "remote_password"]
    )  # fmt: skip
    def ingest_command(
        source: Path,
        lang: str,
        output: Path | None,
        format_key: str,
        kind: str | None,
        graph_name: str | None,
        encoding: str | None,
        use_store: bool,
        draft_for: str | None,
        **options: Any,
    ) -> None:
        """Article en données — turn a news article into a draft graph.

        Reads a saved web page (its main text and metadata), Markdown, plain text, or the
        seed's export layout; reconciles what it names with ontology/ and data/ (and the store
        with --use-store), validates the draft against the shapes, writes it, then prints the
        report. Exit 0 when the draft conforms (warnings allowed); 3 when it is written but
        lacks only what the source does not say (address, publication date, title: to
        complete); 1 when the source cannot become a draft; 2 for a usage error. Nothing is
        fetched: the article's addresses are read, never followed.
        """

        if not source.exists():
            raise click.UsageError(f"Fichier introuvable : {source}\nNo such file: {source}")
        if source.is_dir():
            raise click.UsageError(
                f"{source} est un dossier, pas un fichier.\n{source} is a folder, not a file."
            )
        config = config_from(options)
        stores = []
        try:
            if use_store:
                from ..store import open_store

                stores.append(open_store(config, workers=False, must_exist=True))
            reference = Reference([project_reference(config.base_url)], stores)
            result = ingest(
                source,
                reference=reference,
                base_url=config.base_url,
                max_bytes=config.max_article_bytes,
                encoding=encoding,
                graph_name=graph_name or (output.stem if output is not None else None),
                kind=kind,
                validator=config.write_validator,
            )
        except MediationError as error:
            click.echo(error.message(lang), err=True)
            sys.exit(1)
        finally:
            for store in stores:
                store.close()
        report = report_text(result, lang, str(output) if output is not None else None)
        if not (result.conforms or result.incomplete):
            click.echo(report, err=output is None, nl=False)
            sys.exit(1)
        body = serialize_draft(result.draft.graph, format_key, source.name)
        queued = None
        if draft_for:
            record = review_record(result.draft, source.name)
            turtle = result.draft.graph.serialize(format="turtle")
            try:
                queued = queue(
                    config, draft_for, "ingested", str(result.draft.article), record, turtle
                )
            except MediationError as error:
                click.echo(error.message(lang), err=True)
                sys.exit(1)
        if output is None:
            click.echo(body.decode("utf-8"), nl=False)
        else:
            try:
                write_atomically(output, body)
            except OSError as exc:
                click.echo(
                    f"Écriture impossible de {output} : {exc}\nCannot write {output}: {exc}",
                    err=True,
                )
                sys.exit(1)
        click.echo(report, err=output is None, nl=False)
        if queued is not None:
            said = _QUEUED[1] if lang == "en" else _QUEUED[0]
            click.echo(said.format(n=queued, login=draft_for), err=output is None)
        if not result.conforms:
            sys.exit(INCOMPLETE)

    return ingest_command
