"""Serve the latest good product to a browser on this machine only, and tell its page when to reload.

A PDF is shown in a small page of our own that embeds it; a site (the web edition's folder) is
served file by file from inside that folder and nowhere else. Every HTML response gets one script
tag added on its way out (never in the product's files): the script polls STATUS, reloads the page
after a successful rebuild and shows a failed one's error over the last good product.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import sys
import threading
from dataclasses import asdict, dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..errors import PressworkError

HOST = "127.0.0.1"  # never another interface: a preview of an unpublished book is for this machine only
STATUS = "/__presswork/status"  # JSON: the generation, the last rebuild's error, whether one is running
SCRIPT = "/__presswork/reload.js"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# No other site may frame the preview (clickjacking, or reading the book through a frame); only the
# PDF is framed, by the preview's own page. A policy of frame-ancestors alone blocks no script, so a
# web edition's own pages and the reload script run as they would without it.
NO_FRAME = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
SAME_ORIGIN_FRAME = {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}

# Polls STATUS: a generation other than the one the page was served with means a newer product,
# so the page reloads; an error shows as a banner over the page until a rebuild succeeds. Elements
# are styled through the CSSOM, which a product's Content-Security-Policy does not block.
RELOAD_JS = """\
(function () {
  "use strict";
  var served = Number(new URL(document.currentScript.src).searchParams.get("g"));
  var banner = null, badge = null;
  function box(css) {
    var el = document.createElement("div");
    el.style.cssText = "position:fixed;z-index:2147483647;font:14px/1.4 system-ui,sans-serif;" + css;
    document.body.appendChild(el);
    return el;
  }
  function show(status) {
    if (status.error && !banner) {
      banner = box("top:0;left:0;right:0;padding:.75em 1em;background:#b00020;color:#fff;white-space:pre-wrap");
      banner.setAttribute("role", "alert");
    }
    if (banner) {
      banner.textContent = status.error ? "Rebuild failed; showing the last good build.\\n" + status.error : "";
      banner.hidden = !status.error;
    }
    if (status.building && !badge) {
      badge = box("bottom:1em;right:1em;padding:.3em .8em;border-radius:1em;background:#333;color:#fff");
      badge.textContent = "Rebuilding\\u2026";
    }
    if (badge) badge.hidden = !status.building;
  }
  function poll() {
    fetch("STATUS", {cache: "no-store"}).then(function (response) { return response.json(); }).then(
      function (status) {
        if (status.generation !== served) { location.reload(); return; }
        show(status);
        setTimeout(poll, 400);
      },
      function () { setTimeout(poll, 2000); });  // the server stopped for a moment: keep asking
  }
  poll();
})();
""".replace('"STATUS"', f'"{STATUS}"')

PDF_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{name} · presswork preview</title>
<style>html, body {{ margin: 0; height: 100%; background: #525659; }}
iframe {{ display: block; width: 100%; height: 100%; border: 0; }}</style></head>
<body><iframe src="/{url}?g={generation}" title="{name}"></iframe></body>
</html>
"""

WAITING_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{name} · presswork preview</title></head>
<body><p style="font: 16px system-ui, sans-serif; margin: 2em">No {name} built yet: the page shows it when a build succeeds.</p></body>
</html>
"""


@dataclass(frozen=True)
class Status:
    """One moment of the preview, replaced whole (never changed in place) so a reader sees it consistent."""

    name: str  # the product's name: pdf, web …
    generation: int = 0  # successful builds so far: a page served at an older one reloads
    product: Path | None = None  # the last good product: a PDF file or a site's folder
    error: str | None = None  # the last build's one-line error, shown over the last good product
    building: bool = False


class Preview:
    """What the server shows: changed by the watcher's thread, read by the server's threads."""

    def __init__(self, name: str):
        self._lock = threading.Lock()
        self._status = Status(name)

    def snapshot(self) -> Status:
        with self._lock:
            return self._status

    def started(self) -> None:
        with self._lock:
            self._status = replace(self._status, building=True)

    def succeeded(self, product: Path) -> None:
        with self._lock:
            self._status = replace(self._status, generation=self._status.generation + 1, product=product,
                                   error=None, building=False)  # fmt: skip

    def failed(self, error: str) -> None:
        with self._lock:
            self._status = replace(self._status, error=error, building=False)


class PreviewServer(ThreadingHTTPServer):
    """The server, bound to HOST at once so that a taken port fails before a long first build."""

    daemon_threads = True  # a page's open request does not keep Ctrl-C waiting

    def __init__(self, preview: Preview, port: int):
        self.preview = preview
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PressworkError(f"port {port} on {HOST} is taken", None,
                                     "stop what listens there, or give another --port (0 picks a free one)") from None  # fmt: skip
            raise PressworkError(f"cannot listen on {HOST}:{port}: {exc.strerror}", None,
                                 "give another --port (0 picks a free one)") from None  # fmt: skip

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that goes away mid-answer (a reload, a closed tab) is no error; anything else
        is one line on standard error, not socketserver's traceback."""
        problem = sys.exc_info()[1]
        if not isinstance(problem, ConnectionError):
            print(f"internal error: preview server: {type(problem).__name__}: {problem}", file=sys.stderr)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "presswork-preview"
    timeout = 30  # seconds a client may take to send its request: a stalled one does not hold a thread forever
    framing = NO_FRAME  # the next response's framing headers
    # What the stdlib assumes of a request line it cannot read (`GARBAGE`, `GET / HTTP/2.0`): with
    # its default, HTTP/0.9, the refusal goes out as a bare body with no status line or header.
    default_request_version = "HTTP/1.0"

    def parse_request(self) -> bool:
        """Read the request line and headers; refuse HTTP/0.9's `GET /` (no version), whose answer
        would carry no header at all, the framing headers included."""
        if not super().parse_request():
            return False
        if len(self.requestline.split()) != 3:
            self.send_error(400, "Bad request: HTTP/1.0 or HTTP/1.1 only")
            return False
        return True

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _not_found(self, send_body: bool) -> None:
        self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)

    def _refuse_method(self) -> None:
        self._send(405, b"only GET and HEAD\n", "text/plain; charset=utf-8", True, {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for rebuilds and their errors, not for every request."""

    def _answer(self, send_body: bool) -> None:
        if len(self.headers.get_all("Host", [])) > 1:  # which one a proxy or cache would take is anyone's guess
            self._send(400, b"one Host header, please\n", "text/plain; charset=utf-8", send_body)
            return
        if not self._from_this_machine():
            self._send(403, b"this preview answers only to 127.0.0.1 and localhost\n", "text/plain; charset=utf-8", send_body)
            return
        if self._for_another_site():
            self._send(403, b"this preview's files are for its own pages only\n", "text/plain; charset=utf-8", send_body)
            return
        path = urlsplit(self.path).path
        status = self.server.preview.snapshot()
        if path == STATUS:
            data = {**asdict(status), "product": status.product.name if status.product else None}
            self._send(200, json.dumps(data).encode(), "application/json", send_body)
        elif path == SCRIPT:
            self._send(200, RELOAD_JS.encode(), "text/javascript; charset=utf-8", send_body)
        elif status.product is None:
            self._page(path, WAITING_PAGE.format(name=html.escape(status.name)), status, send_body)
        elif status.product.is_dir():
            self._site_file(status.product, path, status, send_body)
        elif path == "/" + quote(status.product.name):
            self.framing = SAME_ORIGIN_FRAME  # the preview's own page shows the PDF in a frame
            self._file(status.product, "application/pdf", status, send_body)
        else:
            page = PDF_PAGE.format(name=html.escape(status.product.name), url=quote(status.product.name),
                                   generation=status.generation)  # fmt: skip
            self._page(path, page, status, send_body)

    def _from_this_machine(self) -> bool:
        """Whether the Host header names this server: a web page that points its own host name at
        127.0.0.1 (DNS rebinding) must not read an unpublished book through the reader's browser."""
        host = self.headers.get("Host", "")
        return host in {f"{name}:{self.server.port}" for name in (HOST, "localhost")}

    def _for_another_site(self) -> bool:
        """Whether the browser says another site's page asks for a file (not a page the reader opens):
        a page anywhere on the web could otherwise include js/search-index.js, with a right Host,
        and read the unpublished book. Browsers without these headers obey the resource policy."""
        return (self.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site")
                and self.headers.get("Sec-Fetch-Mode") != "navigate")  # fmt: skip

    def _page(self, path: str, page: str, status: Status, send_body: bool) -> None:
        if path != "/":
            self._not_found(send_body)
            return
        self._send(200, with_reload(page.encode(), status.generation), "text/html; charset=utf-8", send_body)

    def _site_file(self, site: Path, path: str, status: Status, send_body: bool) -> None:
        found = site_file(site, path)
        if found is None:
            self._not_found(send_body)
            return
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        self._file(found, kind, status, send_body)

    def _file(self, path: Path, kind: str, status: Status, send_body: bool) -> None:
        try:
            data = path.read_bytes()  # one read: a rebuild renames a new file in, never rewrites this one
        except OSError:  # replaced or removed between the look-up and the read
            self._not_found(send_body)
            return
        if kind in HTML_TYPES:
            data = with_reload(data, status.generation)
        if kind.startswith("text/") or kind in HTML_TYPES:
            kind += "; charset=utf-8"
        self._send(200, data, kind, send_body)

    def _send(self, code: int, body: bytes, kind: str, send_body: bool, extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        headers = {"Content-Type": kind, "Content-Length": str(len(body)), "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff",
                   "Cross-Origin-Resource-Policy": "same-origin", **(extra or {})}  # fmt: skip
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def end_headers(self) -> None:
        """Every response says who may frame it, the server's own refusals (a malformed request) included."""
        for name, value in self.framing.items():
            self.send_header(name, value)
        self.framing = NO_FRAME
        super().end_headers()


def site_file(site: Path, url_path: str) -> Path | None:
    """The regular file inside `site` that a URL path names (a folder's index.html for a path ending
    in /), or None: a segment starting with a dot (`..`, `.`, presswork's own `.presswork-files`;
    encoded or not), a backslash, a NUL, or a path whose symlinks lead out of the site or to a dot-file
    is no file of the site's."""
    raw = unquote(url_path)
    segments = raw.split("/")
    if "\\" in raw or "\0" in raw or any(s.startswith(".") for s in segments):
        return None
    target = site.joinpath(*(s for s in segments if s))
    if raw.endswith("/"):
        target /= "index.html"
    try:
        real, root = target.resolve(strict=True), site.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a link loop
        return None
    if not real.is_relative_to(root) or any(part.startswith(".") for part in real.relative_to(root).parts):
        return None
    return real if real.is_file() else None


def with_reload(page: bytes, generation: int) -> bytes:
    """`page` with the reload script's tag before its last </body> (at its end when it has none).
    The tag names the generation served, which the script compares with the server's."""
    tag = f'<script src="{SCRIPT}?g={generation}"></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag
