"""The three roles and what each may do, in one table.

A publisher (« contributeur ») writes for the organisations the account acts for; a moderator
reviews and publishes; an administrator also manages the service. Roles are ordered: each
may do what the roles before it may.
"""

from __future__ import annotations

from ..errors import BadRequest

#: Every role, lowest first, with its name in French and in English.
ROLES: dict[str, tuple[str, str]] = {
    "publisher": ("contributeur", "publisher"),
    "moderator": ("modérateur", "moderator"),
    "administrator": ("administrateur", "administrator"),
}
#: Roles whose tokens open the raw write doors (``/sparql/update``, ``/graphs``): what they
#: write is public at once, with no review, which is a moderator's work.
RAW_WRITERS = frozenset({"moderator", "administrator"})


def checked_role(role: str) -> str:
    """``role`` when it is one of :data:`ROLES`, else the 400 that names them."""
    if role not in ROLES:
        known = ", ".join(ROLES)
        raise BadRequest(
            f"Rôle inconnu « {role} » : choisissez parmi {known}.",
            f'Unknown role "{role}": choose among {known}.',
        )
    return role


def at_least(role: str, needed: str) -> bool:
    """True when ``role`` may do what ``needed`` may (roles are ordered)."""
    order = list(ROLES)
    return role in ROLES and order.index(role) >= order.index(checked_role(needed))


def role_name(role: str, lang: str) -> str:
    fr, en = ROLES.get(role, (role, role))
    return en if lang == "en" else fr
