"""What every delivery protocol shares: where a bundle goes, the calls a connection answers, and
the two ways one fails (try again, or stop)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from ..errors import PressworkError

CHUNK = 64 * 1024


class Transient(Exception):
    """A failure a new connection may not meet (a dropped link, a timeout, a busy server): retried."""


@dataclass(frozen=True)
class Target:
    """Where a bundle goes: the server and the folder on it, never a password."""

    scheme: str
    host: str
    port: int
    user: str | None
    folder: str  # as the URL gives it: absolute for sftp, from the login folder for ftp(s)

    def url(self) -> str:
        """The URL as a receipt or a message may show it (the password is never part of a Target)."""
        user = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}{self.folder or '/'}"

    def remote(self, name: str) -> str:
        """`name`'s path on the server, as the folder is given."""
        return f"{self.folder.rstrip('/')}/{name}" if self.folder.strip("/") else name

    def location(self, name: str) -> str:
        return f"{self.url().removesuffix(self.folder or '/')}/{self.remote(name).lstrip('/')}"


class Transport(Protocol):
    """One connection to the server, its working folder the target's; failures it cannot recover
    from are PressworkError, those a new connection may not meet are Transient."""

    def listdir(self) -> list[str]: ...
    def size(self, name: str) -> int: ...
    def send(self, local: BinaryIO, name: str, offset: int, sent: Callable[[int], None]) -> None: ...
    def sha256(self, name: str) -> str: ...
    def rename(self, name: str, final: str) -> None: ...
    def remove(self, name: str) -> None: ...
    def close(self) -> None: ...


class DiskFull(PressworkError):
    """The server has no room for the file: no retry helps."""
