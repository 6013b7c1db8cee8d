"""Progress bars for long CLI operations: drawn with rich on a terminal, silent when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

T = TypeVar("T")


class ProgressBar:
    """One bar on stderr (never stdout: it carries the command's output).

    ``total`` may be unknown (``None``) or an estimate that ``advance`` grows
    past. Nothing is drawn unless ``stream`` is a terminal.
    """

    def __init__(self, description: str, total: int | None, stream: TextIO | None = None,
                 unit: str = "messages") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.total = total
        self.done = 0
        self._description = description
        self._unit = unit
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            try:
                # imported only for a terminal; rich comes with cliff (through cmd2)
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                )
            except ImportError:
                self.enabled = False
                return self

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn(self._unit), TimeElapsedColumn(),
                console=Console(file=self.stream), transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._description, total=self.total)
        return self

    def advance(self, count: int = 1) -> None:
        """``count`` more items are done."""
        self.set(self.done + count)

    def set(self, done: int) -> None:
        """``done`` items are done in all."""
        self.done = done
        if self.total is not None and done > self.total:
            self.total = done
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=self.total)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


def tracked(items: Iterable[T], bar: ProgressBar) -> Iterator[T]:
    """``items``, advancing ``bar`` by one for each."""
    for item in items:
        bar.advance()
        yield item
