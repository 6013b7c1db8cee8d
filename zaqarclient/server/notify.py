"""Notifications: webhook and e-mail deliveries on a small worker pool.

Deliveries never run on the request path. The notifier only delivers: who
is notified of what (confirmed subscriptions, confirmation documents) is
decided by :mod:`zaqarclient.server.domain.subscriptions`. The transport is
an injectable `Sender`; waits between retries go through an injectable
`sleep`, so tests neither block nor wait for real time.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlparse

from zaqarclient.server.config import Config
from zaqarclient.server.domain.validation import LINEAR_INTERVAL, MAXIMUM_DELAY, MINIMUM_DELAY
from zaqarclient.server.storage.base import NewMessage, Subscription

if TYPE_CHECKING:
    from email.mime.text import MIMEText

LOG = logging.getLogger("zaqarclient.server.notify")

WEBHOOK_TIMEOUT = 10.0  # seconds; Zaqar itself waits forever


class Sender(Protocol):
    """Where notifications go: an HTTP POST, or one e-mail."""

    def post(self, url: str, data: bytes, headers: dict[str, str]) -> int: ...
    def mail(self, message: MIMEText) -> None: ...


class DefaultSender:
    """POSTs with requests; mails through the sendmail command or SMTP over SSL.

    Zaqar's webhook task calls ``requests.post`` too, so a subscriber sees the
    same request headers (``User-Agent: python-requests/...``, ``Accept``,
    ``Accept-Encoding``, ``Connection: keep-alive``), header names spelt as
    given in ``post_headers`` (urllib would title-case them), and the same
    redirect handling. Zaqar sets no timeout; this one stops waiting after
    ``WEBHOOK_TIMEOUT`` seconds so a stuck subscriber cannot hold a worker forever.
    """

    def __init__(self, config: Config) -> None:
        self._config = config

    def post(self, url: str, data: bytes, headers: dict[str, str]) -> int:
        import requests  # ~80 ms of imports, paid on the first delivery only

        resp = requests.post(url, data=data, headers=headers, timeout=WEBHOOK_TIMEOUT)
        return int(resp.status_code)

    def mail(self, message: MIMEText) -> None:
        import shlex  # mail support is imported on first use: it costs start-up time
        import smtplib
        import subprocess

        config = self._config
        if config.smtp_mode == "self_local" or config.smtp_host:
            with smtplib.SMTP_SSL(config.smtp_host or "localhost", config.smtp_port) as smtp:
                smtp.sendmail(message["from"] or "", [message["to"]], message.as_string())
            return
        subprocess.run(
            shlex.split(config.smtp_command), input=message.as_bytes(), check=True, timeout=30
        )


def backoff(kind: str, low: int, high: int, step: int = LINEAR_INTERVAL) -> list[int]:
    """The waits of the backoff phase of Zaqar's webhook retry policy."""
    if kind == "linear":
        return list(range(low, high, step))
    x_max = int((high - low) / step)
    if kind == "arithmetic":
        d = 2.0 * (high - low) / (x_max * (x_max - 1))
        return [int(low + (a - 1) * a * d / 2) for a in range(1, x_max + 1)]
    k = math.pow(10, math.log10(high / low) / (x_max - 1))
    if kind == "geometric":
        return [int(low * math.pow(k, a - 1)) for a in range(1, x_max + 1)]
    p = low / k
    return [int(p * math.pow(k, a)) for a in range(1, x_max + 1)]


class Notifier:
    """Sends one server's notifications; `drain()` waits for queued deliveries."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self.sender: Sender = DefaultSender(config)
        # Set by close(): retry waits end at once and no further attempt starts, so a
        # stopping server never waits out a retry schedule (minutes by default).
        self._closed = threading.Event()
        self.sleep: Callable[[float], None] = self._wait
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        # Subscriber URL -> in-process delivery (websocket connections), used instead of POST.
        self.sinks: dict[str, Callable[[dict[str, Any]], None]] = {}

    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._config.max_notifier_workers,
                    thread_name_prefix="zaqar-notify",
                )
            future = self._pool.submit(fn, *args)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 5.0) -> None:
        """Block until every queued delivery has finished (for tests)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout)

    def _wait(self, seconds: float) -> None:
        self._closed.wait(seconds)

    def close(self) -> None:
        """Stop: queued deliveries are dropped, running ones end at their next wait."""
        self._closed.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    # ---------------------------------------------------------------- triggers

    def messages_posted(
        self, subs: list[Subscription], batch: list[NewMessage], with_delay: bool,
        queue_policy: dict[str, Any],
    ) -> None:
        """Deliver ``batch`` to each of ``subs``; ``queue_policy`` is the queue's retry policy."""
        for sub in subs:
            payloads = []
            for new in batch:
                doc: dict[str, Any] = {"ttl": new.ttl, "body": new.body}
                if with_delay:
                    doc["delay"] = new.delay
                doc["Message_Type"] = "Notification"
                payloads.append(doc)
            self._submit(self._deliver, sub, payloads, queue_policy)

    def send(self, sub: Subscription, doc: dict[str, Any]) -> None:
        """Deliver one document (a confirmation request) to ``sub``, with no retry policy."""
        self._submit(self._deliver, sub, [doc], {})

    # ---------------------------------------------------------------- delivery

    def _deliver(self, sub: Subscription, docs: list[dict[str, Any]], queue_policy: Any) -> None:
        try:
            sink = self.sinks.get(sub.subscriber)
            if sink is not None:
                for doc in docs:
                    doc["queue_name"] = sub.queue
                    sink(doc)
                return
            scheme = urlparse(sub.subscriber).scheme
            if scheme == "mailto":
                for doc in docs:
                    self._mail(sub, doc)
                return
            url = sub.subscriber[len("trust+"):] if scheme.startswith("trust+") else sub.subscriber
            headers = {"Content-Type": "application/json"}
            headers.update(sub.options.get("post_headers") or {})
            for doc in docs:
                doc["queue_name"] = sub.queue
                text = json.dumps(doc)
                template = sub.options.get("post_data")
                data = template.replace('"$zaqar_message$"', text) if template else text
                if not self._post_with_retries(
                    sub, url, data.encode("utf-8"), headers, queue_policy
                ):
                    # As in Zaqar: once a POST raises, that message is retried and the
                    # rest of the batch is dropped for this subscriber.
                    break
        except Exception:
            LOG.exception("notification to %s failed", sub.subscriber)

    def _try(self, url: str, data: bytes, headers: dict[str, str]) -> bool:
        try:
            return self.sender.post(url, data, headers) < 400
        except Exception as exc:
            LOG.info("webhook %s failed: %s", url, exc)
            return False

    def _post_with_retries(
        self, sub: Subscription, url: str, data: bytes, headers: dict[str, str],
        queue_policy: Any,
    ) -> bool:
        """POST once; if that raises, run the retry policy. False when it raised."""
        try:
            self.sender.post(url, data, headers)
            return True  # Zaqar retries only when the POST raises, not on an error status
        except Exception as exc:
            LOG.info("webhook %s failed, retrying: %s", url, exc)
        sub_policy = sub.options.get("_retry_policy") or {}
        queue_policy = queue_policy or {}
        if sub_policy.get("ignore_subscription_override") or queue_policy.get(
            "ignore_subscription_override"
        ):
            policy = queue_policy
        else:
            policy = sub_policy or queue_policy
        low = policy.get("minimum_delay", MINIMUM_DELAY)
        high = policy.get("maximum_delay", MAXIMUM_DELAY)
        waits: list[float] = [0] * policy.get("retries_with_no_delay", 3)
        waits += [low] * policy.get("minimum_delay_retries", 3)
        waits += backoff(policy.get("retry_backoff_function", "linear"), low, high)
        waits += [high] * policy.get("maximum_delay_retries", 3)
        for wait in waits:
            if wait:
                self.sleep(wait)
            if self._closed.is_set():
                LOG.info("webhook %s: retries dropped, the server is stopping", url)
                return False
            if self._try(url, data, headers):
                return False
        LOG.info("webhook %s: all retries failed", url)
        return False

    def _mail(self, sub: Subscription, doc: dict[str, Any]) -> None:
        from email.mime.text import MIMEText  # the email package loads on first use

        parsed = urlparse(sub.subscriber)
        params = {k.lower(): v for k, v in parse_qs(parsed.query).items()}
        kind = doc.get("Message_Type")
        if kind in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
            confirm = self._config.external_confirmation_url
            if not confirm:
                LOG.error("no external_confirmation_url: confirmation e-mail not sent")
                return
            link = (
                f"{confirm}?Signature={doc['URL-Signature']}&Methods={doc['URL-Methods']}"
                f"&Paths={doc['URL-Paths']}&Project={doc['X-Project-ID']}"
                f"&Expires={doc['URL-Expires']}&Url={doc.get('WSGISubscribeURL', '')}"
                f"&Queue={sub.queue}"
            )
            message = MIMEText(
                f"You have chosen to subscribe to the queue: {sub.queue}. This queue belongs "
                f"to project {doc['X-Project-ID']}. To confirm this subscription, click or "
                f"visit this link below: {link}"
                if kind == "SubscriptionConfirmation" else
                f"You have unsubscribed successfully to the queue: {sub.queue}. This queue "
                f"belongs to project {doc['X-Project-ID']}. To resubscribe this subscription, "
                f"click or visit this link below: {link}"
            )
            message["to"] = parsed.path
            message["from"] = "zaqar@example.com"
            message["subject"] = "Confirmation of subscription" if kind == (
                "SubscriptionConfirmation") else "Confirmation of unsubscription"
        else:
            doc["queue_name"] = sub.queue
            message = MIMEText(json.dumps(doc))
            message["to"] = parsed.path
            message["from"] = sub.options.get("from", "")
            subject = params.get("subject")
            message["subject"] = subject[0] if subject else sub.options.get("subject", "")
        self.sender.mail(message)

