"""FTPS delivery with ftplib: explicit TLS (AUTH TLS, then PROT P for the files), the server's
certificate and name checked against the system's authorities or --ca-file; plain FTP only when
the user said it may be insecure."""

from __future__ import annotations

import ftplib
import hashlib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import Location, PressworkError
from .transport import CHUNK, DiskFull, Target, Transient

FULL_REPLIES = ("452", "552")  # RFC 959: insufficient storage; exceeded storage allocation
FULL_WORDS = ("no space left", "quota", "disk full", "insufficient storage")


class FtpTransport:
    """One control connection, in the target folder (the URL's path from the login folder)."""

    def __init__(self, target: Target, user: str, password: str, ca_file: Path | None):
        self.target = target
        if target.scheme == "ftps":
            try:
                context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            except (OSError, ssl.SSLError) as exc:
                raise PressworkError(f"cannot read the certificate authorities: {exc}", Location(ca_file), None) from None
            self.ftp: ftplib.FTP = ftplib.FTP_TLS(context=context, timeout=30)
        else:
            self.ftp = ftplib.FTP(timeout=30)
        with self._errors("logging in"):
            self.ftp.connect(target.host, target.port)
            if isinstance(self.ftp, ftplib.FTP_TLS):
                self.ftp.auth()
            self.ftp.login(user, password)
            if isinstance(self.ftp, ftplib.FTP_TLS):
                self.ftp.prot_p()
            for folder in filter(None, target.folder.split("/")):
                self.ftp.cwd(folder)

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """The server's reply decides: a full disk or a refused login stops, a 4xx or a lost
        connection is Transient, any other 5xx an error."""
        try:
            yield
        except ssl.SSLCertVerificationError as exc:
            raise PressworkError(f"{self.target.url()}: the server's certificate is not trusted ({exc.verify_message})",
                                 None, "give --ca-file with the distributor's certificate authority") from None  # fmt: skip
        except ftplib.Error as exc:
            reply = str(exc).strip()
            if reply.startswith(FULL_REPLIES) or any(w in reply.lower() for w in FULL_WORDS):
                raise DiskFull(f"{self.target.url()}: the server has no room while {what} ({reply})", None,
                               "ask the distributor for room, then upload again") from None  # fmt: skip
            if reply.startswith("530"):
                raise PressworkError(f"{self.target.url()}: the server refused the login ({reply})", None,
                                     "check the user in the URL and PRESSWORK_UPLOAD_PASSWORD or ~/.netrc") from None  # fmt: skip
            if isinstance(exc, ftplib.error_perm):
                raise PressworkError(f"{self.target.url()}: the server refused {what} ({reply})", None, None) from None
            raise Transient(f"{what}: {reply}") from None
        except (OSError, EOFError) as exc:
            raise Transient(f"the connection was lost while {what} ({exc or type(exc).__name__})") from None

    def listdir(self) -> list[str]:
        """NLST read to its end without ftplib's TLS shutdown, which fails on an empty listing
        (the server closes the data connection before TLS 1.3 has settled)."""
        with self._errors("listing the folder"):
            self.ftp.voidcmd("TYPE A")
            with self.ftp.transfercmd("NLST") as conn, conn.makefile("r", encoding=self.ftp.encoding) as lines:
                names = [line.rstrip("\r\n").rsplit("/", 1)[-1] for line in lines]
            self.ftp.voidresp()
        return [name for name in names if name]

    def size(self, name: str) -> int:
        with self._errors(f"reading the size of {name}"):
            self.ftp.voidcmd("TYPE I")  # SIZE counts bytes only in binary mode; a listing left it in ASCII
            return self.ftp.size(name) or 0

    def send(self, local: BinaryIO, name: str, offset: int, sent: Callable[[int], None]) -> None:
        """STOR, or REST and STOR from `offset`; a data connection cut by the server leaves its
        reason on the control connection, read before judging the failure."""
        total = [offset]

        def tick(chunk: bytes) -> None:
            total[0] += len(chunk)
            sent(total[0])

        with self._errors(f"writing {name}"):
            try:
                self.ftp.storbinary(f"STOR {name}", local, CHUNK, tick, rest=offset or None)
            except (OSError, EOFError):
                if self.ftp.sock is not None:
                    self.ftp.sock.settimeout(5)
                    self.ftp.voidresp()  # the server's reason (e.g. 452), raised as its ftplib.Error
                raise

    def sha256(self, name: str) -> str:
        """The SHA-256 of what the server holds, read back."""
        h = hashlib.sha256()
        with self._errors(f"reading {name} back"):
            self.ftp.retrbinary(f"RETR {name}", h.update, CHUNK)
        return h.hexdigest()

    def rename(self, name: str, final: str) -> None:
        with self._errors(f"renaming {name} to {final}"):
            self.ftp.rename(name, final)

    def remove(self, name: str) -> None:
        with self._errors(f"removing {name}"):
            self.ftp.delete(name)

    def close(self) -> None:
        try:
            self.ftp.quit()
        except (OSError, EOFError, ftplib.Error):
            self.ftp.close()
