"""The ``mediation`` command.

Exit codes: 0 success (or data conforms), 1 the data does not conform or the
work failed, 2 usage error. Errors are printed in French and in English,
never as a traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any, Callable

import click

from .config import SETTINGS, Config, load_config
from .errors import MediationError


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


def resolve(options: dict[str, Any]) -> Config:
    try:
        return load_config(overrides=options)
    except MediationError as error:
        raise click.UsageError(error.bilingual()) from None


def fail(error: MediationError, code: int = 1) -> None:
    click.echo(error.bilingual(), err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Données liées de la médiation sociale — linked data of French social mediation."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@settings_options()
def serve(**options: Any) -> None:
    """Start the service (pages, SPARQL endpoint, catalog) under a production WSGI server."""
    import waitress

    from .app import create_app
    from .publishing import ensure_seeded
    from .store import open_store

    config = resolve(options)
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
    for line in app.extensions["mediation"].get("banner", []):
        click.echo(line.format(root=root))
    try:
        waitress.serve(
            app,
            host=config.host,
            port=config.port,
            threads=config.threads,
            ident="mediation",
            clear_untrusted_proxy_headers=True,
        )
    finally:
        store.close()


if __name__ == "__main__":  # pragma: no cover
    main()
