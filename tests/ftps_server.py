"""A pyftpdlib FTPS server for tests/test_upload.py, run as its own process (so a test stops it by
its PID): explicit TLS required on control and data, one user, and optionally a disk that is full
after N bytes (ENOSPC from the file system, as a real full disk raises it, for the write that
crosses the limit and for every file opened for writing after it: pyftpdlib's reply to the first,
426 after the TLS data connection is torn down, does not reach a client that has seen the reset).

    python ftps_server.py ROOT CERT KEY USER PASSWORD [--full-after N]

Prints the port it listens on (127.0.0.1), then serves until killed."""

from __future__ import annotations

import argparse
import errno
import os

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.filesystems import AbstractedFS
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.servers import FTPServer


class _Budget:
    left: int | None = None  # bytes the whole disk still takes; None: no limit


class _Limited:
    """A file being written on a disk with `_Budget.left` bytes free."""

    def __init__(self, handle):
        self._handle = handle

    def write(self, data: bytes) -> int:
        if _Budget.left is not None:
            if len(data) > _Budget.left:
                self._handle.write(data[: _Budget.left])
                _Budget.left = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            _Budget.left -= len(data)
        return self._handle.write(data)

    def __getattr__(self, name: str):
        return getattr(self._handle, name)


class LimitedFS(AbstractedFS):
    def open(self, filename, mode):
        writing = any(c in mode for c in "wa+")
        if writing and _Budget.left == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        handle = super().open(filename, mode)
        return _Limited(handle) if writing else handle


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("root", "cert", "key", "user", "password"):
        parser.add_argument(name)
    parser.add_argument("--full-after", type=int)
    args = parser.parse_args()
    _Budget.left = args.full_after
    authorizer = DummyAuthorizer()
    authorizer.add_user(args.user, args.password, args.root, perm="elradfmwMT")
    handler = TLS_FTPHandler
    handler.certfile, handler.keyfile = args.cert, args.key
    handler.tls_control_required = handler.tls_data_required = True
    handler.authorizer = authorizer
    handler.abstracted_fs = LimitedFS
    server = FTPServer(("127.0.0.1", 0), handler)
    print(server.address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
