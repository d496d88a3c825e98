"""How a long stage tells the user where it is, without knowing how the command shows it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Told a line at each step of a long stage ("Laying out 12/54: chapter-07"), with `step`
    (piece, of how many) when the step is one piece of a counted run, so that the command can draw
    a bar on a terminal. Stages only tell; the command decides how to show it."""

    def __call__(self, message: str, step: tuple[int, int] | None = None) -> None: ...


def silent(message: str, step: tuple[int, int] | None = None) -> None:
    """The progress of a stage nobody watches (tests, library use)."""
