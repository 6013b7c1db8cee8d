"""zaqarclient: a typed Python SDK, CLI and reference server for OpenStack Zaqar."""

__version__ = "0.1.0"
