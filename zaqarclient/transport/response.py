"""python-zaqarclient's home of :class:`Response` (it lives in ``transport.request``)."""

from zaqarclient.transport.request import Response

__all__ = ["Response"]
