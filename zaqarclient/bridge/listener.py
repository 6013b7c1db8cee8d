"""The bus side: oslo.messaging's batch notification listener feeding a :class:`Bridge`.

Every bridge started with the same ``pool`` name consumes from one shared
queue per pool, so several bridges split the notifications between them
and each notification reaches exactly one of them (RabbitMQ redelivers it
to another if its bridge dies before acknowledging). The pool also keeps
the bridge from taking notifications away from other consumers of the
same topics (Ceilometer listens there too).

A batch is acknowledged only after :meth:`Bridge.handle` returned, i.e.
once Zaqar answered 201 for every message of it or it was stored as a
dead letter; a batch the bridge could not finish is requeued.
"""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from zaqarclient.bridge.delivery import Bridge, Requeue
from zaqarclient.bridge.notification import Notification
from zaqarclient.errors import ConfigurationError

LOG = logging.getLogger("zaqarclient.bridge")

DEFAULT_TOPICS = ("notifications", "versioned_notifications")
# The control exchanges OpenStack services publish on (nova uses "nova", others
# their own name; oslo.messaging's default is "openstack").
DEFAULT_EXCHANGES = ("nova", "cinder", "glance", "neutron", "heat", "keystone", "ironic",
                     "openstack")
DEFAULT_POOL = "zaqar-notification-bridge"
_HANDLED, _REQUEUE = "handled", "requeue"  # oslo_messaging.NotificationResult values


def redact_url(url: str) -> str:
    """``rabbit://user:secret@host/`` -> ``rabbit://user:***@host/`` (each host of a list)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    hosts = []
    for host in parts.netloc.split(","):
        credentials, sep, where = host.rpartition("@")
        if sep and ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        hosts.append(f"{credentials}{sep}{where}")
    return urlunsplit(parts._replace(netloc=",".join(hosts)))


@dataclass(frozen=True)
class ListenerOptions:
    """What to listen to, and how much to take at a time."""

    transport_url: str
    priorities: Sequence[str]
    topics: Sequence[str] = DEFAULT_TOPICS
    exchanges: Sequence[str] = DEFAULT_EXCHANGES
    pool: str = DEFAULT_POOL
    batch_size: int = 50
    batch_timeout: float = 0.05
    #: Batches handled at once. 1 keeps each queue's messages in bus order.
    workers: int = 1
    #: Unacknowledged notifications held by this bridge (default: two batches).
    prefetch: int | None = None

    def __post_init__(self) -> None:
        if not self.priorities:
            raise ConfigurationError("no priority to listen to")
        if self.batch_size < 1 or self.workers < 1 or self.batch_timeout <= 0:
            raise ConfigurationError("batch size and workers must be at least 1, and the "
                                     "batch timeout above 0")
        if not self.topics or not self.exchanges:
            raise ConfigurationError("at least one topic and one exchange are needed")


class _Endpoint:
    """oslo.messaging calls ``endpoint.<priority>(messages)`` with each batch."""

    def __init__(self, bridge: Bridge, priorities: Sequence[str]) -> None:
        self._bridge = bridge
        for priority in priorities:
            setattr(self, priority, functools.partial(self._handle, priority))

    def _handle(self, priority: str, messages: list[Mapping[str, Any]]) -> str:
        notes = [Notification.from_listener(priority, message) for message in messages]
        try:
            self._bridge.handle(notes)
        except Requeue as stopped:
            LOG.info("requeued %d notification(s): %s", len(notes), stopped)
            self._bridge.metrics.add("requeued", len(notes))
            return _REQUEUE
        except Exception:
            # A bug, not a Zaqar failure: requeue, but not in a tight loop.
            LOG.exception("handling %d notification(s) failed; requeued", len(notes))
            self._bridge.metrics.add("requeued", len(notes))
            self._bridge.stopping.wait(1.0)
            return _REQUEUE
        return _HANDLED


class NotificationListener:
    """Runs the oslo.messaging listener for one bridge."""

    def __init__(self, bridge: Bridge, options: ListenerOptions) -> None:
        self.bridge = bridge
        self.options = options
        self._server: Any = None
        self._transport: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Connect to the bus and start consuming (returns at once)."""
        with warnings.catch_warnings():
            # oslo.messaging imports eventlet (deprecated) even for the threading executor.
            warnings.simplefilter("ignore")
            # oslo.messaging is the optional ``bridge`` extra, loaded when a listener starts.
            import oslo_messaging
            from oslo_config import cfg
            from oslo_messaging import opts as messaging_opts

        options = self.options
        conf = cfg.ConfigOpts()
        conf([], project="zaqar-notification-bridge", default_config_files=[],
             default_config_dirs=[])
        for group, group_opts in messaging_opts.list_opts():
            conf.register_opts(group_opts, group=group)
        prefetch = options.prefetch or 2 * options.batch_size
        conf.set_override("rabbit_qos_prefetch_count", prefetch, group="oslo_messaging_rabbit")
        url = options.transport_url
        try:
            self._transport = oslo_messaging.get_notification_transport(conf, url=url)
        except (oslo_messaging.InvalidTransportURL, oslo_messaging.DriverLoadFailure) as error:
            said = str(error).replace(url, redact_url(url))  # the message may quote the URL
            raise ConfigurationError(
                f"--transport-url {redact_url(url)!r} is not a transport URL "
                f"(rabbit://user:password@host:5672/): {said}"
            ) from None
        targets = [
            oslo_messaging.Target(topic=topic, exchange=exchange)
            for topic in options.topics
            for exchange in options.exchanges
        ]
        self._server = oslo_messaging.get_batch_notification_listener(
            self._transport, targets, [_Endpoint(self.bridge, options.priorities)],
            executor="threading", allow_requeue=True, pool=options.pool,
            batch_size=options.batch_size, batch_timeout=options.batch_timeout,
        )
        self._server.start(override_pool_size=options.workers)
        LOG.info("listening on %s: topics %s, priorities %s, %d exchange(s), pool %r",
                 redact_url(options.transport_url), ",".join(options.topics),
                 ",".join(options.priorities), len(options.exchanges), options.pool)

    def stop(self) -> None:
        """Stop consuming; batches in flight finish or are requeued; then disconnect."""
        with self._lock:
            server, self._server = self._server, None
            transport, self._transport = self._transport, None
        self.bridge.stop()
        if server is not None:
            server.stop()
            server.wait()
        if transport is not None:
            transport.cleanup()
