"""Accounts: the people who sign in at ``/publish``, their roles, organisations and tokens,
kept in a SQLite file beside the store (``docs/publishing.md``)."""

from __future__ import annotations

from .commands import USERS_SETTINGS, queue_draft, users_command
from .database import ACCOUNTS_FILE, TOKEN_PREFIX, Account, Accounts, ApiToken, accounts_path
from .drafts import EDITABLE, MAX_COMMENT, STATUSES, Drafts, FormDraft, status_name
from .keys import secret_key
from .organisations import ACTS_FOR_RULE, acts_for, checked_organisation
from .passwords import MAX_PASSWORD, MIN_PASSWORD
from .roles import RAW_WRITERS, ROLES, at_least, checked_role, role_name

__all__ = [
    "ACTS_FOR_RULE",
    "ACCOUNTS_FILE",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "RAW_WRITERS",
    "ROLES",
    "TOKEN_PREFIX",
    "USERS_SETTINGS",
    "Account",
    "Accounts",
    "ApiToken",
    "FormDraft",
    "Drafts",
    "EDITABLE",
    "MAX_COMMENT",
    "STATUSES",
    "status_name",
    "accounts_path",
    "acts_for",
    "at_least",
    "checked_organisation",
    "checked_role",
    "role_name",
    "secret_key",
    "queue_draft",
    "users_command",
]
