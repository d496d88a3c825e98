"""presswork watch: the real command in a subprocess on a free port (first build served, rebuilt after
a save, a broken save keeping the last good product under its error, Ctrl-C), and the preview
server on a site of our own (nothing outside the site, GET and HEAD only, 127.0.0.1 only)."""

from __future__ import annotations

import http.client
import io
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, build
from watchfiles import Change

from presswork.backends import BACKENDS
from presswork.cli import main
from presswork.commands.watch import BookChanges
from presswork.preview.server import SCRIPT, Preview, PreviewServer

TIMEOUT = 60  # seconds for a build or a rebuild to show: generous for a loaded 2-core machine


def get(port: int, path: str, method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A raw request: the path is sent as written (no `..` folded away), Host as given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers={"Host": host or f"127.0.0.1:{port}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


class Watching:
    """`presswork watch` in a subprocess, its standard error collected line by line."""

    def __init__(self, *args: str):
        command = [sys.executable, "-c", "from presswork.cli import main; main()", "watch", *args, "--port", "0"]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(self.wait_for_line(r"^Previewing \w+ at http://127\.0\.0\.1:(\d+)/").group(1))

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, after: int = 0) -> re.Match:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if match := re.search(pattern, line):
                    return match
            assert self.process.poll() is None or self.lines[after:], f"watch ended: {self.lines}"
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in {self.lines}")

    def status(self) -> dict:
        return json.loads(get(self.port, "/__presswork/status")[2])

    def wait_for(self, ready: Callable[[dict], bool]) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            status = self.status()
            if ready(status):
                return status
            time.sleep(0.1)
        raise AssertionError(f"status never ready: {status}; terminal: {self.lines}")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user stops it."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        time.sleep(0.1)  # the reader thread takes the last lines
        return code, "\n".join(self.lines)


@pytest.fixture
def watching() -> Iterator[Callable[..., Watching]]:
    started: list[Watching] = []

    def start(*args: str) -> Watching:
        started.append(Watching(*args))
        return started[-1]

    yield start
    for watcher in started:
        if watcher.process.poll() is None:
            watcher.process.kill()
            watcher.process.wait()


@contextmanager
def serving(preview: Preview) -> Iterator[int]:
    """The preview server in a thread of this process, on a free port."""
    server = PreviewServer(preview, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.port
    finally:
        server.shutdown()
        server.server_close()


HOME = "<!DOCTYPE html><html><body><p>Home</p></body></html>"  # a web edition's home page


@contextmanager
def serving_site(folder: Path, files: dict[str, str], seal: Callable[[Path], None] | None = None) -> Iterator[int]:
    """A web edition of `files` (path -> text) in `folder`, sealed as presswork seals its products
    when `seal` is given, served by the preview on a free port."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    if seal:
        seal(folder)
    preview = Preview("web")
    preview.succeeded(folder)
    with serving(preview) as port:
        yield port


def pdf_text(data: bytes) -> str:
    """The PDF's words, spaces whatever their kind (the typography ties short words with no-break ones)."""
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_first_build_is_served_and_a_save_rebuilds_it(small_book, watching, tmp_path):
    root = small_book()
    watcher = watching(str(root), "--product", "pdf", "--jobs", "1", "--out", str(tmp_path / "out"))
    first = watcher.wait_for(lambda s: s["generation"] == 1)
    assert first == {"name": "pdf", "generation": 1, "product": "a-small-book.pdf", "error": None, "building": False}
    code, headers, page = get(watcher.port, "/")
    assert code == 200 and headers["content-type"].startswith("text/html")
    assert b'<iframe src="/a-small-book.pdf?g=1"' in page and f'<script src="{SCRIPT}?g=1"></script></body>'.encode() in page
    code, headers, pdf = get(watcher.port, "/a-small-book.pdf")
    assert (code, headers["content-type"], headers["cache-control"]) == (200, "application/pdf", "no-store")
    assert "Some text with a note" in pdf_text(pdf) and pdf == (tmp_path / "out/a-small-book.pdf").read_bytes()

    (root / "manuscript/chapters/one.md").write_text("# One\n\nFreshly written words.[^a]\n\n[^a]: The note.\n")
    assert watcher.wait_for(lambda s: s["generation"] == 2)["error"] is None
    assert "Freshly written words" in pdf_text(get(watcher.port, "/a-small-book.pdf")[2])
    assert b"?g=2" in get(watcher.port, "/")[2]  # the page now served names the new generation
    watcher.wait_for_line(r"^Rebuilt pdf in \d+\.\d s$")

    code, output = watcher.stop()
    assert code == 0 and output.endswith("Stopped") and "Traceback" not in output, output


def test_a_broken_save_keeps_the_last_good_pdf_and_shows_the_error_until_fixed(small_book, watching, tmp_path):
    root = small_book()
    watcher = watching(str(root), "--jobs", "1", "--out", str(tmp_path / "out"))
    watcher.wait_for(lambda s: s["generation"] == 1)
    good = get(watcher.port, "/a-small-book.pdf")[2]
    chapter = root / "manuscript/chapters/one.md"
    chapter.write_text("# One\n\nA call[^missing] to nothing.\n")
    broken = watcher.wait_for(lambda s: s["error"] is not None)
    expected = next(line for line in build(root, "--out", str(tmp_path / "elsewhere"), fmt="pdf").output.splitlines()
                    if line.startswith("error:"))  # fmt: skip
    assert broken["error"] == expected and "one.md:3: footnote [^missing]" in expected
    assert broken["generation"] == 1 and get(watcher.port, "/a-small-book.pdf")[2] == good
    watcher.wait_for_line("^" + re.escape(expected) + "$")

    (root / "manuscript/book.yaml").write_text(BOOK_YAML.replace("title: A Small Book", "title: [unclosed"))
    assert "book.yaml" in watcher.wait_for(lambda s: "book.yaml" in (s["error"] or ""))["error"]
    assert get(watcher.port, "/a-small-book.pdf")[2] == good

    (root / "manuscript/book.yaml").write_text(BOOK_YAML)
    chapter.write_text("# One\n\nMended at last.\n")
    mended = watcher.wait_for(lambda s: s["generation"] == 2)
    assert mended["error"] is None and "Mended at last" in pdf_text(get(watcher.port, "/a-small-book.pdf")[2])


THREE_CHAPTERS = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n    - chapters/two.md\n    - chapters/three.md\n")
PARAGRAPH = ("The pressman inked the forme with two balls, beat it evenly, laid the sheet on the tympan and pulled "
             "the bar twice, once for each half of the forme, before the sheet was lifted and hung to dry. ")  # fmt: skip


def fresh_build(root: Path, out: Path) -> bytes:
    """The print PDF `build pdf` makes of the book as it is now, with a build cache of its own."""
    result = build(root, "--out", str(out), "--cache", str(out / "cache"), "--jobs", "1", fmt="pdf")
    assert result.exit_code == 0, result.output
    return (out / "a-small-book.pdf").read_bytes()


def chapter_folios(data: bytes) -> tuple[dict[str, str], str]:
    """Each chapter's first folio (its title's page's label), and the contents page's words."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    first = {title: reader.page_labels[next(n for n, text in enumerate(texts) if text.lstrip().startswith(f"CHAPTER {number}"))]
             for number, title in enumerate(("One", "Two", "Three"), 1)}  # fmt: skip
    return first, next(" ".join(text.replace(". ", "").split()) for text in texts if text.lstrip().startswith("Contents"))


def test_the_served_pdf_after_edits_is_the_pdf_a_fresh_build_makes(small_book, watching, tmp_path):
    """A one-word edit (no page moves) and an edit adding pages to the first chapter (every later
    folio and the contents move): after each the PDF served is byte for byte the one `build pdf`
    makes of the same sources, and the later chapters' folios and the contents follow the move."""
    chapters = {f"manuscript/chapters/{name}.md": f"# {name.title()}\n\n" + PARAGRAPH * 6 + "\n"
                for name in ("one", "two", "three")}  # fmt: skip
    root = small_book({"manuscript/book.yaml": THREE_CHAPTERS, **chapters})
    watcher = watching(str(root), "--product", "pdf", "--jobs", "2", "--out", str(tmp_path / "out"),
                       "--cache", str(tmp_path / "watch-cache"))  # fmt: skip
    watcher.wait_for(lambda s: s["generation"] == 1)
    folios, _ = chapter_folios(get(watcher.port, "/a-small-book.pdf")[2])

    two = root / "manuscript/chapters/two.md"
    two.write_text(two.read_text().replace("twice", "thrice", 1))
    assert watcher.wait_for(lambda s: s["generation"] == 2)["error"] is None
    served = get(watcher.port, "/a-small-book.pdf")[2]
    assert "thrice" in pdf_text(served) and served == fresh_build(root, tmp_path / "fresh-1")
    assert chapter_folios(served)[0] == folios

    one = root / "manuscript/chapters/one.md"
    one.write_text(one.read_text() + ("\n" + PARAGRAPH * 6 + "\n") * 4)
    assert watcher.wait_for(lambda s: s["generation"] == 3)["error"] is None
    served = get(watcher.port, "/a-small-book.pdf")[2]
    assert served == fresh_build(root, tmp_path / "fresh-2")
    moved, contents = chapter_folios(served)
    assert moved["One"] == folios["One"] and int(moved["Two"]) > int(folios["Two"]) and int(moved["Three"]) > int(folios["Three"])
    assert f"Two {moved['Two']} 3. Three {moved['Three']}" in contents  # the dot leaders left out
    lines = [line for line in watcher.lines if line.startswith(("Built", "Rebuilt"))]
    assert [line.split(" in ")[0] for line in lines] == ["Built pdf", "Rebuilt pdf", "Rebuilt pdf"], watcher.lines


def test_a_taken_port_is_a_one_line_error(small_book):
    root = small_book()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-c", "from presswork.cli import main; main()", "watch", str(root),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    hint = "stop what listens there, or give another --port (0 picks a free one)"
    assert (result.returncode, result.stderr) == (1, f"error: port {port} on 127.0.0.1 is taken — {hint}\n")


def test_a_folder_without_a_manuscript_is_refused_before_anything_is_served(tmp_path):
    result = CliRunner().invoke(main, ["watch", str(tmp_path), "--port", "0"])
    problem = "no manuscript/ folder here: not a book folder — give the folder that holds manuscript/book.yaml"
    assert (result.exit_code, result.output) == (1, f"error: {tmp_path}: {problem}\n")


def test_before_the_first_good_build_the_page_waits_for_it(tmp_path):
    preview = Preview("pdf")
    preview.failed("error: manuscript/book.yaml:1: broken")
    with serving(preview) as port:
        code, _, page = get(port, "/")
        assert code == 200 and b"No pdf built yet" in page and f'<script src="{SCRIPT}?g=0">'.encode() in page
        assert get(port, "/a-small-book.pdf")[0] == 404
        assert json.loads(get(port, "/__presswork/status")[2])["error"] == "error: manuscript/book.yaml:1: broken"


@pytest.mark.skipif("web" not in BACKENDS, reason="the web edition's backend (product `web`) is not registered yet")
def test_the_web_edition_is_served_with_the_reload_script_added_on_the_way_out(small_book, watching, tmp_path):
    root = small_book()
    watcher = watching(str(root), "--product", "web", "--out", str(tmp_path / "out"))
    assert watcher.wait_for(lambda s: s["generation"] == 1)["product"] == "a-small-book-web"
    code, headers, index = get(watcher.port, "/")
    assert code == 200 and headers["content-type"].startswith("text/html") and SCRIPT.encode() in index
    assert SCRIPT.encode() not in (tmp_path / "out/a-small-book-web/index.html").read_bytes()
    (root / "manuscript/chapters/one.md").write_text("# One\n\nFreshly written words.\n")
    watcher.wait_for(lambda s: s["generation"] == 2)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A preview server over a site folder of our own, with a secret beside it and links out."""
    (tmp_path / "secret.txt").write_text("SECRET beside the site")
    folder = tmp_path / "book-web"
    (folder / "sub").mkdir(parents=True)
    (folder / "index.html").write_text("<!DOCTYPE html><html><body><p>Home</p></body></html>")
    (folder / "sub/page.html").write_text("<!DOCTYPE html><html><BODY><p>Page</p></BODY></html>")
    (folder / "style.css").write_text("p { color: red; }")
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "out").symlink_to(tmp_path)
    preview = Preview("web")
    preview.succeeded(folder)
    with serving(preview) as port:
        yield port, folder


def test_site_pages_get_the_reload_script_and_other_files_come_as_they_are(site):
    port, folder = site
    code, headers, index = get(port, "/")
    assert (code, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert index == f'<!DOCTYPE html><html><body><p>Home</p><script src="{SCRIPT}?g=1"></script></body></html>'.encode()
    assert SCRIPT not in (folder / "index.html").read_text()
    assert get(port, "/sub/page.html")[2].endswith(f'<script src="{SCRIPT}?g=1"></script></BODY></html>'.encode())
    code, headers, css = get(port, "/style.css")
    assert (code, headers["content-type"], css) == (200, "text/css; charset=utf-8", b"p { color: red; }")
    code, headers, script = get(port, SCRIPT)
    assert code == 200 and headers["content-type"].startswith("text/javascript") and b"location.reload()" in script


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/..%2f..%2fsecret.txt", "/sub/%2e%2e/../secret.txt",
    "/..\\secret.txt", "//etc/passwd", "/etc/passwd", "/leak.txt", "/out/secret.txt",
    "/sub", "/index.html%00.txt",
])  # fmt: skip
def test_nothing_outside_the_site_is_served(site, path):
    port, _ = site
    code, _, body = get(port, path)
    assert code in (403, 404) and b"SECRET" not in body and b"root:" not in body


def test_only_get_and_head_are_answered(site):
    port, _ = site
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        code, headers, _ = get(port, "/", method)
        assert (code, headers["allow"]) == (405, "GET, HEAD"), method
    code, headers, body = get(port, "/style.css", "HEAD")
    assert (code, headers["content-length"], body) == (200, "17", b"")


@pytest.fixture
def browser_page(browser):
    page = browser.new_page()
    yield page
    page.close()


def test_the_open_page_shows_a_failed_rebuild_and_reloads_after_a_good_one(tmp_path, browser_page):
    folder = tmp_path / "book-web"
    folder.mkdir()
    (folder / "index.html").write_text("<!DOCTYPE html><html><body><p>Home</p></body></html>")
    preview = Preview("web")
    preview.succeeded(folder)
    with serving(preview) as port:
        page = browser_page
        page.goto(f"http://127.0.0.1:{port}/")
        page.evaluate("window.sinceLoad = true")  # gone once the page reloads
        preview.failed("error: manuscript/chapters/one.md:3: footnote [^x] is referenced but not defined")
        banner = page.get_by_role("alert")
        banner.wait_for(timeout=10_000)
        assert "one.md:3: footnote [^x]" in banner.inner_text() and page.evaluate("window.sinceLoad") is True
        with page.expect_navigation(timeout=10_000):
            preview.succeeded(folder)
        assert page.evaluate("window.sinceLoad") is None and page.get_by_role("alert").count() == 0
        assert page.locator(f'script[src="{SCRIPT}?g=2"]').count() == 1


def test_a_browser_going_away_mid_answer_prints_nothing(capsys):
    server = PreviewServer(Preview("pdf"), 0)
    try:
        try:
            raise BrokenPipeError(32, "Broken pipe")
        except BrokenPipeError:
            server.handle_error(None, ("127.0.0.1", 1))
    finally:
        server.server_close()
    assert capsys.readouterr().err == ""


def test_the_server_listens_on_127_0_0_1_only(site):
    port, _ = site
    with pytest.raises(ConnectionRefusedError):  # another loopback address: answered only by a server on all of them
        socket.create_connection(("127.0.0.2", port), timeout=5)


def test_a_request_naming_another_host_is_refused(site):
    """A web page whose host name an attacker points at 127.0.0.1 (DNS rebinding) gets nothing."""
    port, _ = site
    assert get(port, "/", host=f"attacker.example:{port}")[0] == 403
    assert get(port, "/__presswork/status", host="attacker.example")[0] == 403
    assert get(port, "/", host=f"localhost:{port}")[0] == 200


def test_saves_that_need_no_rebuild_are_ignored(tmp_path):
    book = tmp_path / "book"
    changes = BookChanges([book / "manuscript/build", tmp_path / "cache"])
    wanted = ["manuscript/chapters/one.md", "images/plate.png", "styles/sample.css", "manuscript/build-notes.md"]
    ignored = ["manuscript/build/a-small-book.pdf", "manuscript/chapters/.one.md.swp", "manuscript/chapters/one.md~",
               "manuscript/chapters/4913", "manuscript/chapters/#one.md#", "manuscript/chapters/.goutputstream-X1Y2",
               "images/.plate.png.k2j3h4.tmp.png", "manuscript/.git/index"]  # fmt: skip
    assert [p for p in wanted if not changes(Change.modified, str(book / p))] == []
    assert [p for p in ignored if changes(Change.modified, str(book / p))] == []
    assert not changes(Change.added, str(tmp_path / "cache/piece-0123"))


def test_a_client_that_sends_nothing_is_let_go(site, monkeypatch):
    """A stalled client holds a server thread only for the handler's timeout."""
    from presswork.preview import server

    assert server._Handler.timeout is not None and 0 < server._Handler.timeout <= 60
    monkeypatch.setattr(server._Handler, "timeout", 0.5)
    port, _ = site
    with socket.create_connection(("127.0.0.1", port), timeout=10) as stalled:
        started = time.monotonic()
        assert stalled.recv(1024) == b""  # closed by the server, nothing sent
        assert time.monotonic() - started < 5


def test_a_save_made_while_the_first_build_runs_is_built(small_book, watching, tmp_path):
    """A save that comes after the first build has read the sources, and before it is served: the
    PDF served then is built again, with the save in it (not only at the next save)."""
    chapters = {f"manuscript/chapters/{name}.md": f"# {name.title()}\n\n" + PARAGRAPH * 6 + "\n"
                for name in ("one", "two", "three")}  # fmt: skip
    root = small_book({"manuscript/book.yaml": THREE_CHAPTERS, **chapters})
    watcher = watching(str(root), "--product", "pdf", "--jobs", "1", "-v", "--out", str(tmp_path / "out"),
                       "--cache", str(tmp_path / "watch-cache"))  # fmt: skip
    watcher.wait_for_line(r"Laying out 1/\d+")  # the sources read, the first build under way
    two = root / "manuscript/chapters/two.md"
    two.write_text(two.read_text().replace("twice", "thrice", 1))
    assert watcher.wait_for(lambda s: s["generation"] == 1)["error"] is None
    status = watcher.wait_for(lambda s: s["generation"] == 2 and not s["building"])
    assert status["error"] is None and "thrice" in pdf_text(get(watcher.port, "/a-small-book.pdf")[2])
