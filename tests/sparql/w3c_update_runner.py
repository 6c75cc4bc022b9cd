"""The W3C update-evaluation runner of ``../shared/tools/conformance``, reading the default
graph through the Graph Store Protocol (``GET /graphs?default``).

The runner reads a test's resulting default graph with ``CONSTRUCT { ?s ?p ?o } WHERE
{ ?s ?p ?o }`` through the query endpoint; here the default graph of a query is the union of
all graphs, by design, so every test that leaves triples in a named graph would read them
twice. Reading the default graph itself checks what the update did to it.

    python tests/sparql/w3c_update_runner.py SHARED GSP_URL QUERY_URL [runner options…]
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from rdflib import Graph


def main() -> int:
    shared, gsp = Path(sys.argv[1]), sys.argv[2]
    spec = importlib.util.spec_from_file_location(
        "sparql_query_eval", shared / "tools" / "conformance" / "sparql_query_eval.py"
    )
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    read_named = runner.Runner.dump_store

    def dump_store(self):
        _, named = read_named(self)
        answer = runner.http_request(
            "GET",
            gsp + "?default",
            [("Accept", "application/n-triples")] + runner.EXTRA_HEADERS,
            None,
            self.a.timeout,
        )
        if answer.status != 200:
            raise RuntimeError(f"cannot read the default graph: HTTP {answer.status}")
        return Graph().parse(data=answer.body.decode("utf-8"), format="nt"), named

    runner.Runner.dump_store = dump_store
    return runner.main(sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
