"""Issue 22, points 4–6: every hostile input ends in one line (forged records, manifests and cache
entries; revisions longer than git allows; odd arguments to every command), a flood of one warning
is summarised (and `check` still lists it all), and the preview refuses two Host headers and being
framed by another site."""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, CHAPTER
from hostile import assert_clean_failure
from test_catalogue import fake_cluster
from test_watch import HOME, get, serving, serving_site

from presswork.catalogue.outputs import RECORD, _read
from presswork.cli import main
from presswork.commands.proof import MADE, _made
from presswork.distribution.bundle import bundle_files
from presswork.errors import SHOWN_OF_A_KIND, Location, PressworkError, Warning_, summarised
from presswork.files import jsonfile
from presswork.files.revisions import check_revision
from presswork.layout.typeset import _MAGIC, LaidOut
from presswork.pipeline import page_map_from_json
from presswork.preview.server import SCRIPT, Preview

ROOT = Path(__file__).resolve().parent.parent
FORGED = b"[" * 100_000  # the battery's forged record: the parser's recursion, not its size


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# -- 4. every input ends in one line ----------------------------------------------------------------


def test_json_nested_deeper_than_presswork_writes_is_damaged_and_found_at_once():
    started = time.perf_counter()
    with pytest.raises(ValueError, match="nested more than"):
        jsonfile.loads(FORGED)
    assert time.perf_counter() - started < 1
    deepest = "[" * jsonfile.MAX_DEPTH + "]" * jsonfile.MAX_DEPTH
    assert jsonfile.loads(deepest) is not None
    assert jsonfile.loads(json.dumps({"a": "[[[[" * 40 + '\\"{'})) == {"a": "[[[[" * 40 + '\\"{'}  # brackets in strings
    with pytest.raises(ValueError):
        jsonfile.loads(json.dumps([[[["x"]]]]).replace("]", "", 1))


def _record(folder: Path, data: bytes) -> object:
    (folder / RECORD).write_bytes(data)
    return _read(folder / RECORD)


def _proof(folder: Path, data: bytes) -> object:
    (folder / MADE).write_bytes(data)
    return _made(folder)


def _manifest(folder: Path, data: bytes) -> object:
    (folder / "manifest.json").write_bytes(data)
    (folder / "checksums.sha256").write_bytes(b"")
    return bundle_files(folder)


READERS = {  # each reader of JSON presswork wrote, and what it makes of a damaged file
    "catalogue record": (_record, {}),
    "proof record": (_proof, {}),
    "dist manifest": (_manifest, None),
    "page map cache entry": (lambda folder, data: page_map_from_json(data), None),
    "laid-out piece cache entry": (lambda folder, data: LaidOut.from_bytes(_MAGIC + b"%d\n" % len(data) + data + b"%PDF-"), None),
}


@pytest.mark.parametrize("reader", READERS)
def test_every_json_presswork_reads_back_takes_a_forged_one_as_damaged(tmp_path: Path, reader: str):
    read, damaged = READERS[reader]
    assert read(tmp_path, FORGED) == damaged


def test_a_fifo_in_place_of_the_catalogue_record_is_not_waited_on(tmp_path: Path):
    os.mkfifo(tmp_path / RECORD)
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(_read(tmp_path / RECORD)), daemon=True)
    reader.start()
    reader.join(10)
    assert found == [{}]


def test_a_forged_catalogue_record_is_rebuilt_not_a_crash(small_book, monkeypatch, tmp_path: Path):
    fake_cluster(monkeypatch)
    folder = tmp_path / "list"
    shutil.copytree(small_book(), folder / "books" / "small")
    (folder / "catalogue.yaml").write_text("books: [books/*]\nproducts: [epub]\nepubcheck: false\nout: out\n")
    (folder / "out").mkdir()
    (folder / "out" / RECORD).write_bytes(FORGED)
    result = invoke("catalogue", "build", str(folder / "catalogue.yaml"))
    assert result.exit_code == 0, result.output
    assert "small" in json.loads((folder / "out" / RECORD).read_text())["books"]


@pytest.mark.parametrize("revision", ["a" * 300, "a/" * 3000, "x" * 100_000, "HEAD\nHEAD", "HEAD\x01", "\x7f"])
def test_a_revision_git_cannot_have_is_a_one_line_error(tmp_path: Path, revision: str):
    line = assert_clean_failure(invoke("diff", revision, "HEAD", str(tmp_path)))
    assert len(line) < 300 and "Checking out" not in line


def test_revision_names_are_bounded_as_git_stores_them():
    check_revision("refs/heads/" + "b" * 255)
    with pytest.raises(PressworkError, match="longer than a git revision can be"):
        check_revision("refs/heads/" + "b" * 256)


ODD = {
    "long name": "a" * 300,
    "long path": "a/" * 3000,
    "huge": "x" * 100_000,
    "NUL": "book\x00",
    "unpaired surrogate": "\ud800",
    "bidi override": "\u202eevil",
    "newline": "two\nlines",
}


def _commands(base: Path, odd: str) -> dict[str, list[str]]:
    book, legacy = base / "book", ROOT / "tests/fixtures/legacy-small.txt"
    return {
        "build": ["build", "epub", str(book), "--out", f"{base}/out/{odd}"],
        "build book": ["build", "epub", odd],
        "check": ["check", odd],
        "diff": ["diff", odd, "HEAD", str(book)],
        "diff files": ["diff", "a.epub", odd],
        "dist": ["dist", str(book), "--out", f"{base}/dist/{odd}"],
        "proof": ["proof", odd],
        "catalogue build": ["catalogue", "build", odd],
        "import legacy-text": ["import", "legacy-text", str(legacy), "--out", f"{base}/import/{odd}"],
        "import a named export": ["import", "legacy-text", odd, "--out", f"{base}/import"],
        "init": ["init", f"{base}/new/{odd}"],
        "cache": ["build", "epub", str(book), "--cache", f"{base}/cache/{odd}"],
    }


@pytest.mark.parametrize("kind", ODD)
def test_no_odd_argument_to_any_command_is_an_internal_error(small_book, tmp_path: Path, kind: str):
    small_book()
    for name, args in _commands(tmp_path, ODD[kind]).items():
        result = invoke(*args)
        assert result.exit_code in (0, 1, 2), f"{name}: exit {result.exit_code}: {result.output[-500:]}"
        assert "internal error" not in result.output and "Traceback" not in result.output, f"{name}: {result.output[-500:]}"
        if result.exit_code == 1:
            assert result.output.splitlines()[-1].startswith("error: "), f"{name}: {result.output[-500:]}"


@pytest.mark.parametrize("command", ["proof", "dist"])
def test_a_forged_record_in_the_output_folder_is_no_internal_error(small_book, tmp_path: Path, command: str):
    book, out = small_book(), tmp_path / "out"
    if command == "proof":
        out.mkdir()
        (out / MADE).write_bytes(FORGED)
    else:
        (out / "9780000000002").mkdir(parents=True)
        (out / "9780000000002" / "manifest.json").write_bytes(FORGED)
    result = invoke(command, str(book), "--out", str(out))
    if command == "proof":  # a record it cannot read: the proof replaces none of the files, and writes its own
        assert result.exit_code == 0, result.output
    else:  # a folder it cannot prove is a bundle of its own is not replaced
        assert_clean_failure(result, "is not a bundle presswork made")


# -- 5. bounded output ------------------------------------------------------------------------------

MISSING = [chr(0x4E00 + i) for i in range(20_000)]  # CJK: the book face has none of them


def test_a_flood_of_characters_the_font_lacks_is_summarised_and_check_lists_them_all(small_book, tmp_path: Path):
    lines = ["".join(MISSING[i:i + 100]) for i in range(0, len(MISSING), 100)]
    book = small_book({
        "manuscript/book.yaml": BOOK_YAML.replace("A Small Book", "A Small Book \U0002A6A5"),
        "manuscript/chapters/one.md": CHAPTER + "\n" + "\n\n".join(lines) + "\n\nIn code only: `\U0002B740`.\n",
    })
    started = time.perf_counter()
    result = invoke("build", "epub", str(book), "--out", str(tmp_path / "out"))
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output[-1000:]
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == SHOWN_OF_A_KIND + 1, warnings[:10]
    assert warnings[-1] == (f"warning: … and {20_002 - SHOWN_OF_A_KIND:,} more F001 warnings like these; "
                            "`presswork check` lists them all")  # fmt: skip
    assert seconds < 30
    verbose = invoke("build", "epub", str(book), "--out", str(tmp_path / "verbose"), "-v")
    assert sum(line.startswith("warning: ") and "has no glyph" in line for line in verbose.output.splitlines()) == 20_002
    listed = [line for line in invoke("check", str(book)).output.splitlines() if line.startswith("F001 ")]
    assert len(listed) == 20_002
    assert any("book.yaml" in line and "U+2A6A5" in line for line in listed)
    assert any("U+2B740" in line for line in listed)
    strict = invoke("build", "epub", str(book), "--out", str(tmp_path / "strict"), "--strict")
    assert_clean_failure(strict, "(an error because of --strict)")


def test_warnings_are_shown_a_few_of_a_kind_and_the_rest_counted():
    def warning(message: str, code: str | None = None, hint: str | None = None) -> Warning_:
        return Warning_(Location(Path("one.md"), 1), message, hint, code)

    notes = [warning(f"note {n} is too long", hint="shorten it") for n in range(7)]
    found = [warning("the cache is off")] + [warning(f"glyph {n}", "F001") for n in range(6)] + notes + [warning("x", "L004")]
    lines = summarised(found)
    assert lines[0] == "one.md:1: the cache is off"
    assert [line for line in lines if "glyph" in line] == [f"one.md:1: glyph {n}" for n in range(SHOWN_OF_A_KIND)]
    assert "… and 1 more F001 warnings like these; `presswork check` lists them all" in lines
    assert "… and 2 more warnings like these; `presswork build -v` lists them all" in lines
    assert lines[-1] == "one.md:1: x" and len(lines) == 1 + 5 + 1 + 5 + 1 + 1
    assert summarised(found[1:1 + SHOWN_OF_A_KIND]) == [str(w) for w in found[1:1 + SHOWN_OF_A_KIND]]  # five: no count


# -- 6. preview headers -----------------------------------------------------------------------------


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str]]:
    """A request sent byte for byte (http.client would not send two Host headers)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}


@pytest.fixture
def site(tmp_path: Path):
    with serving_site(tmp_path / "book-web", {"index.html": HOME, "style.css": "p { color: red; }"}) as port:
        yield port


def test_a_request_with_two_host_headers_is_refused(site):
    port = site
    for hosts in ([f"127.0.0.1:{port}", "attacker.example"], [f"127.0.0.1:{port}", f"127.0.0.1:{port}"]):
        head = "".join(f"Host: {host}\r\n" for host in hosts)
        assert _raw(port, f"GET / HTTP/1.1\r\n{head}Connection: close\r\n\r\n".encode())[0] == 400
    assert _raw(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())[0] == 200


def test_no_response_of_the_preview_may_be_framed_by_another_site(site):
    port = site
    responses = [get(port, path)[:2] for path in ("/", "/style.css", "/__presswork/status", SCRIPT, "/missing")]
    responses += [get(port, "/", host="attacker.example")[:2], get(port, "/", "POST")[:2]]
    responses += [_raw(port, b"BREW / HTTP/1.1\r\nConnection: close\r\n\r\n"), _raw(port, b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 101 + b"\r\n")]
    assert {code for code, _ in responses} == {200, 404, 403, 405, 501, 431}
    for code, headers in responses:
        assert headers["x-frame-options"] == "DENY", code
        assert headers["content-security-policy"] == "frame-ancestors 'none'", code


def test_only_the_preview_page_may_frame_the_pdf(tmp_path: Path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    pdf = tmp_path / "book.pdf"
    with pdf.open("wb") as out:
        writer.write(out)
    preview = Preview("pdf")
    preview.succeeded(pdf)
    with serving(preview) as port:
        code, headers, page = get(port, "/")
        assert (code, headers["x-frame-options"]) == (200, "DENY") and b'<iframe src="/book.pdf?g=1"' in page
        code, headers, body = get(port, "/book.pdf")
        assert (code, headers["x-frame-options"], headers["content-security-policy"]) == (200, "SAMEORIGIN", "frame-ancestors 'self'")
        assert pypdf.PdfReader(io.BytesIO(body)).pages


def test_a_browser_will_not_show_the_preview_in_another_sites_frame(site, browser, tmp_path: Path):
    port = site
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil/index.html").write_text(f'<iframe src="http://127.0.0.1:{port}/"></iframe>')
    other = Preview("web")
    other.succeeded(tmp_path / "evil")
    with serving(other) as evil_port:
        page = browser.new_page()
        try:
            page.goto(f"http://localhost:{evil_port}/")  # another origin (host and port) than the preview's
            page.wait_for_timeout(1000)
            [frame] = [f for f in page.frames if f != page.main_frame]
            assert "Home" not in frame.content()
            page.goto(f"http://127.0.0.1:{port}/")  # opened itself, it works, reload script and all
            assert page.locator(f'script[src="{SCRIPT}?g=1"]').count() == 1 and "Home" in page.content()
        finally:
            page.close()


def test_a_browser_shows_the_pdf_in_the_preview_pages_own_frame(tmp_path: Path, browser):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(str(tmp_path / "book.pdf"))
    preview = Preview("pdf")
    preview.succeeded(tmp_path / "book.pdf")
    with serving(preview) as port:
        page = browser.new_page()
        try:
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_timeout(1500)
            urls = [frame.url for frame in page.frames]
            assert f"http://127.0.0.1:{port}/book.pdf?g=1" in urls and not any(u.startswith("chrome-error:") for u in urls), urls
        finally:
            page.close()
