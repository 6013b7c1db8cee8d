"""Zaqar's default policy: the oslo.policy rules it registers, rule by rule.

Copied from ``zaqar/common/policies`` of Zaqar 23.0.1 (21.0.0 registers the
same). Only HTTP API v2 enforces them: v1.1 and the websocket API have no
policy checks. ``role:admin`` is oslo.policy's role check, which compares role
names case-insensitively; with no-auth the roles come from the ``X-Roles``
request header (``X-Role`` when that is absent), as oslo.context reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

UNPROTECTED = ""
ROLE_ADMIN = "role:admin"

RULES: dict[str, str] = {
    **{f"queues:{op}": UNPROTECTED for op in (
        "get_all", "create", "get", "delete", "update", "stats", "share", "purge")},
    **{f"messages:{op}": UNPROTECTED for op in (
        "get_all", "create", "get", "delete", "delete_all")},
    **{f"claims:{op}": UNPROTECTED for op in ("create", "get", "delete", "update")},
    **{f"subscription:{op}": UNPROTECTED for op in (
        "get_all", "create", "get", "delete", "update", "confirm")},
    **{f"topics:{op}": UNPROTECTED for op in (
        "get_all", "create", "get", "delete", "update", "stats", "purge")},
    "ping:get": UNPROTECTED,
    "health:get": ROLE_ADMIN,
    **{f"pools:{op}": ROLE_ADMIN for op in ("get_all", "create", "get", "delete", "update")},
    "flavors:get_all": UNPROTECTED,
    "flavors:get": UNPROTECTED,
    **{f"flavors:{op}": ROLE_ADMIN for op in ("create", "delete", "update")},
    # Registered by Zaqar but checked by no endpoint.
    "context_is_admin": ROLE_ADMIN,
    "admin_or_owner": "is_admin:True or project_id:%(project_id)s",
}


def is_admin(roles: Iterable[str]) -> bool:
    """Whether ``roles`` pass ``role:admin`` (role names compare case-insensitively)."""
    return any(role.lower() == "admin" for role in roles)


def allows(rule: str | None, roles: Iterable[str]) -> bool:
    """Whether a caller with ``roles`` passes ``rule`` (None: a route with no check)."""
    if rule is None or RULES[rule] == UNPROTECTED:
        return True
    if RULES[rule] == ROLE_ADMIN:
        return is_admin(roles)
    raise ValueError(f"policy rule {rule!r} is not enforced by any endpoint")
