"""The one table of settings.

Every setting has a name, a default and a help text. The table feeds the
command-line options of ``mediation serve``, the ``MEDIATION_*`` environment
variables, the settings file, ``docs/settings.md`` and a test that keeps the
three in step. Precedence, lowest first: default, settings file (TOML),
environment, command-line option.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

ENV_PREFIX = "MEDIATION_"

#: The project root: ``ontology/``, ``shapes/`` and ``data/`` live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_BASE = "https://w3id.org/mediation-sociale/"


def _csv(value: str | list[str]) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "oui"):
        return True
    if text in ("0", "false", "no", "off", "non", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _positive(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        number = kind(value)
        if number <= 0:
            raise ValueError(f"must be positive, got {value!r}")
        return number

    convert.__name__ = kind.__name__
    return convert


def _non_negative(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        number = kind(value)
        if number < 0:
            raise ValueError(f"must not be negative, got {value!r}")
        return number

    convert.__name__ = kind.__name__
    return convert


def _one_of(*choices: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return text

    convert.__name__ = "choice"
    return convert


def _base_url(value: str) -> str:
    value = str(value).strip()
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value if value.endswith("/") else value + "/"


def _public_url(value: Any) -> str:
    """Empty, or an http(s) URL with a host, ending with ``/``."""
    text = str(value).strip()
    if not text:
        return ""
    url = _base_url(text)
    if not urlsplit(url).hostname or urlsplit(url).query or urlsplit(url).fragment:
        raise ValueError(f"must be an http(s) URL with a host, no query nor fragment: {value!r}")
    return url


#: Hosts the server always answers for: the machine itself, as the README's command serves it.
LOCAL_HOSTS = ("localhost", "127.0.0.1")
#: Listening addresses that name no host (every interface).
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")


def trusted_hosts(config: Config) -> list[str] | None:
    """The host names requests may name (Werkzeug's ``trusted_hosts``), None: any. Werkzeug
    ignores the port, and compares the part before the first colon, so an IPv6 literal can
    only be accepted with ``*``."""
    names = list(config.trusted_hosts)
    if "*" in names:
        return None
    names += LOCAL_HOSTS
    if str(config.host).strip() not in WILDCARD_HOSTS:
        names.append(str(config.host).strip())
    if config.public_url:
        names.append(urlsplit(config.public_url).hostname or "")
    return sorted({n.lower() for n in names if n})


def _path(value: Any) -> str:
    """An absolute path, a relative one taken from the working directory at start: every
    consumer then reads the same file, whatever directory it resolves paths against (Flask's
    ``send_file`` takes the application's package folder, a child process may start
    elsewhere). Empty stays empty: the setting's own default place. Symbolic links are kept,
    as the operator gave them."""
    text = str(value)
    return str(Path(text).absolute()) if text.strip() else ""


def _iso_day(value: Any) -> str:
    text = str(value).strip()
    if text:
        from datetime import date

        date.fromisoformat(text)  # ValueError names the problem
        if len(text) != 10:
            raise ValueError(f"expected YYYY-MM-DD, got {value!r}")
    return text


def _rate(value: Any) -> str:
    """A rate limit as the ``limits`` library reads it (``5 per minute``, ``20/hour``)."""
    from limits import parse_many

    text = str(value).strip()
    parse_many(text)  # ValueError names what it cannot read
    return text


#: The least ``query_memory_bytes``: a query process holds about 110 MB of data once its
#: snapshot is open (Python, pyoxigraph, RocksDB's threads and arenas), and a small query's
#: first evaluation takes it past 200 MB: less would refuse every query.
MIN_QUERY_MEMORY = 250_000_000


def _query_memory(value: Any) -> int:
    number = _non_negative(int)(value)
    if 0 < number < MIN_QUERY_MEMORY:
        raise _Refused(
            f"au moins {MIN_QUERY_MEMORY // 1_000_000} Mo (un processus de requête en occupe "
            f"environ 110 une fois son instantané ouvert), ou 0 pour aucune limite ; reçu {value!r}",
            f"at least {MIN_QUERY_MEMORY // 1_000_000} MB (a query process holds about 110 "
            f"once its snapshot is open), or 0 for no limit; got {value!r}",
        )
    return number


class _Refused(ValueError):
    """A value a converter refuses, said in French and in English."""

    def __init__(self, fr: str, en: str):
        super().__init__(en)
        self.fr, self.en = fr, en


def _time_zone(value: Any) -> str:
    """A time zone of the IANA database as ``zoneinfo`` knows it (``Europe/Paris``)."""
    name = str(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a key ("", "../x", "/x")
        raise _Refused(
            f"fuseau horaire inconnu « {name} » : donnez un nom de la base IANA, comme "
            "Europe/Paris ou America/Cayenne",
            f'unknown time zone "{name}": give a name of the IANA database, such as '
            "Europe/Paris or America/Cayenne",
        ) from None
    return name


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    convert: Callable[[Any], Any] = str
    secret: bool = False

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


#: What the help of every path setting ends with.
RELATIVE = " A relative path is taken from the working directory at start."

SETTINGS: list[Setting] = [
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on.", _positive(int)),
    Setting(
        "store",
        "store",
        "Directory of the embedded store (created, then loaded with ontology/ and data/, "
        "when empty). Ignored when remote_query_url is set." + RELATIVE,
        _path,
    ),
    Setting(
        "index_path",
        "",
        "SQLite file of the search index (lists, facets, full text), rebuilt from the store when "
        "missing or stale. Empty: index.sqlite in the store directory." + RELATIVE,
        _path,
    ),
    Setting(
        "index_build_makers",
        2,
        "Processes that read the store and make the rows of a full search index build while "
        "the build's own process writes them, at most one per core: the same index in less "
        "time on several cores. 0: the build runs in one process, as it does on one core, "
        "for a remote store and below 20,000 resources.",
        _non_negative(int),
    ),
    Setting(
        "changes_path",
        "",
        "SQLite file of the change log (the history of writes as the change feed and the pages "
        "read it), kept in step with every write and rebuilt from the history graph when "
        "missing. Empty: changes.sqlite in the store directory." + RELATIVE,
        _path,
    ),
    Setting(
        "base_url",
        DEFAULT_BASE,
        "Canonical base of every resource IRI. The server answers for these IRIs by path, "
        "whatever host it runs on.",
        _base_url,
    ),
    Setting(
        "public_url",
        "",
        "Public address of the service, such as https://mediation.example.org/ (scheme, host, "
        "path): every absolute link the service writes (the sitemap, robots.txt, the catalog, "
        "VoID, the feeds, the service description) starts with it, whatever Host a request "
        "names, and its host is trusted. Empty: the address the request was sent to, once its "
        "host is trusted (trusted_hosts); such answers then vary by Host.",
        _public_url,
    ),
    Setting(
        "trusted_hosts",
        "",
        "Host names (no port; a leading dot: the name and its subdomains) the server answers "
        "for, besides localhost, 127.0.0.1, the host setting and public_url's host; a request "
        "naming another Host is answered 400. * accepts any host: only behind a proxy that "
        "checks it, with public_url set. X-Forwarded-* headers are never read.",
        _csv,
    ),
    Setting(
        "remote_query_url",
        "",
        "Query endpoint of a SPARQL 1.1 server to use as the store instead of the embedded one.",
    ),
    Setting("remote_update_url", "", "Update endpoint of that SPARQL 1.1 server."),
    Setting("remote_user", "", "User name for the remote SPARQL server (HTTP basic/digest)."),
    Setting("remote_password", "", "Password for the remote SPARQL server.", secret=True),
    Setting(
        "query_timeout",
        30.0,
        "Seconds a SPARQL query may run before it is stopped and answered 503.",
        _positive(float),
    ),
    Setting(
        "max_rows",
        10000,
        "Most result rows (or triples) a query returns; beyond, the result is truncated and says so.",
        _positive(int),
    ),
    Setting(
        "max_query_bytes", 100_000, "Largest SPARQL query or update text accepted.", _positive(int)
    ),
    Setting(
        "max_write_quads",
        1_000_000,
        "Most quads one write (a SPARQL Update, an upload) may remove and add together.",
        _positive(int),
    ),
    Setting(
        "bulk_load_after",
        10_000,
        "`mediation load`: a file of at least this many quads that fills only new graphs of "
        "the embedded store lands through the bulk loader and is validated there, resource by "
        "resource, before it is made final (smaller ones land as one write).",
        _positive(int),
    ),
    Setting(
        "load_workers",
        2,
        "`mediation load`: processes that validate a bulk load's resources side by side "
        "(1: in the command's own process).",
        _positive(int),
    ),
    Setting(
        "load_validator",
        "compiled",
        "`mediation load`: what checks a bulk load against the shapes: `compiled` (the shapes "
        "compiled into Python checks, the same results as pySHACL's, about a hundred times "
        "faster) or `pyshacl`.",
        _one_of("compiled", "pyshacl"),
    ),
    Setting(
        "write_validator",
        "compiled",
        "What checks a write against the shapes (SPARQL Update, Graph Store Protocol, the "
        "publishing forms and their publication, the drafts of an ingest): `compiled` (the "
        "shapes compiled into Python checks, the same reports as pySHACL's, a shape it cannot "
        "compile left to pySHACL) or `pyshacl`.",
        _one_of("compiled", "pyshacl"),
    ),
    Setting(
        "max_concurrent_queries",
        4,
        "SPARQL queries evaluated at once; more wait, then get 503 when the wait exceeds the time-out.",
        _positive(int),
    ),
    Setting(
        "query_memory_bytes",
        500_000_000,
        "Memory one SPARQL query process may take (its data segment, RLIMIT_DATA): a query that "
        "needs more is stopped and answered 507, and the process replaced. The query processes "
        "together take at most max_concurrent_queries + 1 (the background one) times this. 0: "
        "no limit. A remote store's queries run on its server, which sets its own limits.",
        _query_memory,
    ),
    Setting(
        "client_query_slots",
        2,
        "SPARQL queries one client address may have running or waiting at once; one more is "
        "answered 429 with Retry-After, so that one client cannot take every query slot.",
        _positive(int),
    ),
    Setting(
        "request_rate_limit",
        "6000 per minute",
        "Requests one client address may send to /sparql, /sparql/update and /graphs (a limit "
        "as the limits library writes it); past it, 429 with Retry-After. Counted in the "
        "server's memory: per process, reset by a restart.",
        _rate,
    ),
    Setting(
        "query_cache_bytes",
        64_000_000,
        "Bytes of /sparql answers kept in memory (per process) to answer the same query again "
        "while the store has not changed: any write makes them unreachable. 0: none kept.",
        _non_negative(int),
    ),
    Setting(
        "refresh_examples",
        True,
        "After each write, compute the example queries again in the background (one at a "
        "time, at the lowest priority) and keep their answers, so that the first reader of "
        "an example after a write gets it at once. Needs query_cache_bytes.",
        _bool,
    ),
    Setting(
        "refresh_timeout",
        600.0,
        "Seconds an example query computed in the background may run: longer than "
        "query_timeout, so that an example too slow for a researcher's time-out (seconds "
        "to minutes at ten million quads) is still computed once per write and answered "
        "at once from then on.",
        _positive(float),
    ),
    Setting(
        "union_default_graph",
        True,
        "The default graph of /sparql queries and of the WHERE clauses of /sparql/update is the "
        "union of all graphs. Off: it is the store's own default graph, as in a plain SPARQL "
        "dataset (what the W3C test suites assume); named graphs, FROM and GRAPH are unchanged.",
        _bool,
    ),
    Setting(
        "federation_allowlist",
        "",
        "Comma-separated hosts a SERVICE clause may reach. Empty: federation is off.",
        _csv,
    ),
    Setting(
        "write_token",
        "",
        "Bearer token(s) allowed to write, separated by commas; each may carry a name, "
        "name:token, under which the history records the writes (never the token). Empty: "
        "writes are refused. Give it in the environment or the settings file, never in the "
        "repository.",
        _csv,
        secret=True,
    ),
    Setting(
        "accounts_path",
        "",
        "SQLite file of the accounts people sign in with at /publish (managed with "
        "`mediation users`): logins, roles, organisations, Argon2 password hashes, token "
        "digests. Empty: accounts.sqlite in the store directory." + RELATIVE,
        _path,
    ),
    Setting(
        "secret_key",
        "",
        "Key that signs the session cookies and the forms' CSRF tokens at /publish. Empty: "
        "a random key made once and kept in the file secret_key in the store directory. "
        "Changing it signs everyone out.",
        secret=True,
    ),
    Setting(
        "sign_in_limit",
        "5 per minute",
        "Failed sign-ins and write-token checks accepted from one client address before the "
        "next ones are answered 429 (a limit as the limits library writes it: '5 per minute', "
        "'20 per hour'). Counted in the server's memory: per process, reset by a restart.",
        _rate,
    ),
    Setting(
        "record_history",
        True,
        "Record every accepted write in the graph {base}graph/history (PROV-O: who, when, what "
        "was added and removed) and leave tombstones for deleted resources. Off only for a "
        "scratch store whose dataset must hold nothing else (the W3C conformance suites).",
        _bool,
    ),
    Setting(
        "seed",
        True,
        "Load ontology/, shapes/ and data/ into the store when it is empty at start. Off for a "
        "scratch store.",
        _bool,
    ),
    Setting(
        "territories",
        "all",
        "The official territories an empty store is loaded with at start: 'all', every commune, "
        "département, région, overseas territory and EPCI of the installed Etalab package "
        "(about 36,000, 680,000 triples; the start fails when the package is missing); 'seed', "
        "only the nine of data/territories.ttl (for tests and demonstrations).",
        _one_of("all", "seed"),
    ),
    Setting(
        "territories_source",
        "",
        "The installed @etalab/decoupage-administratif package the full list of territories "
        "is read from. Empty: the one `npm ci --prefix sources/territories` installs in the "
        "project." + RELATIVE,
        _path,
    ),
    Setting(
        "max_upload_bytes",
        20_000_000,
        "Largest body accepted by the write routes.",
        _positive(int),
    ),
    Setting(
        "max_article_bytes",
        1_000_000,
        "Largest article text `mediation ingest` reads (an exported news page is a few tens of kB).",
        _positive(int),
    ),
    Setting(
        "languages",
        "fr,en",
        "Language preference for labels and pages, first preferred; untagged text comes last.",
        _csv,
    ),
    Setting("page_size", 50, "Items per page in lists and incoming links.", _positive(int)),
    Setting(
        "count_limit",
        1000,
        "Most rows a search or a filtered list counts; past it, the page says « plus de 1 000 » "
        '("more than 1,000"), so that a count costs the same whatever the matches.',
        _positive(int),
    ),
    Setting(
        "facet_window",
        5000,
        "Most matches of a search its facets count (the first ones, those it ranks), and most "
        "rows of a filtered list (the first it shows); past them a facet's counts are lower "
        "bounds (« 12+ »), so that a first search of a common word, or a list of a broad "
        "theme, answers in milliseconds.",
        _positive(int),
    ),
    Setting(
        "today",
        "",
        "The day lists take as today for upcoming and past events (YYYY-MM-DD); empty: the real "
        "date in the time zone. For tests and demonstrations.",
        _iso_day,
    ),
    Setting(
        "time_zone",
        "Europe/Paris",
        "Time zone of the data's local times (IANA name, such as America/Cayenne): a date-time "
        "written without an offset is a local time there, and pages, JSON-LD and calendars "
        "give every time in it, with its offset for that date (daylight saving time "
        "included). Set it once: it changes what the data's local times mean.",
        _time_zone,
    ),
    Setting(
        "publisher",
        "",
        "IRI of the actor (in the data) who publishes the catalog and its datasets; its name "
        "comes from the data. Empty: {base}id/actor/equipe-donnees-liees, the team the "
        "vocabulary names as its publisher.",
    ),
    Setting(
        "contact_email",
        "",
        "E-mail address of the catalog's contact point (DCAT vcard:hasEmail). Empty: the "
        "contact point gives the service's address only.",
    ),
    Setting(
        "catalog_page_size",
        100,
        "Datasets per page of the DCAT catalog (Hydra paging, as harvesters read it).",
        _positive(int),
    ),
    Setting(
        "dumps_path",
        "",
        "Directory of the open-data builds (dumps, VoID figures, the catalog's facts, the "
        "feeds' dates), made in the background; the last two finished are kept. Empty: "
        "dumps/ in the store directory." + RELATIVE,
        _path,
    ),
    Setting(
        "build_settle",
        2.0,
        "Seconds without a write before the open-data build starts (a burst of writes makes "
        "one build).",
        _positive(float),
    ),
    Setting(
        "build_max_delay",
        60.0,
        "Under writes that never settle, a build starts anyway once this many seconds have "
        "passed since the builder saw the first change not yet built; also the wait before a "
        "failed build is tried again.",
        _positive(float),
    ),
    Setting("threads", 8, "Worker threads of the WSGI server.", _positive(int)),
    Setting(
        "settings_file",
        "",
        "TOML file with settings (same names); environment and options take precedence." + RELATIVE,
        _path,
    ),
]

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Resolved settings, read-only. Attribute access by setting name."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: Any) -> Config:
        return load_config(overrides={**self.values, **changes}, environ={})


def _convert(setting: Setting, raw: Any, origin: str) -> Any:
    try:
        return setting.convert(raw)
    except (TypeError, ValueError) as exc:
        fr, en = (exc.fr, exc.en) if isinstance(exc, _Refused) else (exc, exc)
        raise ConfigError(
            f"Réglage invalide {setting.name} ({origin}) : {fr}",
            f"Invalid setting {setting.name} ({origin}): {en}",
        ) from None


def load_config(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Resolve every setting from defaults, settings file, environment and overrides.

    ``overrides`` holds values given explicitly (command-line options, tests);
    ``None`` values in it are ignored so that unset options fall through.
    """
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(SETTINGS_BY_NAME)
    if unknown:
        raise ConfigError(
            f"Réglage inconnu : {', '.join(sorted(unknown))}",
            f"Unknown setting: {', '.join(sorted(unknown))}",
        )

    file_values: dict[str, Any] = {}
    settings_file = overrides.get("settings_file") or environ.get(
        SETTINGS_BY_NAME["settings_file"].env
    )
    if settings_file:
        file_values = _read_settings_file(Path(settings_file))

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = _convert(setting, overrides[setting.name], setting.option)
        elif setting.env in environ:
            values[setting.name] = _convert(setting, environ[setting.env], setting.env)
        elif setting.name in file_values:
            values[setting.name] = _convert(setting, file_values[setting.name], str(settings_file))
        else:
            values[setting.name] = _convert(setting, setting.default, "default")
    return Config(values)


def local_today(config: Config) -> str:
    """The day lists take as today (ISO): the ``today`` setting, else the date now in the
    ``time_zone`` (late in the evening in Cayenne, it is already tomorrow in UTC)."""
    return config.today or datetime.now(ZoneInfo(config.time_zone)).date().isoformat()


def settings_table() -> str:
    """The settings as a Markdown table, pasted into ``docs/settings.md`` (a test keeps it true)."""
    rows = [
        "| setting | option | environment | default | what |",
        "| --- | --- | --- | --- | --- |",
    ]
    for setting in SETTINGS:
        default = "(secret)" if setting.secret else f"`{setting.default!r}`"
        text = setting.help.replace("|", "\\|")
        rows.append(
            f"| `{setting.name}` | `{setting.option}` | `{setting.env}` | {default} | {text} |"
        )
    return "\n".join(rows) + "\n"


def _read_settings_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"Fichier de réglages introuvable : {path}", f"Settings file not found: {path}"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Fichier de réglages illisible {path} : {exc}",
            f"Unreadable settings file {path}: {exc}",
        ) from None
    unknown = set(data) - set(SETTINGS_BY_NAME)
    if unknown:
        raise ConfigError(
            f"Réglage inconnu dans {path} : {', '.join(sorted(unknown))}",
            f"Unknown setting in {path}: {', '.join(sorted(unknown))}",
        )
    return data
