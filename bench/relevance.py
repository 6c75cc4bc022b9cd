"""Whether the site's search puts first what people look for; see bench/README.md ("Search
relevance").

    .venv/bin/python bench/relevance.py [--url URL] [--queries FILE] [--show N]

Asks ``/search.json`` every query of ``bench/relevance.toml`` (what people would type about
the seed data, with the results they expect graded 3, 2 or 1) and scores the ranking:

* MRR: the mean of 1/rank of the first answer (a result graded 3), 0 when none is in the
  first 50 results;
* nDCG@5: the first five results' discounted gain (2^grade - 1, over log2(rank + 1)) over
  the best possible for that query;
* success@1 and success@5: the share of queries with an answer first, in the first five.

Without ``--url`` it starts ``mediation serve`` from this checkout on a fresh store holding
the seed data (``ontology/``, ``shapes/``, ``data/``), waits for its search index, and stops
it at the end: the same command on another commit measures that commit's search.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import serve_seeded  # noqa: E402

BASE = "https://w3id.org/mediation-sociale/id/"
#: Results read for each query (following the search's next pages).
DEPTH = 50
#: The grade of an answer.
ANSWER = 3


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    need: str
    grades: dict[str, int]  # IRI after ``{base}id/`` → grade


def read_queries(path: Path) -> list[Query]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Query(q["text"], q.get("lang", "fr"), q["need"], dict(q["grades"])) for q in data["query"]
    ]


def ranked(url: str, query: Query) -> list[str]:
    """The first :data:`DEPTH` results of a search, as IRIs after ``{base}id/``."""
    found: list[str] = []
    address = url + "search.json"
    params: dict[str, str] | None = {"q": query.text, "lang": query.lang}
    while address and len(found) < DEPTH:
        answer = requests.get(address, params=params, timeout=60)
        answer.raise_for_status()
        page = answer.json()
        found += [item["iri"].removeprefix(BASE) for item in page["items"]]
        address, params = (url + page["next"].lstrip("/") if page.get("next") else ""), None
    return found[:DEPTH]


def reciprocal_rank(results: list[str], grades: dict[str, int]) -> float:
    return next((1 / rank for rank, r in enumerate(results, 1) if grades.get(r) == ANSWER), 0.0)


def ndcg(results: list[str], grades: dict[str, int], k: int = 5) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(gains[:k], 1))

    best = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(r, 0) for r in results]) / best if best else 0.0


def success(results: list[str], grades: dict[str, int], k: int) -> bool:
    return any(grades.get(r) == ANSWER for r in results[:k])


def score(url: str, queries: list[Query], show: int) -> None:
    rows = []
    print(f"{'query':<30} {'answers at':<18} {'RR':>5} {'nDCG@5':>7}")
    for query in queries:
        results = ranked(url, query)
        ranks = sorted(
            results.index(iri) + 1 if iri in results else DEPTH + 1
            for iri, grade in query.grades.items()
            if grade == ANSWER
        )
        rr, gain = reciprocal_rank(results, query.grades), ndcg(results, query.grades)
        rows.append(
            (rr, gain, success(results, query.grades, 1), success(results, query.grades, 5))
        )
        at = ", ".join(str(r) if r <= DEPTH else "—" for r in ranks)
        print(f"{query.text:<30} {at:<18} {rr:5.2f} {gain:7.2f}", flush=True)
        for rank, iri in enumerate(results[:show], 1):
            print(f"    {rank:2} {query.grades.get(iri, '·')} {iri}")
    n = len(rows)
    print(
        f"\n{n} queries: MRR {statistics.mean(r[0] for r in rows):.3f}, "
        f"nDCG@5 {statistics.mean(r[1] for r in rows):.3f}, "
        f"success@1 {sum(r[2] for r in rows)}/{n}, success@5 {sum(r[3] for r in rows)}/{n}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running service (default: start one on the seed)")
    parser.add_argument("--queries", type=Path, default=Path(__file__).with_suffix(".toml"))
    parser.add_argument("--show", type=int, default=0, help="print each query's first N results")
    args = parser.parse_args()
    queries = read_queries(args.queries)
    if args.url:
        score(args.url.rstrip("/") + "/", queries, args.show)
        return
    with tempfile.TemporaryDirectory() as tmp:
        server, url = serve_seeded(Path(tmp) / "store")
        try:
            score(url, queries, args.show)
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
