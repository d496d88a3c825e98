"""Choices made on the command line for one build, as opposed to those kept in book.yaml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    require_azw3: bool = False  # fail, rather than warn, when calibre cannot make the AZW3
