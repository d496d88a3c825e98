"""Issue 22, point 3: a build's worker processes end with it, however it ends (`kill -9` included),
and the next build removes a killed run's staging folder at once — never a live run's, nor a folder
of the user's with a similar name."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil  # comes with distributed, which the catalogue needs
import pytest
from conftest import BOOK_YAML, CHAPTER, ROOT, build

from presswork.files import folders
from presswork.lifeline import jobs_default

CLI = [sys.executable, "-c", "from presswork.cli import main; main()"]
GRACE = 5.0  # seconds a worker may outlive its killed parent


def gone_within(processes: list[psutil.Process], seconds: float) -> float | None:
    """Seconds until every process has ended (a zombie counts as ended), or None when one still runs."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if not [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]:
            return time.monotonic() - start
        time.sleep(0.01)
    return None


def forked(parent: psutil.Process, command: list[str]) -> list[psutil.Process]:
    """The children of `parent` running its own command line: the ones it forked (not the
    short-lived tools it runs, which may already be zombies)."""
    found = []
    for child in parent.children():
        try:
            if child.cmdline() == command:
                found.append(child)
        except psutil.Error:
            pass
    return found


def kill_all(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def small_book_at(root: Path) -> Path:
    (root / "manuscript" / "chapters").mkdir(parents=True)
    (root / "manuscript" / "book.yaml").write_text(BOOK_YAML, encoding="utf-8")
    (root / "manuscript" / "chapters" / "one.md").write_text(CHAPTER, encoding="utf-8")
    return root


@dataclass
class KilledBuild:
    out: Path
    workers: list[psutil.Process]
    megabytes: list[float]  # each worker's resident memory just before the kill
    gone_after: float | None  # seconds from the kill until no worker was left, None: still there after GRACE


@pytest.fixture(scope="module")
def killed_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KilledBuild]:
    """`build pdf --jobs 2` of a synthetic book long enough to be still laying out, killed with
    SIGKILL once both its layout workers exist."""
    if jobs_default() < 2:
        pytest.skip("one core: --jobs 2 runs as --jobs 1, with no workers")
    book = tmp_path_factory.mktemp("synth") / "book"
    subprocess.run([sys.executable, str(ROOT / "tools" / "synthbook.py"), str(book), "--chapters", "20",
                    "--words", "60000", "--notes", "200"], check=True, capture_output=True)  # fmt: skip
    out = tmp_path_factory.mktemp("killed") / "out"
    command = [*CLI, "build", "pdf", str(book), "--out", str(out), "--jobs", "2"]
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(running.pid)  # its command line is read from the list it was started with:
    # read from the process, it may still be the test's own before the exec
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and running.poll() is None and time.monotonic() < deadline:
            workers = forked(parent, command)
            time.sleep(0.02)
        assert len(workers) == 2 and running.poll() is None, "the build ended before both workers were seen"
        megabytes = [p.memory_info().rss / 1e6 for p in workers]
        os.kill(running.pid, signal.SIGKILL)
        running.wait()
        yield KilledBuild(out, workers, megabytes, gone_within(workers, GRACE))
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
        kill_all(workers)


def test_a_killed_parallel_build_leaves_no_layout_worker_running(killed_build: KilledBuild):
    assert killed_build.gone_after is not None, (
        f"{len(killed_build.workers)} workers of {killed_build.megabytes} MB still run {GRACE} s after their build was killed"
    )


def test_the_next_build_removes_a_killed_runs_staging_folder_at_once(killed_build: KilledBuild, tmp_path: Path):
    out = killed_build.out
    [left] = [p for p in out.iterdir() if p.name.startswith(".build-")]
    assert (left / folders.STAGING_MARKER).is_file()
    assert build(small_book_at(tmp_path / "book"), "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a-small-book.epub"]


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_live_runs_staging_folder_stays_though_its_process_id_means_nothing_here(small_book, tmp_path: Path):
    """A run in another pid namespace (a container sharing the disk) has a process id that names
    no process here: its lock on the marker is what shows it alive, not its id, nor its age."""
    out = tmp_path / "out"
    live = out / f".build-{dead_pid()}-abcdefgh"
    live.mkdir(parents=True)
    (live / "half.epub").write_bytes(b"half")
    marker = live / folders.STAGING_MARKER
    marker.write_text(live.name.split("-")[1])
    with open(marker, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        past = time.time() - 2 * folders.STALE_AFTER
        os.utime(live, (past, past))
        assert build(small_book(), "--out", str(out)).exit_code == 0
        assert (live / "half.epub").read_bytes() == b"half"


def test_a_concurrent_builds_staging_folder_stays(tmp_path: Path):
    """A real second build, its staging folder locked and its process alive, while another
    build clears the same output folder."""
    out = tmp_path / "out"
    script = ("import sys, time; from pathlib import Path; from presswork.files.folders import staging_folder; "
              "print(staging_folder(Path(sys.argv[1]), '.build-'), flush=True); time.sleep(60)")  # fmt: skip
    out.mkdir()
    other = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        stage = Path(other.stdout.readline().strip())  # type: ignore[union-attr]
        assert build(small_book_at(tmp_path / "book"), "--out", str(out)).exit_code == 0
        assert (stage / folders.STAGING_MARKER).read_text() == str(other.pid)
    finally:
        other.kill()
        other.wait()
    assert build(small_book_at(tmp_path / "book2"), "--out", str(out)).exit_code == 0
    assert not stage.exists()  # killed: now removed, at once


@pytest.mark.parametrize("make", ["no marker", "marker for another process", "marker a link", "marker a FIFO",
                                  "a file", "a link to a folder", "marker of a running process"])  # fmt: skip
def test_a_fresh_folder_of_the_users_named_like_a_staging_folder_stays(small_book, tmp_path: Path, make: str):
    out = tmp_path / "out"
    out.mkdir()
    pid = os.getppid() if make == "marker of a running process" else dead_pid()
    mine = out / f".build-{pid}-abcdefgh"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / folders.STAGING_MARKER).write_text(str(pid))
    if make == "a file":
        mine.write_text("mine")
    elif make == "a link to a folder":
        mine.symlink_to(elsewhere)
    else:
        mine.mkdir()
        marker = mine / folders.STAGING_MARKER
        if make == "marker for another process":
            marker.write_text(str(pid + 1))
        elif make == "marker a link":
            marker.symlink_to(elsewhere / folders.STAGING_MARKER)
        elif make == "marker a FIFO":
            os.mkfifo(marker)
        elif make == "marker of a running process":
            marker.write_text(str(pid))
    root = small_book()
    before = sorted(tmp_path.rglob("*"))
    assert build(root, "--out", str(out)).exit_code == 0
    assert sorted(tmp_path.rglob("*")) == sorted([*before, out / "a-small-book.epub"])


def test_a_staging_folders_lock_is_let_go_when_it_is_discarded_or_becomes_a_product(tmp_path: Path):
    """A long preview session builds again and again: no descriptor may be left open for each build."""
    this = psutil.Process()
    for finish in (folders.discard, folders.unmark):
        stage = folders.staging_folder(tmp_path, ".build-")
        assert str(stage / folders.STAGING_MARKER) in {f.path for f in this.open_files()}
        finish(stage)
        assert not [f for f in this.open_files() if f.path.startswith(str(stage))]


def test_catalogue_helpers_end_with_their_killed_parent(tmp_path: Path):
    """Dask's LocalCluster workers watch their parent themselves (a guard against a Dask that stops)."""
    script = ("import time; from presswork.catalogue.cluster import connect\n"
              "with connect(None, 2):\n    print('up', flush=True); time.sleep(120)")  # fmt: skip
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    helpers: list[psutil.Process] = []
    try:
        assert parent.stdout.readline().strip() == "up"  # type: ignore[union-attr]
        helpers = psutil.Process(parent.pid).children(recursive=True)
        assert len(helpers) >= 2
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert gone_within(helpers, GRACE) is not None
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        kill_all(helpers)
