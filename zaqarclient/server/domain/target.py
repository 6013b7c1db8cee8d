"""What a queue-level request acts on: a project's queue, or a project's topic."""

from __future__ import annotations

from typing import NamedTuple

from zaqarclient.server.storage.base import topic_scope


class Target(NamedTuple):
    """A queue (or, with ``topic``, a topic) of a project.

    Topics live in a storage scope of their own (``topic_scope``), so a
    topic and a queue of the same name never meet.
    """

    project: str
    name: str
    topic: bool = False

    @property
    def scope(self) -> str:
        """The storage scope: the project, or the project's topic namespace."""
        return topic_scope(self.project) if self.topic else self.project

    @property
    def kind(self) -> str:
        """``Queue`` or ``Topic``, as Zaqar's texts spell it."""
        return "Topic" if self.topic else "Queue"
