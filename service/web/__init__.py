"""The web layer: Flask blueprints, one per concern, that never import each other.

Only this package knows Flask. Blueprints read the parts ``create_app`` built (the store,
the settings, the index…) through the accessors of :mod:`service.web.context`, never
through module globals.
"""

from __future__ import annotations

from flask import Flask

# The HTTP server under the application, its framing bounded (``mediation serve``).
from .framing import bounded_server

# The gallery's examples as the editor asks for them: what ``create_app`` has computed again
# after every write.
from .sparql import example_requests

__all__ = ["bounded_server", "example_requests", "register"]


def register(app: Flask) -> None:
    """Attach every blueprint and the error handlers."""
    from . import health, responses, sparql

    responses.register_error_handlers(app)
    from . import people

    # Sessions, CSRF and the sign-in limit: before any blueprint, whose pages may need them.
    people.install(app)
    from . import fairness

    # Each client address's share of the query slots and of the doors' request rate.
    fairness.install_shares(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(sparql.blueprint)
    from . import cards, resources, site, sitemaps

    site.register(app)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(cards.blueprint)
    app.register_blueprint(sitemaps.blueprint)
    from . import lists

    app.register_blueprint(lists.blueprint)
    from . import forms, writes

    app.register_blueprint(writes.blueprint)
    forms.register(app)
    from . import caching, feeds, headers, opendata

    app.register_blueprint(opendata.blueprint)
    app.register_blueprint(feeds.blueprint)
    from . import articles, publish, review

    publish.register(app)
    review.register(app)
    articles.register(app)
    caching.register(app)
    headers.register(app)
    from . import door

    # Kept pages and documents sent before Flask's routing and hooks, while what they were
    # made from holds (``door.py``).
    door.open_door(app, lambda: resources.page_state(app.extensions["mediation"]))
