"""Server profiles: named sets of switches that mirror a real Zaqar deployment.

A profile fills every switch in :data:`PROFILE_FIELDS`; any switch given
explicitly to :class:`~zaqarclient.server.Config` (or on the command line)
overrides the profile's value. ``devstack`` is the default: a test that passes
against it relies only on what a devstack-deployed Zaqar 23.0.1 allows.
"""

from __future__ import annotations

import dataclasses
from typing import TypedDict

DEFAULT_PROFILE = "devstack"
# Any fixed key works for a development server; devstack's own is `notreallysecret`.
DEFAULT_SIGNED_URL_KEY = "zaqar-reference-server-secret"


class ProfileSettings(TypedDict):
    """The switches a profile sets (each is a `Config` field of the same name)."""

    admin_mode: bool
    pooling: bool
    enable_virtual_pool: bool
    enable_v1_1: bool
    unreliable: bool
    strict_policy: bool
    notifications: bool
    secret_key: str | None


@dataclasses.dataclass(frozen=True)
class Profile:
    """A named configuration: its switches and the real deployment it mirrors."""

    name: str
    summary: str
    mirrors: str
    settings: ProfileSettings


_ZAQAR_23_DEFAULTS = ProfileSettings(
    admin_mode=False,
    pooling=False,
    enable_virtual_pool=False,
    enable_v1_1=False,
    unreliable=False,
    strict_policy=True,
    notifications=False,
    secret_key=None,
)

_ZAQAR_21_DEFAULTS: ProfileSettings = {**_ZAQAR_23_DEFAULTS, "enable_v1_1": True}

PROFILES: dict[str, Profile] = {
    "devstack": Profile(
        "devstack",
        "Zaqar 23.0.1 as its devstack plugin configures it (the default)",
        "devstack/plugin.sh configure_zaqar: [DEFAULT] admin_mode = True, unreliable = True, "
        "pooling = True; [pooling:catalog] enable_virtual_pool = True; [storage] "
        "message_pipeline = zaqar.notification.notifier; [signed_url] secret_key set; "
        "Zaqar's default policy; no enable_deprecated_api_versions",
        ProfileSettings(
            admin_mode=True,
            pooling=True,
            enable_virtual_pool=True,
            enable_v1_1=False,
            unreliable=True,
            strict_policy=True,
            notifications=True,
            secret_key=DEFAULT_SIGNED_URL_KEY,
        ),
    ),
    "zaqar-23": Profile(
        "zaqar-23",
        "Zaqar 23.0.1 with its own configuration defaults",
        "an empty zaqar.conf: admin_mode, pooling and unreliable False, no message "
        "pipeline, no signed-URL key, Zaqar's default policy",
        _ZAQAR_23_DEFAULTS,
    ),
    "zaqar-21": Profile(
        "zaqar-21",
        "Zaqar 21.0.0 with API v1.1 enabled",
        "Zaqar 21.0.0's defaults plus [DEFAULT] enable_deprecated_api_versions = 1.1",
        _ZAQAR_21_DEFAULTS,
    ),
    "open": Profile(
        "open",
        "everything on and no policy, for local experiments (no real cloud is like this)",
        "none: devstack's switches plus API v1.1, and every caller may use the admin "
        "endpoints",
        ProfileSettings(
            admin_mode=True,
            pooling=True,
            enable_virtual_pool=True,
            enable_v1_1=True,
            unreliable=True,
            strict_policy=False,
            notifications=True,
            secret_key=DEFAULT_SIGNED_URL_KEY,
        ),
    ),
}

PROFILE_FIELDS: tuple[str, ...] = tuple(ProfileSettings.__annotations__)


class UnknownProfile(ValueError):
    """A profile name that is not in :data:`PROFILES`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown server profile {name!r}; choose one of {', '.join(PROFILES)}")
        self.name = name


def get_profile(name: str) -> Profile:
    """The profile called ``name``; :class:`UnknownProfile` when there is none."""
    try:
        return PROFILES[name]
    except (KeyError, TypeError):
        raise UnknownProfile(str(name)) from None
