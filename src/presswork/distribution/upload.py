"""`presswork dist upload`: a bundle onto a distributor's intake server so that the intake never
reads half a file (a temporary name, renamed when whole and checked), an interrupted delivery
resumes instead of starting again, and a receipt proves what arrived."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import netrc
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from ..errors import Location, PressworkError
from ..files import jsonfile
from ..files.output import write_atomic, writing_into
from .bundle import bundle_files
from .transport import CHUNK, DiskFull, Target, Transient, Transport

PASSWORD_VARIABLE = "PRESSWORK_UPLOAD_PASSWORD"
DEFAULT_PORTS = {"sftp": 22, "ftps": 21, "ftp": 21}
PART = ".part-"  # a file in transit is `.<name>.part-<random>`: hidden, and no intake takes it for ONIX or an EPUB


def parse_target(url: str, insecure_ftp: bool) -> Target:
    """The upload URL, refused when it carries a password (it would end in shell history and logs)
    or names a protocol presswork does not deliver by."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise PressworkError(f"--to {scheme or url!r}: presswork uploads to sftp:// or ftps:// servers", None,
                             "e.g. --to sftp://user@intake.example.com/incoming")  # fmt: skip
    if scheme == "ftp" and not insecure_ftp:
        raise PressworkError("--to ftp://: plain FTP sends the password and the files unencrypted", None,
                             "use ftps:// or sftp://, or add --insecure-ftp if the distributor takes nothing else")  # fmt: skip
    if parts.password is not None:
        raise PressworkError("--to: the URL holds a password, which would stay in shell history and logs", None,
                             f"remove it and set {PASSWORD_VARIABLE}, or put the server in ~/.netrc")  # fmt: skip
    if not parts.hostname:
        raise PressworkError(f"--to {url!r}: no server named", None, "e.g. --to sftp://user@intake.example.com/incoming")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise PressworkError(f"--to {url!r}: the port is not a number from 1 to 65535", None, None) from None
    return Target(scheme, parts.hostname, port, unquote(parts.username) if parts.username else None, unquote(parts.path))


def credentials(target: Target) -> tuple[str | None, str | None]:
    """The login and password: the user from the URL, else ~/.netrc; the password from the
    environment, else ~/.netrc (None: an agent's or a key file's key does for sftp)."""
    login = password = None
    try:
        entry = netrc.netrc().authenticators(target.host)
    except FileNotFoundError:
        entry = None
    except (netrc.NetrcParseError, OSError) as exc:
        raise PressworkError(f"~/.netrc cannot be read: {exc}", None, "fix it, or set the password in the environment") from None
    if entry:
        login, _, password = entry
    user = target.user or login
    if target.user and login and target.user != login:
        password = None  # the netrc entry is another account's
    return user, os.environ.get(PASSWORD_VARIABLE) or password


@dataclass(frozen=True)
class BundleFile:
    name: str
    path: Path
    size: int
    sha256: str


def bundle_plan(bundle: Path) -> list[BundleFile]:
    """The bundle's files as its manifest lists them, the metadata last (an intake that starts on an
    ONIX record finds its files already there); anything but a bundle dist made is refused."""
    names = bundle_files(bundle)
    if names is None:
        raise PressworkError("not a bundle presswork made (no manifest.json listing exactly its files)",
                             Location(bundle), "make one with `presswork dist BOOK_DIR` and give its folder")  # fmt: skip
    entries = jsonfile.read(bundle / "manifest.json")["files"]
    files = [BundleFile(e["file"], bundle / e["file"], e["bytes"], e["sha256"]) for e in entries]
    for name in ("checksums.sha256", "manifest.json"):
        data = (bundle / name).read_bytes()
        files.append(BundleFile(name, bundle / name, len(data), hashlib.sha256(data).hexdigest()))
    roles = {e["file"]: e["role"] for e in entries}
    for f in files:
        if f.name in roles and _digest(f.path) != f.sha256:
            raise PressworkError(f"{f.name} is not the file the manifest lists (its SHA-256 differs)", Location(f.path),
                                 "make the bundle again with `presswork dist`")  # fmt: skip
    return sorted(files, key=lambda f: (roles.get(f.name, "metadata").startswith("metadata"), f.name not in roles, f.name))


def local_reader(path: Path, offset: int) -> BinaryIO:
    """The local file from `offset`, as a transport reads it."""
    handle = path.open("rb")
    handle.seek(offset)
    return handle


@dataclass
class Delivery:
    """An upload's settings: how to open a connection, how often to try again, where to tell progress."""

    target: Target
    connect: Callable[[], Transport]
    say: Callable[[str], None]
    retries: int = 4
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    _open: Transport | None = None

    def upload(self, bundle: Path) -> Path:
        """Deliver every file of `bundle`, then write the receipt beside it and return its path."""
        files = bundle_plan(bundle)
        started = _now()
        done = []
        try:
            for f in files:
                self._with_retries(f"{f.name}", lambda: self._deliver(f))
                done.append({"file": f.name, "bytes": f.size, "sha256": f.sha256, "remote": self.target.remote(f.name)})
        finally:
            self._drop()
        return _write_receipt(bundle, {
            "server": self.target.url(), "bundle": bundle.name, "started": started, "finished": _now(),
            "verified": "each file downloaded again from the server and its SHA-256 compared with the manifest's, "
                        "under its temporary name, before the rename",
            "files": done,
        })  # fmt: skip

    def _with_retries(self, what: str, action: Callable[[], None]) -> None:
        for attempt in range(self.retries + 1):
            try:
                return action()
            except Transient as exc:
                self._drop()
                if attempt == self.retries:
                    raise PressworkError(f"{self.target.url()}: {what}: {exc} ({attempt + 1} attempts)", None,
                                         "run the same command again later: it resumes where it stopped") from None  # fmt: skip
                wait = self.backoff * 2**attempt
                self.say(f"{what}: {exc}; trying again in {wait:g} s")
                time.sleep(wait)

    def _transport(self) -> Transport:
        if self._open is None:
            self._open = self.connect()
        return self._open

    def _drop(self) -> None:
        if self._open is not None:
            try:
                self._open.close()
            except Exception:  # a connection already dead closes with whatever error; nothing is left to do
                pass
            self._open = None

    def _deliver(self, f: BundleFile) -> None:
        """Send `f` under a temporary name (resuming a partial one whose bytes are the file's
        beginning), check what arrived, and only then rename it to its own name."""
        t = self._transport()
        part, offset = self._resumable(t, f)
        if offset:
            self.say(f"{f.name}: resuming at {offset:,} of {f.size:,} bytes")
        if offset < f.size:
            with local_reader(f.path, offset) as local:
                try:
                    t.send(local, part, offset, _progress(f, offset, self.say))
                except DiskFull:
                    _quietly(t.remove, part)  # nothing half-written stays on a disk that is full
                    raise
        arrived = t.size(part)
        if arrived != f.size:
            raise Transient(f"{arrived:,} bytes arrived of {f.size:,}")
        if t.sha256(part) != f.sha256:
            t.remove(part)
            raise Transient("what arrived differs from the bundle's file (SHA-256)")
        t.rename(part, f.name)
        self.say(f"{f.name}: {f.size:,} bytes, SHA-256 checked")

    def _resumable(self, t: Transport, f: BundleFile) -> tuple[str, int]:
        """A partial upload of `f` to go on with (its name and size), or a fresh temporary name;
        other partials of it, or one whose bytes are not the file's beginning, are removed."""
        prefix = f".{f.name}{PART}"
        chosen: tuple[str, int] | None = None
        for name in sorted(n for n in t.listdir() if n.startswith(prefix)):
            size = t.size(name)
            if chosen is None and 0 < size <= f.size and t.sha256(name) == _digest(f.path, size):
                chosen = (name, size)
            else:
                t.remove(name)
        return chosen or (f"{prefix}{secrets.token_hex(6)}", 0)


def _progress(f: BundleFile, offset: int, say: Callable[[str], None]) -> Callable[[int], None]:
    """A callback taking the bytes sent so far, saying so at each quarter of the file."""
    shown = [offset * 4 // max(f.size, 1)]

    def sent(total: int) -> None:
        quarter = total * 4 // max(f.size, 1)
        if quarter > shown[0] and total < f.size:
            shown[0] = quarter
            say(f"{f.name}: {quarter * 25}% ({total:,} of {f.size:,} bytes)")

    return sent


def _digest(path: Path, length: int | None = None) -> str:
    """SHA-256 of the file, or of its first `length` bytes."""
    h = hashlib.sha256()
    left = path.stat().st_size if length is None else length
    with path.open("rb") as handle:
        while left > 0 and (chunk := handle.read(min(CHUNK, left))):
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def _quietly(action: Callable[[str], None], name: str) -> None:
    try:
        action(name)
    except Exception:  # best effort after a failure already being reported
        pass


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_receipt(bundle: Path, receipt: dict) -> Path:
    """`upload-<UTC time>.json` beside the bundle (a second one within the same second numbered)."""
    stamp = receipt["finished"].replace(":", "").replace("-", "")
    folder = bundle.resolve().parent
    path, n = folder / f"upload-{stamp}.json", 1
    while path.exists():
        n += 1
        path = folder / f"upload-{stamp}-{n}.json"
    with writing_into(folder):
        write_atomic(path, (json.dumps(receipt, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def connector(target: Target, known_hosts: Path, identity: Path | None, ca_file: Path | None) -> Callable[[], Transport]:
    """How to open a connection to `target`, with the credentials looked up once."""
    user, password = credentials(target)
    if target.scheme == "sftp":
        from .sftp import SftpTransport

        login = user or getpass.getuser()
        return lambda: SftpTransport(target, login, password, known_hosts, identity)
    if not user or password is None:
        raise PressworkError(f"{target.url()}: no login for this server", None,
                             f"give the user in the URL and set {PASSWORD_VARIABLE}, or add the server to ~/.netrc")  # fmt: skip
    from .ftps import FtpTransport

    return lambda: FtpTransport(target, user, password, ca_file)


def dry_run(bundle: Path, target: Target) -> Iterator[str]:
    """What an upload would send where, one line a file, touching no server."""
    for f in bundle_plan(bundle):
        yield f"{f.name} ({f.size:,} bytes) -> {target.location(f.name)}"

