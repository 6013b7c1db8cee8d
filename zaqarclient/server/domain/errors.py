"""Errors of the server's rules, each carrying Zaqar's text (``str(error)``).

::

    DomainError                  a rule refused the request
     +-- ValidationFailed        Zaqar's validation.ValidationFailed (also a ValueError)
     |    +-- BadDocument        a field of the request document has the wrong type or is missing
     +-- DoesNotExist            the queue, message, claim, subscription, pool or flavor is absent
     +-- Conflict                a uniqueness rule (or a patch of a key that is not there)
     +-- Refused                 an operation the stored state forbids (a claimed message, ...)
     +-- NoPoolFound             pooling: no pool can take a new queue
     +-- Crash                   Zaqar itself fails here (a 500 that real clients see)

``status`` is the HTTP status Zaqar answers (its websocket API answers the
same number). ``summary`` is the second text some of Zaqar's answers carry
(the HTTP description where the error has its own title, the websocket
``error`` field); None where Zaqar gives only one.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request; ``str()`` is Zaqar's text for it."""

    status = 400

    def __init__(self, text: str, summary: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.summary = summary


class ValidationFailed(DomainError, ValueError):
    """User input broke one of the API's limits (Zaqar's ``ValidationFailed``)."""


class BadDocument(ValidationFailed):
    """A document field is missing or has the wrong type (Zaqar's ``BadRequest``)."""


class DoesNotExist(DomainError):
    """The thing the request names does not exist."""

    status = 404


class Conflict(DomainError):
    """The request contradicts what is stored."""

    status = 409


class Refused(DomainError):
    """The stored state forbids the operation; ``status`` says how Zaqar answers."""

    def __init__(self, status: int, text: str, summary: str | None = None) -> None:
        super().__init__(text, summary)
        self.status = status


class NoPoolFound(DomainError):
    """No pool can take a new queue (Zaqar's ``NoPoolFound``, same text)."""

    status = 503

    def __init__(self) -> None:
        super().__init__("No pools registered")


class Crash(DomainError):
    """Where Zaqar fails with an internal error, reproduced (falcon answers it with 500)."""

    status = 500
