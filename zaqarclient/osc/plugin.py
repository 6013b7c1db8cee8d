"""The OpenStackClient plugin module (``openstack.cli.extension``: ``messaging``).

OSC reads ``API_NAME``, ``API_VERSION_OPTION`` and ``API_VERSIONS``, adds the
global options of :func:`build_option_parser` and calls :func:`make_client`
the first time a command touches ``client_manager.messaging``. OSC loads the
command group ``openstack.messaging.v<major>``, so API 1.1 uses ``...v1``.
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from osc_lib import exceptions
from osc_lib import utils as osc_utils

from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.client import Client as V2Client

LOG = logging.getLogger(__name__)

API_NAME = "messaging"
API_VERSION_OPTION = "os_queues_api_version"
DEFAULT_QUEUES_API_VERSION = "2"
API_VERSIONS = ("1.1", "2")

SERVICE_TYPE = "messaging"
WEBSOCKET_SERVICE_TYPE = "messaging-websocket"


def check_api_version(version: str) -> bool:
    """Refuse versions other than 1.1 and 2 (returns True: the check is done)."""
    if _version_key(version) not in API_VERSIONS:
        raise exceptions.CommandError(
            f"Messaging API version {version!r} is not supported; use 2 or 1.1"
        )
    return True


def _version_key(version: Any) -> str:
    text = str(version).strip().lstrip("vV")
    return text[:-2] if text.endswith(".0") else text


def _config(instance: Any) -> dict[str, Any]:
    options = getattr(instance, "_cli_options", None)
    config = getattr(options, "config", None)
    return config if isinstance(config, dict) else {}


def _setting(instance: Any, name: str) -> Any:
    """A global option of this plugin, as OSC passed it through its cloud config."""
    return _config(instance).get(name) or os.environ.get("OS_" + name.upper()) or None


def _retries(instance: Any) -> int | None:
    """``--os-message-retries``: how often a failed idempotent request is resent."""
    value = _config(instance).get("message_retries")
    if value is None or value == "":
        value = os.environ.get("OS_MESSAGE_RETRIES") or None
    if value is None:
        return None
    try:
        retries = int(value)
    except (TypeError, ValueError):
        retries = -1
    if retries < 0:
        raise exceptions.CommandError(
            f"--os-message-retries must be a whole number, 0 or more; got {value!r}"
        )
    return retries


def _auth_type(instance: Any) -> str:
    name = _config(instance).get("auth_type") or getattr(instance, "auth_plugin_name", None)
    return str(name or "")


def _tls_options(instance: Any) -> dict[str, Any]:
    verify = getattr(instance, "verify", True)
    options: dict[str, Any] = {}
    if verify is False:
        options["insecure"] = True
    elif isinstance(verify, str):
        options["cacert"] = verify
    cert = getattr(instance, "cert", None)
    if isinstance(cert, tuple):
        options["cert"], options["key"] = cert
    elif cert:
        options["cert"] = cert
    return options


def make_client(instance: Any) -> V2Client:
    """Build the SDK client for the API version, endpoint and auth OSC resolved.

    ``--os-auth-type none``: the endpoint is ``--os-endpoint`` and requests
    carry ``X-Project-ID`` from ``--os-message-project-id`` (and ``X-Roles``
    from ``--os-message-roles``). Otherwise the OSC keystoneauth session is
    handed to the SDK as it is, so tokens are fetched and refreshed by it, and
    the endpoint comes from the catalog for OSC's region and interface.
    """
    version = _version_key(instance._api_version[API_NAME])
    transport = (_setting(instance, "message_transport") or "http").lower()
    service_type = WEBSOCKET_SERVICE_TYPE if transport == "websocket" else SERVICE_TYPE
    project_id = _setting(instance, "message_project_id")
    roles = _setting(instance, "message_roles")
    options: dict[str, Any] = {}
    if project_id:
        options["os_project_id"] = project_id
    if roles:
        options["roles"] = roles
    options.update(_tls_options(instance))

    session = None
    if _auth_type(instance) in ("none", "noauth", ""):
        backend = "noauth"
        endpoint = instance.get_endpoint_for_service_type(
            service_type,
            region_name=getattr(instance, "region_name", None),
            interface=getattr(instance, "interface", None) or "public",
        )
    else:
        backend = "keystone"
        session = instance.session
        endpoint = instance.get_endpoint_for_service_type(
            service_type,
            region_name=getattr(instance, "region_name", None),
            interface=getattr(instance, "interface", None) or "public",
        )
        if getattr(instance, "region_name", None):
            options["region_name"] = instance.region_name
        if getattr(instance, "interface", None):
            options["interface"] = instance.interface
        options["service_type"] = service_type
    if not endpoint:
        raise exceptions.CommandError(
            f"No endpoint for service type {service_type!r}: give --os-endpoint URL "
            "(with --os-auth-type none) or register it in the Keystone catalog"
        )
    if transport == "websocket" and endpoint.startswith(("http://", "https://")):
        endpoint = "ws" + endpoint[len("http") :]
    LOG.debug("messaging: API %s at %s (auth %s)", version, endpoint, backend)
    conf: dict[str, Any] = {"auth_opts": {"backend": backend, "options": options}}
    retries = _retries(instance)
    if retries is not None:
        conf["retries"] = retries
    client_id = _setting(instance, "message_client_id")
    if client_id:
        conf["client_uuid"] = client_id
    return Client(endpoint, version=version, conf=conf, session=session)


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The plugin's global options."""
    parser.add_argument(
        "--os-queues-api-version",
        metavar="<queues-api-version>",
        default=osc_utils.env("OS_QUEUES_API_VERSION", default=DEFAULT_QUEUES_API_VERSION),
        help="Messaging API version, 2 or 1.1 (env: OS_QUEUES_API_VERSION; default: 2)",
    )
    parser.add_argument(
        "--os-message-project-id",
        metavar="<project-id>",
        default=osc_utils.env("OS_MESSAGE_PROJECT_ID"),
        help="X-Project-ID for a Zaqar without Keystone, used with --os-auth-type none "
        "(env: OS_MESSAGE_PROJECT_ID)",
    )
    parser.add_argument(
        "--os-message-roles",
        metavar="<role,role>",
        default=osc_utils.env("OS_MESSAGE_ROLES"),
        help="X-Roles for a Zaqar without Keystone, e.g. admin for pools, flavors and "
        "health (env: OS_MESSAGE_ROLES)",
    )
    parser.add_argument(
        "--os-message-client-id",
        metavar="<uuid>",
        default=osc_utils.env("OS_MESSAGE_CLIENT_ID"),
        help="Client-ID sent with every request (env: OS_MESSAGE_CLIENT_ID; default: random)",
    )
    parser.add_argument(
        "--os-message-transport",
        metavar="<http|websocket>",
        choices=("http", "websocket"),
        default=osc_utils.env("OS_MESSAGE_TRANSPORT", default="http"),
        help="Talk to Zaqar over http or websocket (service type messaging-websocket) "
        "(env: OS_MESSAGE_TRANSPORT)",
    )
    parser.add_argument(
        "--os-message-retries",
        metavar="<count>",
        default=osc_utils.env("OS_MESSAGE_RETRIES"),
        help="How often to resend an idempotent request after a connection error or a "
        "429/502/503/504 answer, with backoff; 0 turns retries off "
        "(env: OS_MESSAGE_RETRIES; default: 3)",
    )
    return parser
