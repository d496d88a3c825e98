"""Issue 22, the attack review's findings: manifest and page ids that cannot stand twice, a build
that stops at once on Ctrl-C or SIGTERM, and a preview that answers every request with headers and
serves none of presswork's own bookkeeping."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from conftest import BOOK_YAML, ROOT, build, problems, run_epubcheck
from test_safety_names import PNG, TWO_CHAPTERS, error_line
from test_safety_workers import CLI, GRACE, forked, gone_within, kill_all
from test_watch import HOME, get, serving, serving_site

from presswork.files.output import FOLDER_MANIFEST, seal_folder
from presswork.lifeline import jobs_default
from presswork.preview.server import Preview

# -- ids that cannot stand twice --------------------------------------------------------------------


def opf_ids(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as archive:
        return re.findall(r'\bid="([^"]+)"', archive.read("EPUB/package.opf").decode())


def test_images_whose_names_differ_only_in_punctuation_get_distinct_manifest_ids(small_book, tmp_path: Path):
    root = small_book({"images/a.b.png": PNG, "images/a-b.png": PNG, "images/a_b.png": PNG,
                       "manuscript/chapters/one.md": "# One\n\n![One](images/a.b.png)\n\n![Two](images/a-b.png)\n\n"
                                                     "![Three](images/a_b.png)\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    epub = tmp_path / "out/a-small-book.epub"
    ids = opf_ids(epub)
    assert len(ids) == len(set(ids)) and {"img-a-b-png", "img-a-b-png-2", "img-a-b-png-3"} <= set(ids), ids
    assert problems(run_epubcheck(epub, tmp_path)) == []


def test_chapter_ids_that_are_package_ids_leave_the_package_valid(small_book, tmp_path: Path):
    """A chapter keeps its id (it names its file); a font, an image or the title's metadata that
    would have the same id takes the next number."""
    yaml = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n    - chapters/title.md\n"
                             "    - chapters/font.md\n    - chapters/image.md\n    - chapters/contributor.md\n")  # fmt: skip
    root = small_book({"manuscript/book.yaml": yaml, "images/plate.png": PNG,
                       "manuscript/chapters/one.md": "# One\n\n![A plate](images/plate.png)\n",
                       "manuscript/chapters/title.md": "# Title\n\nText.\n",
                       "manuscript/chapters/font.md": "---\nid: LinLibertine_R\n---\n# Font\n\nText.\n",
                       "manuscript/chapters/image.md": "---\nid: img-plate-png\n---\n# Image\n\nText.\n",
                       "manuscript/chapters/contributor.md": "---\nid: contributor-1\n---\n# Contributor\n\nText.\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    epub = tmp_path / "out/a-small-book.epub"
    ids = opf_ids(epub)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"title", "title-2", "LinLibertine_R", "LinLibertine_R-2", "img-plate-png", "img-plate-png-2"} <= set(ids)
    assert problems(run_epubcheck(epub, tmp_path)) == []


@pytest.mark.parametrize(("ident", "two"), [("two-notes", "Text.[^1]\n\n[^1]: A note."), ("two-b3", "Text."),
                                           ("two-nref1", "Text."), ("two-title", "Text.")])  # fmt: skip
def test_an_id_of_a_form_presswork_makes_from_a_later_chapter_is_an_error_naming_both(small_book, ident: str, two: str):
    root = small_book({"manuscript/book.yaml": TWO_CHAPTERS, "manuscript/chapters/one.md": f"# One\n\n## Early {{#{ident}}}\n\nMore.\n",
                       "manuscript/chapters/two.md": f"# Two\n\n{two}\n"})  # fmt: skip
    line = error_line(root)
    assert line.startswith(f"error: manuscript/chapters/two.md:1: id 'two' makes the id {ident!r}"), line
    assert "(manuscript/chapters/one.md:3)" in line


@pytest.mark.parametrize("ident", ["one-notes", "ONE-b2", "one-nref3-2", "one-fig9", "one-n4"])
def test_an_id_of_a_form_presswork_makes_from_an_earlier_chapter_is_an_error(small_book, ident: str):
    root = small_book({"manuscript/chapters/one.md": f"# One\n\nText.\n\n## Later {{#{ident}}}\n\nMore.\n"})
    line = error_line(root)
    assert line.startswith(f"error: manuscript/chapters/one.md:5: id {ident!r} is one presswork makes from id 'one'"), line
    assert "(defined at manuscript/chapters/one.md:1)" in line


@pytest.mark.parametrize("ident", ["main", "page-12", "page-iv", "index-A", "site-search", "chronology-2-3",
                                   "contents-title", "titlepage-title"])  # fmt: skip
def test_ids_presswork_writes_into_every_book_are_refused(small_book, ident: str):
    root = small_book({"manuscript/chapters/one.md": f"# One\n\nText.\n\n## Later {{#{ident}}}\n\nMore.\n"})
    assert "error: manuscript/chapters/one.md:5: id" in error_line(root)


def test_a_glossary_term_and_a_person_reserve_their_definition_and_text(small_book):
    yaml = BOOK_YAML.replace("  body:\n", "  back:\n    - glossary.yaml\n  body:\n")
    root = small_book({"manuscript/book.yaml": yaml,
                       "manuscript/glossary.yaml": "terms:\n  - term: Forme\n    id: forme\n    definition: A frame.\n",
                       "manuscript/chapters/one.md": "# One\n\nText.\n\n## Forme {#forme-def}\n"})  # fmt: skip
    assert "id 'forme' makes the id 'forme-def'" in error_line(root)


def test_a_file_named_like_an_id_presswork_writes_gets_another_id(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", "chapters/main.md"),
                       "manuscript/chapters/main.md": "# Main\n\nText.\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path / "out"), "-q", fmt="web")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/a-small-book-web/main-text.html").is_file()


# -- the preview --------------------------------------------------------------------------------------


def _raw_reply(port: int, request: bytes) -> bytes:
    """Everything the server sends back to `request`, sent byte for byte, until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return reply


@pytest.fixture
def site(tmp_path: Path):
    with serving_site(tmp_path / "book-web", {"index.html": HOME, ".hidden.html": "<p>not for serving</p>"}, seal_folder) as port:
        yield port


@pytest.mark.parametrize("line", [b"GARBAGE", b"GET / HTTP/2.0", b"GET / HTTPS/1.1", b"GET /"])
def test_a_request_line_the_server_cannot_take_gets_a_400_or_505_with_framing_headers(site, line: bytes):
    reply = _raw_reply(site, line + b"\r\n\r\n")
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    assert head[0].split()[1] in ("400", "505"), reply[:200]
    assert "X-Frame-Options: DENY" in head and "Content-Security-Policy: frame-ancestors 'none'" in head
    assert b"Home" not in reply


@pytest.mark.parametrize("path", [f"/{FOLDER_MANIFEST}", "/.hidden.html", "/%2Ehidden.html", "/sub/../.hidden.html"])
def test_the_preview_serves_no_dot_file_of_the_product(site, path: str):
    assert get(site, path)[0] == 404
    assert get(site, "/")[0] == 200


def test_a_link_to_a_dot_file_is_not_served_either(tmp_path: Path):
    folder = tmp_path / "book-web"
    folder.mkdir()
    seal_folder(folder)
    (folder / "manifest.txt").symlink_to(FOLDER_MANIFEST)
    preview = Preview("web")
    preview.succeeded(folder)
    with serving(preview) as port:
        assert get(port, "/manifest.txt")[0] == 404


# -- a build stopped by Ctrl-C or SIGTERM ---------------------------------------------------------


@dataclass
class Stopped:
    workers: list[psutil.Process]
    gone_after: float | None  # seconds from the signal until the build and its workers had ended
    code: int | None
    stderr: str
    left: list[str]  # what the output folder held afterwards


@pytest.fixture(scope="module")
def synth_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if jobs_default() < 2:
        pytest.skip("one core: --jobs 2 runs as --jobs 1, with no workers")
    book = tmp_path_factory.mktemp("synth") / "book"
    # Two long chapters: a worker lays each out for many seconds, longer than a stop may take.
    subprocess.run([sys.executable, str(ROOT / "tools" / "synthbook.py"), str(book), "--chapters", "2",
                    "--words", "200000", "--notes", "100", "--no-back-matter"], check=True, capture_output=True)  # fmt: skip
    return book


def stop_while_laying_out(book: Path, tmp_path: Path, signum: int) -> Stopped:
    """`build pdf --jobs 2`, sent `signum` (to the parent alone) once both workers are laying out."""
    out = tmp_path / "out"
    command = [*CLI, "build", "pdf", str(book), "--out", str(out), "--jobs", "2", "--cache", str(tmp_path / "cache")]
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(running.pid)  # its command line may still be pytest's, before the exec: `command` is what its workers show
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        while running.poll() is None and time.monotonic() < deadline:
            workers = forked(parent, command)
            if len(workers) == 2 and all(sum(w.cpu_times()[:2]) > 0.5 for w in workers):  # past their start: laying out
                break
            time.sleep(0.02)
        if running.poll() is not None:
            assert running.stderr is not None
            pytest.fail("the build ended before both workers were laying out: " + running.stderr.read()[-2000:])
        assert len(workers) == 2, f"{len(workers)} workers after two minutes"
        os.kill(running.pid, signum)
        gone_after = gone_within([parent, *workers], GRACE)
        code = running.wait(timeout=60)
        assert running.stderr is not None
        return Stopped(workers, gone_after, code, running.stderr.read(), sorted(p.name for p in out.iterdir()) if out.exists() else [])
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
        kill_all(workers)


@pytest.mark.slow  # a synthetic book laid out in two workers, then stopped
@pytest.mark.parametrize(("signum", "code", "line"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_a_parallel_build_stops_at_once_on_a_signal_to_its_process(synth_book: Path, tmp_path: Path, signum: int, code: int, line: str):
    stopped = stop_while_laying_out(synth_book, tmp_path, signum)
    assert stopped.gone_after is not None, f"the build or a worker still ran {GRACE} s after {signal.Signals(signum).name}"
    assert (stopped.code, stopped.stderr.splitlines()[-1:]) == (code, [line]), stopped.stderr[-2000:]
    assert "Traceback" not in stopped.stderr
    assert stopped.left == []  # no staging folder, no half product
