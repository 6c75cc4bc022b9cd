"""Values kept per build (``site.kept_for_build``): the pages, cards, sitemaps and catalog
bodies a build's answers are made of, kept while that build is served and within a bound."""

from __future__ import annotations

from flask import Flask

from service.web import site


def keeper(app: Flask):
    made: list[str] = []

    def kept(identity: object, key: str, limit: int = 25) -> str:
        def make() -> str:
            made.append(key)
            return key * 10

        with app.app_context():
            return site.kept_for_build("values", identity, (key,), make, len, limit)

    return kept, made


def test_a_value_is_made_once_per_build_and_the_least_recently_used_goes_first():
    app = Flask(__name__)
    app.extensions["mediation"] = {}
    kept, made = keeper(app)
    assert kept("build 1", "a") == "a" * 10
    kept("build 1", "b")
    kept("build 1", "a")  # used again: "b" is now the least recently used
    kept("build 1", "c")  # 30 characters, over the bound of 25: "b" goes
    kept("build 1", "a")
    kept("build 1", "c")
    assert made == ["a", "b", "c"]
    kept("build 1", "b")
    assert made == ["a", "b", "c", "b"]


def test_another_build_drops_the_values_of_the_last_one():
    app = Flask(__name__)
    app.extensions["mediation"] = {}
    kept, made = keeper(app)
    kept("build 1", "a")
    kept("build 2", "b")
    kept("build 2", "b")
    kept("build 1", "a")
    assert made == ["a", "b", "a"]
    kept("build 1", "c", limit=0)  # the last one made is always kept, whatever the bound
    kept("build 1", "c", limit=0)
    kept("build 1", "a", limit=0)
    assert made == ["a", "b", "a", "c", "a"]
