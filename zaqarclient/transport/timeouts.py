"""Timeouts from a client ``conf``: seconds, or a (connect, read) pair."""

from __future__ import annotations

from zaqarclient.errors import ConfigurationError

#: A timeout: seconds for every phase, or (connect, read) seconds.
Timeout = float | tuple[float, float]

#: Default (connect, read) timeouts in seconds.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 30.0)


def _seconds(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def parse_timeout(value: object) -> Timeout:
    """A timeout from a conf value: positive seconds or a (connect, read) pair; None: default."""
    if value is None:
        return DEFAULT_TIMEOUT
    if _seconds(value):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(map(_seconds, value)):
        return (float(value[0]), float(value[1]))
    raise ConfigurationError(
        f"timeout must be a positive number of seconds or a (connect, read) pair, not {value!r}"
    )


def connect_and_read(value: object) -> tuple[float, float]:
    """:func:`parse_timeout` as a (connect, read) pair: one number serves both phases."""
    limits = parse_timeout(value)
    return limits if isinstance(limits, tuple) else (limits, limits)
