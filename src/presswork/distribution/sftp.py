"""SFTP delivery with paramiko: the server's host key must be the one in a known_hosts file (never
accepted on first sight), the login by a key from the agent or a key file (or a password from the
environment or ~/.netrc)."""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import paramiko

from ..errors import Location, PressworkError
from .transport import CHUNK, DiskFull, Target, Transient


class _Reject(paramiko.RejectPolicy):
    """A server not in known_hosts is refused, with what to do about it."""

    def __init__(self, known_hosts: Path):
        self.known_hosts = known_hosts

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise PressworkError(f"sftp: {hostname} is not in {self.known_hosts} (its {key.get_name()} key is "
                             f"SHA256:{key.fingerprint.removeprefix('SHA256:')})", Location(self.known_hosts),
                             "check that fingerprint with the distributor, then add the server's key "
                             "(ssh-keyscan) to that file, or give --known-hosts")  # fmt: skip


class SftpTransport:
    """One SSH connection and its SFTP session, in the target folder."""

    def __init__(self, target: Target, user: str, password: str | None, known_hosts: Path, identity: Path | None):
        self.target = target
        self.client = paramiko.SSHClient()
        try:
            self.client.load_host_keys(str(known_hosts))
        except (OSError, paramiko.SSHException) as exc:
            raise PressworkError(f"cannot read the known hosts: {exc}", Location(known_hosts),
                                 "give --known-hosts FILE with the server's key (its fingerprint checked with the distributor)") from None  # fmt: skip
        self.client.set_missing_host_key_policy(_Reject(known_hosts))
        try:
            self.client.connect(target.host, target.port, user, password=password, allow_agent=True,
                                key_filename=str(identity) if identity else None, look_for_keys=identity is None,
                                timeout=30, banner_timeout=30, auth_timeout=30)  # fmt: skip
        except paramiko.BadHostKeyException as exc:
            self.client.close()
            raise PressworkError(f"{target.url()}: the server's host key is not the one in {known_hosts} "
                                 f"(it sent {exc.key.get_name()} SHA256:{exc.key.fingerprint.removeprefix('SHA256:')})",
                                 Location(known_hosts), "stop: ask the distributor whether the key really changed") from None  # fmt: skip
        except paramiko.AuthenticationException as exc:
            self.client.close()
            raise PressworkError(f"{target.url()}: the server refused the login of {user} ({exc})", None,
                                 "load the key into ssh-agent or give --identity FILE; a password comes from "
                                 "PRESSWORK_UPLOAD_PASSWORD or ~/.netrc") from None  # fmt: skip
        except PressworkError:
            self.client.close()
            raise
        except (OSError, EOFError, paramiko.SSHException) as exc:
            self.client.close()
            raise Transient(f"cannot connect ({exc or type(exc).__name__})") from None
        with self._errors(f"opening the folder {target.folder or '~'}"):
            self.sftp = self.client.open_sftp()
            if target.folder:
                self.sftp.chdir(target.folder)

    @contextmanager
    def _errors(self, what: str, writing: bool = False) -> Iterator[None]:
        """A lost connection is Transient; a refusal by a live server is an error, one that stops
        a write a full disk (OpenSSH's SFTP v3 says only "Failure" for ENOSPC and EDQUOT)."""
        try:
            yield
        except (OSError, EOFError, paramiko.SSHException) as exc:
            transport = self.client.get_transport()
            if transport is None or not transport.is_active() or not isinstance(exc, OSError):
                raise Transient(f"the connection was lost while {what} ({exc or type(exc).__name__})") from None
            if writing and exc.errno not in (errno.ENOENT, errno.EACCES):
                raise DiskFull(f"{self.target.url()}: the server stopped {what} ({exc}): its disk is full or the "
                               "account over its quota", None, "ask the distributor for room, then upload again") from None  # fmt: skip
            raise PressworkError(f"{self.target.url()}: the server refused {what} ({exc})", None, None) from None

    def listdir(self) -> list[str]:
        with self._errors("listing the folder"):
            return self.sftp.listdir(".")

    def size(self, name: str) -> int:
        with self._errors(f"reading the size of {name}"):
            return self.sftp.stat(name).st_size or 0

    def send(self, local: BinaryIO, name: str, offset: int, sent: Callable[[int], None]) -> None:
        with self._errors(f"writing {name}", writing=True):
            with self.sftp.open(name, "r+b" if offset else "wb") as remote:
                remote.set_pipelined(True)
                remote.seek(offset)
                total = offset
                while chunk := local.read(CHUNK):
                    remote.write(chunk)
                    total += len(chunk)
                    sent(total)
            kept = self.sftp.stat(name).st_size or 0
            if kept < total:  # a live server that drops acknowledged writes: OpenSSH on a full disk
                raise OSError(f"it kept {kept:,} of {total:,} bytes")

    def sha256(self, name: str) -> str:
        """The SHA-256 of what the server holds, read back (OpenSSH offers no checksum of its own)."""
        h = hashlib.sha256()
        with self._errors(f"reading {name} back"):
            with self.sftp.open(name, "rb") as remote:
                remote.prefetch()
                while chunk := remote.read(CHUNK):
                    h.update(chunk)
        return h.hexdigest()

    def rename(self, name: str, final: str) -> None:
        """Over a file of that name in one step (OpenSSH's posix-rename), else remove it first."""
        with self._errors(f"renaming {name} to {final}"):
            try:
                self.sftp.posix_rename(name, final)
            except OSError:
                if final in self.sftp.listdir("."):
                    self.sftp.remove(final)
                self.sftp.rename(name, final)

    def remove(self, name: str) -> None:
        with self._errors(f"removing {name}"):
            self.sftp.remove(name)

    def close(self) -> None:
        self.client.close()
