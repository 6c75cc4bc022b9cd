"""The ``mediation`` command.

Exit codes: 0 success (or data conforms), 1 the data does not conform or the
work failed, 2 usage error. Errors are printed in French and in English,
never as a traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .accounts import queue_draft, users_command
from .config import DEFAULT_BASE, SETTINGS, Config, load_config, local_today
from .errors import MediationError, NotReady
from .files import atomic_file, write_atomically
from .formats import DATASET_FORMATS, GRAPH_FORMATS
from .ingest import ingest_command
from .namespaces import is_absolute_iri

if TYPE_CHECKING:
    from .search import Index
    from .store import Store
    from .writes import ChangeLog


def settings_options(names: list[str] | None = None) -> Callable[[Callable], Callable]:
    """Click options for settings of the table, generated from it (all when ``names`` is None)."""

    def decorate(function: Callable) -> Callable:
        for setting in reversed(SETTINGS):
            if names is not None and setting.name not in names:
                continue
            shown = "(secret)" if setting.secret else repr(setting.default)
            function = click.option(
                setting.option,
                setting.name,
                default=None,
                help=f"{setting.help} [env {setting.env}; default {shown}]",
            )(function)
        return function

    return decorate


def config_from(options: dict[str, Any]) -> Config:
    try:
        return load_config(overrides=options)
    except MediationError as error:
        raise click.UsageError(error.bilingual()) from None


def fail(error: MediationError, code: int = 1) -> NoReturn:
    click.echo(error.bilingual(), err=True)
    sys.exit(code)


def quiet_rdflib() -> None:
    """rdflib logs a traceback for every ill-typed literal it reads ("bientôt"^^xsd:date);
    the validation report already names it, and a person never sees a traceback."""
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def existing(paths: tuple[Path, ...] | list[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise click.UsageError(f"Chemin introuvable : {path}\nNo such path: {path}")


def some_files(files: list[Path], given: tuple[Path, ...] | list[Path], default: str = "") -> None:
    if not files:
        where = ", ".join(str(p) for p in given) or default
        raise click.UsageError(f"Aucun fichier RDF dans {where}\nNo RDF file in {where}")


@contextmanager
def opened_store(config: Config, must_exist: bool) -> Iterator[Store]:
    """The configured store for a command, closed when the command ends; a store that cannot
    be opened ends the command with its error."""
    from .store import open_store

    try:
        store = open_store(config, workers=False, must_exist=must_exist)
    except MediationError as error:
        fail(error)
    try:
        yield store
    finally:
        store.close()


def lang_option(help: str) -> Callable[[Callable], Callable]:
    return click.option(
        "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help=help
    )


def output_option(help: str) -> Callable[[Callable], Callable]:
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Données liées de la médiation sociale — linked data of French social mediation."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@main.command("serve")
@settings_options()
def serve_command(**options: Any) -> None:
    """Start the service (pages, SPARQL endpoint, catalog) under a production WSGI server."""
    from .app import create_app, create_server
    from .store import open_store
    from .writes import ensure_seeded

    config = config_from(options)
    quiet_rdflib()  # a refused write is logged as one line (service.writes.publisher)
    try:
        store = open_store(config)
        loaded = ensure_seeded(store, config)
    except MediationError as error:
        fail(error)
        return
    if loaded:
        click.echo(f"Store vide : {loaded} quads chargés depuis ontology/, shapes/ et data/.")
        click.echo(f"Empty store: loaded {loaded} quads from ontology/, shapes/ and data/.")
    app = create_app(config, store)

    def stop(signum: int, frame: Any) -> None:  # close workers and the store cleanly
        store.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    root = f"http://{config.host}:{config.port}/"
    click.echo(f"Service prêt / ready: {root}")
    click.echo(f"SPARQL : {root}sparql · catalogue / catalog : {root}catalog")
    try:
        for label, path in latest_events(app.extensions["mediation"]["index"], config):
            click.echo(f"  {label} : {root}{path}")
    except NotReady:
        click.echo(
            "Index de recherche en construction : listes et recherche bientôt prêtes.\n"
            "Search index being built: lists and search will be ready soon."
        )
    try:
        create_server(app, config).run()
    finally:
        store.close()


def latest_events(index: Index, config: Config, count: int = 3) -> list[tuple[str, str]]:
    """The last days and series that took place, as (label, local path), for the start-up banner."""
    from .pages import home_events

    shown = []
    for item in home_events(index, local_today(config)).latest[:count]:
        labels = dict(item.labels)
        label = labels.get("fr") or next(iter(labels.values()), item.iri)
        if item.iri.startswith(config.base_url):
            shown.append(
                (f"{item.date_value or ''} {label}".strip(), item.iri[len(config.base_url) :])
            )
    return shown


@main.command("settings")
def settings_command() -> None:
    """Print the settings table (name, option, environment variable, default, help) in Markdown."""
    from .config import settings_table

    click.echo(settings_table(), nl=False)


@main.command("territories")
@click.option(
    "--select",
    "selection",
    type=click.Choice(["seed"]),
    default=None,
    help="Named selection: 'seed', the territories the seed article names, with their "
    "départements and régions.",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every commune, département, région, overseas territory and EPCI of the source.",
)
@click.option(
    "--format",
    "format_key",
    default=None,
    type=click.Choice([f.key for f in GRAPH_FORMATS + DATASET_FORMATS]),
    help="Output format (default: from the --output extension, else turtle); trig and nquads "
    "put the triples in the graph {base}graph/territories. For --all, nt and nquads are "
    "written in seconds, turtle and trig in minutes.",
)
@output_option("File to write (replaced whole, only on success). Default: standard output.")
@click.option(
    "--date",
    "created",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Day of generation, recorded as dct:created of the graph (default: today). "
    "Give the committed file's to reproduce it exactly.",
)
@click.option(
    "--source",
    "source_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Installed @etalab/decoupage-administratif package "
    "(default: sources/territories/node_modules/@etalab/decoupage-administratif).",
)
@settings_options(["base_url"])
def territories_command(
    selection: str | None,
    everything: bool,
    format_key: str,
    output: Path | None,
    created: Any,
    source_dir: Path | None,
    **options: Any,
) -> None:
    """Territoires administratifs français en RDF — French territories as RDF, from Etalab's package.

    Reads the installed npm package only (npm ci --prefix sources/territories); never the network.
    """
    from .formats import BY_FILE_EXTENSION, BY_KEY, TURTLE
    from .seed import import_territories, serialize_territories
    from .territories import DEFAULT_SOURCE

    if bool(selection) == everything:
        raise click.UsageError(
            "Choisissez --select seed ou --all (l'un des deux).\nChoose --select seed or --all (one of them)."
        )
    config = config_from(options)
    command = ["mediation", "territories", "--all" if everything else f"--select {selection}"]
    if format_key:
        command.append(f"--format {format_key}")
    else:
        by_extension = BY_FILE_EXTENSION.get(output.suffix.lower()) if output else None
        format_key = by_extension.key if by_extension else TURTLE.key
    if config.base_url != DEFAULT_BASE:
        command.append(f"--base-url {config.base_url}")
    if output is not None:
        command.append(f"--output {output}")
    try:
        result = import_territories(
            None if everything else selection,
            source_dir or DEFAULT_SOURCE,
            config.base_url,
            " ".join(command),
            created.date() if created else None,
        )
        body, triples = serialize_territories(result, BY_KEY[format_key])
    except MediationError as error:
        fail(error)
        return
    if output is None:
        click.echo(body, nl=False)
    else:
        write_output(output, body)
    click.echo(
        f"{result.count} territoires, {triples} triplets.\n"
        f"{result.count} territories, {triples} triples.",
        err=True,
    )


@main.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@lang_option("Language of the report.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a readable report; json: the SHACL report as JSON-LD.",
)
@click.option(
    "--shapes",
    "extra_shapes",
    multiple=True,
    type=click.Path(path_type=Path),
    help="More shape files or folders, added to shapes/ (e.g. shapes/search-engines). Repeatable.",
)
def validate_command(
    paths: tuple[Path, ...], lang: str, output_format: str, extra_shapes: tuple[Path, ...]
) -> None:
    """Valider les données — validate data against the shapes.

    Validates data/ (or the files and folders given) against the shapes of shapes/, with
    ontology/ as context. Exit 0 when the data conforms, 1 when it does not (or a file does
    not parse), 2 for a usage error. Nothing is written.
    """
    from rdflib import Graph

    from .config import PROJECT_ROOT
    from .rdfio import parse_file
    from .seed import rdf_files
    from .validation import ONTOLOGY_DIR, core_shape_files, project_validator

    quiet_rdflib()
    existing((*paths, *extra_shapes))
    data_files = rdf_files(list(paths) or [PROJECT_ROOT / "data"])
    shape_files = core_shape_files() + rdf_files(list(extra_shapes))
    for files, given in ((data_files, paths), (shape_files, extra_shapes)):
        some_files(files, given, "data/")

    def shown(path: Path) -> str:
        """A file as the person knows it: as given, or relative to the project."""
        try:
            return str(path.resolve().relative_to(PROJECT_ROOT)) if not paths else str(path)
        except ValueError:
            return str(path)

    try:
        data = Graph()
        for path in data_files:
            parse_file(path, name=shown(path), into=data)
        validator = project_validator(shape_files, [ONTOLOGY_DIR])
        report = validator.validate(data)
    except MediationError as error:
        fail(error)
        return
    click.echo(report.to_jsonld() if output_format == "json" else report.to_text(lang), nl=False)
    sys.exit(0 if report.conforms else 1)


STORE_SETTINGS = [
    "store",
    "base_url",
    "remote_query_url",
    "remote_update_url",
    "remote_user",
    "remote_password",
]


main.add_command(users_command(settings_options, config_from))
main.add_command(ingest_command(settings_options, config_from, queue_draft))


@main.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    help="Graph to load into (an IRI). Default: {base}graph/{file stem} for each file; "
    "TriG and N-Quads keep their own graphs (--graph then takes their default graph).",
)
@click.option(
    "--replace", is_flag=True, help="Replace each graph whole (atomically) instead of adding to it."
)
@click.option(
    "--agent",
    default=None,
    help="Name the history records the load under (default: your login name).",
)
@lang_option("Language of the validation reports.")
@settings_options(
    STORE_SETTINGS
    + [
        "record_history",
        "index_path",
        "changes_path",
        "bulk_load_after",
        "load_workers",
        "load_validator",
    ]
)
def load_command(
    paths: tuple[Path, ...],
    graph_iri: str | None,
    replace: bool,
    agent: str | None,
    lang: str,
    **options: Any,
) -> None:
    """Charger des fichiers RDF — load RDF files and folders into the store.

    Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML (gzipped too), by extension and by
    content when the extension lies. Each file is validated with the shapes against what
    the store already holds, then lands whole, or not at all (its report is printed), and
    is recorded in the history. An export of a store (`mediation export`: it carries the
    history graph) is restored exactly instead: every write in it was validated when it was
    made, and validating it again against today's shapes would make a backup unrestorable
    once the shapes change. The vocabulary's, the shapes' and the history's graphs may be
    loaded here (the operator's command), never over HTTP. Exit 0 when every file landed,
    1 when one was refused or failed, 2 for a usage error.
    """
    import getpass

    from rdflib import URIRef

    from .writes import open_changelog, source_files

    quiet_rdflib()
    existing(paths)
    files = source_files(list(paths))
    some_files(files, paths)
    config = config_from(options)
    target = None
    if graph_iri is not None:
        if not is_absolute_iri(graph_iri):
            raise click.UsageError(
                f"--graph doit être une IRI absolue : {graph_iri!r}\n"
                f"--graph must be an absolute IRI: {graph_iri!r}"
            )
        target = URIRef(graph_iri)
    writer = agent or getpass.getuser() or "operator"
    with opened_store(config, must_exist=False) as store:
        try:
            # Kept in step with the loads (a server opening the store later would catch up).
            changelog = open_changelog(store, config)
        except MediationError as error:
            fail(error)
        try:
            failures = _load(store, changelog, config, files, target, replace, writer, lang)
        finally:
            changelog.close()
    sys.exit(1 if failures else 0)


def _load(
    store: Store,
    changelog: ChangeLog,
    config: Config,
    files: list[Path],
    target: Any,
    replace: bool,
    writer: str,
    lang: str,
) -> int:
    """Land each file (or group of files, with ``replace``) by one write; the failures."""
    from . import writes
    from .search import Index, index_path

    failures = 0
    index = None
    located = index_path(config)
    if located.exists():
        candidate = Index(located, config.base_url, config.languages)
        index = candidate if candidate.is_current(store) else None
    publisher = writes.Publisher(store, config, index, changelog)
    sources = []
    for path in files:
        big = None if replace else writes.bulk_file(store, config, path, target)
        if big is not None:
            click.echo(f"{path} : {big.count} quads, chargement en bloc / bulk load", err=True)
            try:
                done = writes.load_in_bulk(store, config, big, publisher.rules, writer, changelog)
                click.echo(f"{path} : {done.summary()}", err=True)
            except MediationError as error:
                failures += 1
                click.echo(f"{path}\n{error.message(lang)}", err=True)
            publisher.index = None  # left stale by the bulk load, rebuilt later whole
            continue
        try:
            sources.append(writes.read_source(path, config.base_url, target))
        except MediationError as error:
            failures += 1
            click.echo(error.message(lang), err=True)
    if replace:
        sources = writes.group_for_replace(sources)
    with click.progressbar(
        sources,
        label="Chargement / loading",
        file=sys.stderr,
        item_show_func=lambda s: s.name if s else "",
    ) as bar:
        for source in bar:
            try:
                outcome = publisher.write(
                    writes.load_changes(source, replace),
                    agent=writer,
                    operation=f"mediation load {' '.join(p.name for p in source.paths)}",
                    allow_protected=True,
                    record=False if source.carries_history else None,
                    validate=not source.carries_history,
                )
            except MediationError as error:
                failures += 1
                click.echo(f"\n{source.name}", err=True)
                click.echo(error.message(lang), err=True)
                continue
            restored = "restauration d'un export, tel quel / restoring an export as it is, "
            warned = outcome.report.counts()["warning"] if outcome.report else 0
            said = restored * source.carries_history + f"+{outcome.added} −{outcome.removed} quads"
            said += f", {warned} avertissement(s) / warning(s)" if warned else ""
            click.echo(f"\n{source.name} : {said}", err=True)
    return failures


@main.command("export")
@click.option(
    "--format",
    "format_key",
    type=click.Choice(["nquads", "trig"]),
    default=None,
    help="Dataset format (default: from the --output extension, else nquads).",
)
@output_option("File to write (replaced whole, only on success). Default: standard output.")
@click.option(
    "--gzip",
    "compress",
    is_flag=True,
    help="Compress with gzip (implied by an --output ending in .gz).",
)
@settings_options(STORE_SETTINGS)
def export_command(
    format_key: str | None, output: Path | None, compress: bool, **options: Any
) -> None:
    """Exporter le magasin — write the whole store (every graph, the history included) as
    N-Quads or TriG. `mediation load` of the file restores it exactly."""
    from .formats import BY_FILE_EXTENSION, BY_KEY, NQUADS

    compress = compress or (output is not None and output.suffix == ".gz")
    if format_key is None and output is not None:
        plain = output.with_suffix("") if output.suffix == ".gz" else output
        found = BY_FILE_EXTENSION.get(plain.suffix.lower())
        format_key = found.key if found is not None and found.key in ("nquads", "trig") else None
    fmt = BY_KEY[format_key] if format_key else NQUADS
    config = config_from(options)
    with opened_store(config, must_exist=True) as store:
        _export(store, output, compress, fmt)


def _export(store: Store, output: Path | None, compress: bool, fmt: Any) -> None:
    import gzip
    import shutil
    import tempfile

    # Streamed to disk, never held in memory (a store of millions of quads): into a file
    # beside the output, renamed once whole; for standard output, into a temporary file
    # copied out once the dump succeeded, so that a failed export writes nothing.
    try:
        with atomic_file(output) if output is not None else tempfile.TemporaryFile() as raw:
            if compress:
                with gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as packed:
                    store.dump(packed, fmt)
            else:
                store.dump(raw, fmt)
            if output is None:
                raw.seek(0)
                shutil.copyfileobj(raw, sys.stdout.buffer)
                sys.stdout.buffer.flush()
    except MediationError as error:
        fail(error)
    except OSError as error:
        fail(MediationError(f"Écriture impossible : {error}", f"Cannot write: {error}"))


@main.command("reindex")
@settings_options(STORE_SETTINGS + ["index_path", "languages", "index_build_makers"])
def reindex_command(**options: Any) -> None:
    """Reconstruire l'index de recherche — rebuild the search index (lists, facets, full text,
    incoming links) from the store, in place, the store not in use. `serve` builds a missing
    or stale index itself in the background; before serving a large store, this makes lists
    answer from the start."""
    import time

    from .search import Index, index_path

    config = config_from(options)
    with opened_store(config, must_exist=True) as store:
        try:
            started = time.monotonic()
            index = Index(index_path(config), config.base_url, config.languages)
            count = index.build(store, makers=config.index_build_makers)
        except MediationError as error:
            fail(error)
    seconds = time.monotonic() - started
    click.echo(
        f"{count} ressources indexées en {seconds:.0f} s dans {index.path}.\n"
        f"{count} resources indexed in {seconds:.0f} s in {index.path}."
    )


def write_output(path: Path, body: bytes) -> None:
    """Write a whole file or nothing; a file that cannot be written is a clear error."""
    try:
        write_atomically(path, body)
    except OSError as exc:
        fail(
            MediationError(f"Écriture impossible de {path} : {exc}", f"Cannot write {path}: {exc}")
        )


if __name__ == "__main__":  # pragma: no cover
    main()
