"""The `name` filter of queue and topic listings: a regex run in linear time (RE2).

Zaqar's MongoDB driver hands `name` to MongoDB as part of a regex over
``<project>/<queue>`` (zaqar-api.md 4.4.1), so regex syntax is live. Python's
`re` backtracks: ``(a+)+$`` against a 27-character name takes seconds, on the
event loop that serves every client. RE2 guarantees time linear in the name
and bounds the memory a pattern may compile to, so any pattern costs
microseconds per name. It rejects what cannot run in linear time
(backreferences, lookaround); such a pattern gets a 400 naming the problem.

The pattern is searched in each queue name of the caller's project only, so
``^`` and ``$`` anchor at the start and end of the name. MongoDB matches it
against ``project/queue`` with no separate project condition, where a
top-level ``|`` escapes the project prefix and lists other projects' queues.
"""

from __future__ import annotations

from collections.abc import Callable

import re2

from zaqarclient.server.domain.errors import ValidationFailed

# A name filter comes from a query string (at most a few KiB once the request-line
# bound applies); 1 MiB of compiled program is far more than any sane pattern needs.
_MAX_PROGRAM_BYTES = 1 << 20

NameFilter = Callable[[str], bool]


class InvalidNameFilter(ValidationFailed):
    """The `name` parameter is not a pattern this server can evaluate."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern on stderr
    options.max_mem = _MAX_PROGRAM_BYTES
    return options


_OPTIONS = _options()


def compile_name_filter(pattern: str) -> NameFilter:
    """A predicate that tells whether a queue name matches ``pattern`` (a regex search)."""
    try:
        compiled = re2.compile(pattern, options=_OPTIONS)
    except (re2.error, UnicodeEncodeError) as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
        raise InvalidNameFilter(
            f'The "name" parameter is not a regular expression this server can evaluate '
            f"(RE2 syntax; no backreferences or lookaround): {detail}."
        ) from None
    search = compiled.search

    def matches(name: str) -> bool:
        return search(name) is not None

    return matches
