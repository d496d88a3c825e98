"""Follow-up to the attacker review: git revisions read without running the repository's commands,
stylesheets that cannot swallow the next one, Markdown whose parsing stays bounded, no silent loss
of deep nesting, staging folders told from the user's own, symlink loops as one-line errors, a
bounded legacy export, and a word diff that never compares whole documents."""

from __future__ import annotations

import difflib
import os
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import BOOK_YAML, CHAPTER
from hostile import assert_clean_failure, make_world, run, snapshot

from presswork.check.book import check_book
from presswork.commands import diff as diff_module
from presswork.errors import Diagnostics, PressworkError
from presswork.files import folders, revisions
from presswork.legacy import blocks
from presswork.load.book import load_book
from presswork.render import stylesheets
from presswork.text.typography import QuoteState, smarten

ONE = "manuscript/chapters/one.md"


# -- 1. diff of git revisions -------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    command = ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.org", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def repository(small_book, tmp_path: Path):
    """A book under git with two commits (one word changed), beside someone else's folder."""
    world = make_world(tmp_path / "world", small_book())
    git(world.book, "init", "-q")
    git(world.book, "add", ".")
    git(world.book, "commit", "-qm", "one")
    (world.book / ONE).write_text(CHAPTER.replace("Some text", "Other text"))
    git(world.book, "commit", "-qam", "two")
    return world


def test_diff_of_revisions_runs_no_filter_hook_or_fsmonitor_of_the_repository(small_book, tmp_path: Path):
    world = repository(small_book, tmp_path)
    for name, command in (("filter.evil.smudge", "sh -c 'touch ../outside/PWNED-SMUDGE; cat'"),
                          ("filter.evil.clean", "cat"), ("core.fsmonitor", "sh -c 'touch ../outside/PWNED-FSMONITOR'"),
                          ("core.hooksPath", str(world.outside))):  # fmt: skip
        git(world.book, "config", name, command)
    (world.outside / "post-checkout").write_text("#!/bin/sh\ntouch ../outside/PWNED-HOOK\n")
    (world.outside / "post-checkout").chmod(0o755)
    (world.book / ".gitattributes").write_text("*.md filter=evil\n*.yaml filter=evil\n")
    git(world.book, "add", ".gitattributes")
    git(world.book, "commit", "-qm", "attributes")
    before = snapshot(world.outside)
    result = run(["diff", "HEAD~2", "HEAD", world.book, "--out", tmp_path / "diff.html"])
    assert result.exit_code == 0, result.output
    assert "1 changed: One" in result.output
    assert snapshot(world.outside) == before  # no PWNED-* file appeared


def test_diff_refuses_a_revision_that_git_would_read_as_an_option(small_book, tmp_path: Path):
    world = repository(small_book, tmp_path)
    written = world.outside / "written.tar"
    result = run(["diff", "--out", tmp_path / "diff.html", "--", f"--output={written}", "HEAD", world.book])
    assert_clean_failure(result, "is not a revision")
    assert not written.exists()


def test_diff_of_an_unknown_revision_is_one_line(small_book, tmp_path: Path):
    world = repository(small_book, tmp_path)
    assert_clean_failure(run(["diff", "nosuchbranch", "HEAD", world.book, "--out", tmp_path / "d.html"]),
                         "git knows no commit 'nosuchbranch'")  # fmt: skip


@pytest.mark.parametrize("bound, value, message", [
    ("MAX_FILES", 1, "more than 1 files"),
    ("MAX_FILE_BYTES", 50, "bigger than 0 MB"),
    ("MAX_TOTAL_BYTES", 100, "more than 0 MB"),
])  # fmt: skip
def test_diff_of_revisions_extracts_a_bounded_tree(small_book, tmp_path: Path, monkeypatch, bound, value, message):
    world = repository(small_book, tmp_path)
    monkeypatch.setattr(revisions, bound, value)
    with pytest.raises(PressworkError, match=message):
        revisions.extract_revision(world.book, "HEAD", tmp_path / "tree")
    assert not (tmp_path / "tree").exists()


def _tree(root: Path, entries: list[tuple[str, str, str]]) -> str:
    """A tree object written as given (git mktree refuses the malformed ones this test needs)."""
    data = b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(oid) for mode, name, oid in entries)
    done = subprocess.run(["git", "-C", str(root), "hash-object", "-w", "--literally", "-t", "tree", "--stdin"],
                          input=data, capture_output=True, check=True)  # fmt: skip
    return done.stdout.decode().strip()


@pytest.mark.parametrize("name", ["..", "chapters"])
def test_a_tree_with_a_path_that_could_escape_is_refused(small_book, tmp_path: Path, name: str):
    """A `..` entry, or a symlink named like a folder whose files follow it (written through the
    link, they would land where it points)."""
    world = repository(small_book, tmp_path)
    yaml = git(world.book, "rev-parse", "HEAD:manuscript/book.yaml")
    chapters = git(world.book, "rev-parse", "HEAD:manuscript/chapters")
    link = subprocess.run(["git", "-C", str(world.book), "hash-object", "-w", "--stdin"], input=str(world.outside).encode(),
                          capture_output=True, check=True).stdout.decode().strip()  # fmt: skip
    manuscript = _tree(world.book, [("100644", "book.yaml", yaml), ("120000", name, link), ("40000", "chapters", chapters)])
    commit = git(world.book, "commit-tree", _tree(world.book, [("40000", "manuscript", manuscript)]), "-m", "bad")
    before = snapshot(world.outside)
    with pytest.raises(PressworkError, match="malformed path"):
        revisions.extract_revision(world.book, commit, tmp_path / "tree")
    assert snapshot(world.outside) == before


# -- 2. stylesheets joined ------------------------------------------------------------------------

EVIL = '"*/ body { background: url(https://evil.example/x.png) } /*"\n'


@pytest.mark.parametrize("first", ["p { color: red; }\n/*", "p { content: 'open", "p { color: red;"])
def test_a_stylesheet_left_open_at_its_end_is_refused(small_book, tmp_path: Path, first: str):
    root = small_book({"styles/a.css": first, "styles/b.css": EVIL})
    result = run(["build", "epub", root, "--out", tmp_path / "out"])
    assert_clean_failure(result, "styles/a.css:", "ends inside an unclosed comment, string or block")
    assert not (tmp_path / "out").exists()


def test_the_joined_stylesheets_are_checked_for_loads_too():
    styles = {"a.css": "p { color: red; }\n/*", "b.css": EVIL}  # as if one file's own check at load missed it
    with pytest.raises(PressworkError, match=r"stylesheets joined may not load other files"):
        stylesheets.stylesheet(styles, ("base", "epub"))


def test_stylesheets_that_close_what_they_open_still_build(small_book, tmp_path: Path):
    root = small_book({"styles/a.css": "p { color: red; }\n/* done */\n", "styles/b.css": "h1 { content: 'x'; }"})
    assert run(["build", "epub", root, "--out", tmp_path / "out"]).exit_code == 0


# -- 3. and 4. Markdown bounds ------------------------------------------------------------------

ATTACKS = {
    "brackets": "[" * 5_000,
    "divs": "<div>" * 600 + "x" + "</div>" * 600,
    "stars": "*" * 3_000 + "x" + "*" * 3_000,
    "nested links": "[" * 1_000 + "x" + "](y)" * 1_000,
    "references": "[a] " * 2_000 + "\n\n[a]: /u",
    "code spans": "`x` " * 600,
}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_paragraph_with_more_delimiters_than_any_real_one_is_refused_at_its_line(small_book, tmp_path: Path, attack):
    root = small_book({ONE: "# One\n\nSome text.\n\n" + attack + "\n"})
    result = run(["build", "epub", root, "--out", tmp_path / "out"])
    assert_clean_failure(result, f"{ONE}:5:", "more than the 1,000 one paragraph may hold", "split it")


def test_a_paragraph_at_the_delimiter_limit_still_loads(small_book):
    root = small_book({ONE: "# One\n\n" + "*a* " * 250 + "\n"})  # 500 stars, and 500 in a second paragraph
    assert load_book(root).chapters()


def test_back_matter_text_is_bounded_at_its_entry(small_book):
    book = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n  back:\n    - back/glossary.yaml\n")
    root = small_book({"manuscript/book.yaml": book,
                       "manuscript/back/glossary.yaml": f"terms:\n  - term: T\n    definition: \"{'[' * 2000}\"\n"})  # fmt: skip
    with pytest.raises(PressworkError, match=r"glossary.yaml:2: this paragraph has 2,000"):
        load_book(root)


def test_check_reports_a_bounded_paragraph_instead_of_parsing_it(small_book):
    root = small_book({ONE: "# One\n\n" + "[" * 5_000 + "\n"})
    assert [(p.code, p.file, p.line) for p in check_book(root) if p.code == "L001"] == [("L001", ONE, 3)]


def test_an_address_scan_stays_linear_in_a_long_word():
    """`\\S+@\\S+\\.\\w+` backtracked over every @ of a long word: 3,000 of them took seconds."""
    word = "x" + "@" * 3_000
    start = time.perf_counter()
    assert smarten(f'"{word}" mail a@b.org', "en", QuoteState()) == f"“{word}” mail a@b.org"
    assert time.perf_counter() - start < 0.5


def test_blocks_nested_past_the_parsers_limit_are_an_error_not_lost_text(small_book, tmp_path: Path):
    root = small_book({ONE: "# One\n\nSome text.\n\n" + "> " * 25 + "deep\n"})
    assert_clean_failure(run(["build", "epub", root, "--out", tmp_path / "out"]), f"{ONE}:5:", "nested 20 levels deep")


def test_blocks_nested_within_the_limit_keep_their_text(small_book, tmp_path: Path):
    root = small_book({ONE: "# One\n\nSome text.\n\n" + "> " * 19 + "deep\n"})
    assert run(["build", "epub", root, "--out", tmp_path / "out"]).exit_code == 0
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.epub"))) as epub:
        assert any(b"deep" in epub.read(name) for name in epub.namelist() if name.endswith(".xhtml"))


# -- 5. stale staging folders ------------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def age(path: Path) -> None:
    past = time.time() - 2 * folders.STALE_AFTER
    os.utime(path, (past, past))


@pytest.mark.parametrize("name", [".build-settings", ".build-{pid}-abcdefgh", ".build-abcdefgh"])
def test_a_users_folder_named_like_a_staging_folder_survives_a_build(small_book, tmp_path: Path, name: str):
    root = small_book()
    out = tmp_path / "out"
    mine = out / name.format(pid=dead_pid())
    (mine / "notes").mkdir(parents=True)
    (mine / "notes" / "plan.txt").write_text("mine")
    age(mine)
    assert run(["build", "epub", root, "--out", out]).exit_code == 0
    assert (mine / "notes" / "plan.txt").read_text() == "mine"


def test_a_killed_runs_marked_staging_folder_is_cleared(tmp_path: Path):
    pid = dead_pid()
    stale = tmp_path / f".build-{pid}-abcdefgh"
    stale.mkdir()
    (stale / folders.STAGING_MARKER).write_text(str(pid))
    wrong = tmp_path / f".build-{pid}-ijklmnop"  # a marker for another process: not this folder's
    wrong.mkdir()
    (wrong / folders.STAGING_MARKER).write_text(str(pid + 1))
    linked = tmp_path / f".build-{pid}-qrstuvwx"  # a marker that is a link: not one presswork wrote
    linked.mkdir()
    (tmp_path / "pid").write_text(str(pid))
    (linked / folders.STAGING_MARKER).symlink_to(tmp_path / "pid")
    for folder in (stale, wrong, linked):
        age(folder)
    fresh = folders.staging_folder(tmp_path, ".build-")
    assert (fresh / folders.STAGING_MARKER).read_text() == str(os.getpid())
    assert not stale.exists() and wrong.exists() and linked.exists()
    folders.unmark(fresh)
    assert list(fresh.iterdir()) == []


# -- 6. symlink loops ----------------------------------------------------------------------------


def chapter_loop(root: Path) -> list[str]:
    (root / ONE).unlink()
    (root / ONE).symlink_to("one.md")
    return ["build", "epub", root, "--out", root.parent / "out"]


def style_loop(root: Path) -> list[str]:
    (root / "styles").mkdir()
    (root / "styles" / "loop.css").symlink_to("loop.css")
    return ["build", "epub", root, "--out", root.parent / "out"]


def build_loop(root: Path) -> list[str]:
    (root / "build").symlink_to("build")
    return ["build", "epub", root]


def dist_loop(root: Path) -> list[str]:
    (root / "dist").symlink_to("dist")
    return ["dist", root]


def proof_loop(root: Path) -> list[str]:
    (root / "build").mkdir()
    (root / "build" / "proof").symlink_to("proof")
    return ["proof", root]


def diff_loop(root: Path) -> list[str]:
    (root / "build").mkdir()
    (root / "build" / "diff.html").symlink_to("diff.html")
    return ["diff", "a.epub", "b.epub", root]


@pytest.mark.parametrize("plant", [chapter_loop, style_loop, build_loop, dist_loop, proof_loop, diff_loop])
def test_a_symlink_loop_is_a_one_line_error_not_a_crash(small_book, plant):
    assert_clean_failure(run(plant(small_book())), "symlink loop")


# -- 7. the legacy export ----------------------------------------------------------------------


def test_a_fifo_given_as_the_export_is_refused_without_waiting(tmp_path: Path):
    fifo = tmp_path / "export.txt"
    os.mkfifo(fifo)
    done = threading.Event()

    def writer() -> None:  # feeds a reader that waits on the FIFO, so a regression fails instead of hanging
        while not done.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.01)
                continue
            try:
                os.write(fd, b"Title\n\nContents\n")
            except OSError:
                pass
            os.close(fd)
            return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(PressworkError, match="not a regular file"):
            blocks.read_blocks(fifo)
    finally:
        done.set()
        thread.join(5)


def test_an_export_bigger_than_the_cap_is_refused_in_one_line(tmp_path: Path, monkeypatch):
    export = tmp_path / "export.txt"
    export.write_text("Title\n\n" + "word " * 100)
    monkeypatch.setattr(blocks, "MAX_EXPORT_BYTES", 100)
    assert_clean_failure(run(["import", "legacy-text", export, "--out", tmp_path / "book"]), "export.txt:", "bigger than")
    assert not (tmp_path / "book").exists()


# -- 8. a bounded word diff ----------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [("a", "b"), ("a.", "b.")], ids=["one long sentence", "many repeated sentences"])
def test_the_word_diff_never_compares_more_than_a_pair_of_passages(monkeypatch, a: str, b: str):
    compared: list[tuple[int, int]] = []

    class Recording(difflib.SequenceMatcher):
        def __init__(self, junk, a, b, autojunk):
            compared.append((len(a), len(b)))
            super().__init__(junk, a, b, autojunk)

    monkeypatch.setattr(diff_module.difflib, "SequenceMatcher", Recording)
    old = [a if i % 3 else b for i in range(5_000)]
    new = [b if i % 5 else a for i in range(5_000)]
    change = diff_module.diff_words("One", old, new)
    assert max(compared, default=(0, 0)) <= (diff_module.MAX_PAIR_WORDS, diff_module.MAX_PAIR_WORDS)
    assert change.removed == old and change.added == new  # a passage too long to compare is replaced whole


def test_the_word_diff_of_ordinary_edits_is_the_whole_document_diff():
    words = (Path(__file__).resolve().parent.parent / "manuscript/chapters/02-mainz.md").read_text().split()
    new = list(words)
    new[40] = "CHANGED"  # one word early, a sentence late, and a deletion between
    new[len(new) - 60 : len(new) - 60] = ["An", "inserted", "sentence."]
    del new[300:303]
    reference = difflib.SequenceMatcher(None, words, new, autojunk=False).get_opcodes()
    assert diff_module._opcodes(words, new) == reference
