"""Harvest a DCAT catalog as data.gouv.fr does: udata's own DCAT backend, in dry run.

Usage (in the udata environment made by venvs.py):
    python udata_harvest.py CATALOG_URL LANGUAGE

udata runs on mongomock, holding the licences data.gouv.fr lists (datagouv-licenses.json),
with ``DEFAULT_LANGUAGE`` set to LANGUAGE (udata keeps the literals of its default language).
Of udata's settings only its guard against loopback addresses is lifted
(``URLS_ALLOW_LOCAL``): the service under test runs on 127.0.0.1. No request may leave the
machine (loopback_only.py). Prints one JSON document: the job, each item as udata made it,
and the refused outside connections.
"""

from __future__ import annotations

import loopback_only  # first: before anything can open a socket

OUTSIDE = loopback_only.install()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import mongomock  # noqa: E402
from udata import settings  # noqa: E402
from udata.app import create_app, standalone  # noqa: E402

LICENSES = Path(__file__).resolve().parent / "datagouv-licenses.json"


def configuration(language: str) -> type:
    class Config(settings.Defaults):
        # udata refuses mongomock:// addresses: a real one, served by mongomock's client.
        MONGODB_HOST = "mongodb://localhost:27017/udata"
        MONGODB_SETTINGS = {
            "host": "mongodb://localhost:27017/udata",
            "mongo_client_class": mongomock.MongoClient,
        }
        SECRET_KEY = "portal-test"
        API_TOKEN_SECRET = "portal-test"
        SECURITY_PASSWORD_SALT = "portal-test"
        CACHE_TYPE = "flask_caching.backends.NullCache"
        ELASTICSEARCH_URL = None
        SERVER_NAME = "portal.test"
        DEFAULT_LANGUAGE = language
        URLS_ALLOW_LOCAL = True

    return Config


def load_licenses() -> None:
    """The licence collection as data.gouv.fr's API lists it, field for field.

    udata's own ``licenses`` command reads opendefinition's format (flags as booleans), which
    would drop the flags of data.gouv.fr's list: the entries are created as the API gives them.
    """
    from udata.models import License

    for entry in json.loads(LICENSES.read_text(encoding="utf-8")):
        License.objects.create(**entry)


def text(value: object) -> object:
    """A value as JSON can hold it; bytes (a checksum udata read as such) shown for what they are."""
    if isinstance(value, bytes):
        return f"<bytes> {value.hex()}"
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def describe_dataset(dataset) -> dict:
    temporal = dataset.temporal_coverage
    spatial = dataset.spatial
    return {
        "kind": "dataset",
        "title": dataset.title,
        "license": dataset.license.id if dataset.license else None,
        "license_read": dataset.extras.get("dcat", {}).get("license"),  # what udata matched
        "temporal": {"start": text(temporal.start), "end": text(temporal.end)}
        if temporal
        else None,
        "spatial": {
            "geometry": spatial.geom["type"] if spatial and spatial.geom else None,
            "zones": [str(zone.id) for zone in spatial.zones] if spatial else [],
        }
        if spatial
        else None,
        "frequency": text(dataset.frequency),
        "tags": list(dataset.tags),
        "resources": [
            {
                "url": resource.url,
                "title": resource.title,
                "format": resource.format,
                "mime": resource.mime,
                "filesize": resource.filesize,
                "checksum": {"type": resource.checksum.type, "value": text(resource.checksum.value)}
                if resource.checksum
                else None,
                "type": resource.type,
            }
            for resource in dataset.resources
        ],
    }


def describe_dataservice(service, remote_ids: dict) -> dict:
    return {
        "kind": "dataservice",
        "title": service.title,
        "base_api_url": service.base_api_url,
        "machine_documentation_url": service.machine_documentation_url,
        "license": service.license.id if service.license else None,
        # In a dry run nothing is saved: the references are known by the ids udata gave them.
        "datasets": [remote_ids.get(ref.pk, str(ref.pk)) for ref in service.datasets],
    }


def harvest(url: str, language: str) -> dict:
    from udata.core.dataservices.models import Dataservice
    from udata.harvest.backends.dcat import DcatBackend
    from udata.harvest.models import HarvestSource

    class Recording(DcatBackend):
        """udata's backend unchanged, keeping what it made of each item, also of one that then
        fails validation (the report shows what udata understood, not only that it refused)."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.made: dict[int, object] = {}

        def process_dataset(self, harvest_item, **kwargs):
            made = super().process_dataset(harvest_item, **kwargs)
            self.made[id(harvest_item)] = made
            return made

        def process_dataservice(self, harvest_item, **kwargs):
            made = super().process_dataservice(harvest_item, **kwargs)
            self.made[id(harvest_item)] = made
            return made

    source = HarvestSource(name="mediation", url=url, backend="dcat")
    backend = Recording(source, dryrun=True)
    started = time.monotonic()
    job = backend.harvest()
    seconds = time.monotonic() - started
    remote_ids = {item.dataset.pk: item.remote_id for item in job.items if item.dataset}
    items = []
    for item in job.items:
        made = backend.made.get(id(item))
        entry = {
            "remote_id": item.remote_id,
            "status": item.status,
            "errors": [error.message for error in item.errors],
            "logs": [f"{log.level}: {log.message}" for log in item.logs],
        }
        if isinstance(made, Dataservice):
            entry.update(describe_dataservice(made, remote_ids))
        elif made is not None:
            entry.update(describe_dataset(made))
        items.append(entry)
    return {
        "language": language,
        "status": job.status,
        "errors": [error.message for error in job.errors],
        "pages": len(backend.graphs),
        "items": items,
        "seconds": round(seconds, 2),
    }


def url_check(attempt: dict) -> bool:
    """Whether an attempt is udata checking a URL it keeps (``udata.uris.validate`` looks its
    host up to refuse private addresses, and connects nowhere): the harvest source's
    identifiers, the licences' addresses. Any other lookup is a request about to be made."""
    frames = [
        frame.split(":", 1)[0] + frame.rsplit(" ", 1)[-1] for frame in attempt["from"].split(" < ")
    ]
    return attempt["event"] == "socket.getaddrinfo" and frames[:2] == [
        "udata/uris.py(resolve_hostname)",
        "udata/uris.py(validate)",
    ]


def main(url: str, language: str) -> None:
    app = standalone(create_app(configuration(language)))
    with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
        load_licenses()  # udata looks up the licences' host names as it checks their URLs
        setup = list(OUTSIDE)
        OUTSIDE.clear()
        report = harvest(url, language)
    report["outside"] = [a for a in OUTSIDE if not url_check(a)]
    report["url_checks"] = [a for a in OUTSIDE if url_check(a)]
    report["outside_during_setup"] = setup
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:3])
