"""Transports: how a :class:`~zaqarclient.transport.request.Request` reaches Zaqar."""
