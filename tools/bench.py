"""Benchmark: time and peak memory of each stage on a generated full-size book.

Usage: python tools/bench.py [--chapters 50] [--words 180000] [--notes 850] [--runs 3] [--no-pdf]

EPUB stages run in this process: times are the best of --runs, memory the peak of Python
allocations (tracemalloc, in a separate pass so it does not slow the timed runs). The PDF
build and, for comparison, a plain WeasyPrint render of the same text with a minimal
stylesheet each run once in a child process, whose peak resident memory is reported; then the
typesetting report's totals for that PDF (loose lines, ladders, short pages).

The print PDF as a typesetter rebuilds it (`pdf_rebuilds`), each a `presswork build pdf` process
with its own build cache, against the plain render run the same way, as the `weasyprint` command
(start-up, import and writing the file included on both sides): cold with --jobs 1 and --jobs 2, then after a
one-word edit and after an edit that adds a page, both in a middle chapter; with the peak memory of
any one process (the command or a worker) and the PDF's size. `--pdf-only` runs this part alone.

Real books (`real_books`, `--real-only` runs this part alone): the imported corpus excerpt (when
../shared/corpus/legacy-export-excerpt.txt is there; said and skipped otherwise) beside the
note-heavy synthetic book calibrated on it (`synthbook.py --note-heavy`): what makes a page cost
(notes a page, words a note, figures and block quotations a page, milliseconds a page of the plain
render), then the plain `weasyprint` command, a cold `build pdf --jobs 2`, a rebuild after a
one-word edit and `presswork watch` from a one-word edit's save to the PDF served (its `Rebuilt`
line), with their ratios to the plain render (goals: at most 0.7, 0.15 and 0.05), their CPU seconds
and ratios, and the peak memory of any one process (goal: 400 MB).

Then the commands a user runs, each once as its own process with a private build cache:
`build epub --out B` after `build pdf --out A` (the layout's page map comes from the cache)
against Pandoc making an EPUB of the same chapters (goal: at most 0.5×), and a cold
`build epub` against the print layout alone (goal: the book is laid out once, not twice).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthbook import NOTE_HEAVY, generate  # noqa: E402

from presswork.errors import Diagnostics  # noqa: E402
from presswork.files.output import write_atomic  # noqa: E402
from presswork.layout.printbook import lay_out  # noqa: E402
from presswork.load.book import load_book  # noqa: E402
from presswork.model import NotePlacement  # noqa: E402
from presswork.package.epub import EpubBuilder  # noqa: E402
from presswork.pdf.assembly import pdf_document  # noqa: E402
from presswork.preflight.typereport import totals_text  # noqa: E402
from presswork.preflight.typesetting import measure  # noqa: E402
from presswork.render import fonts  # noqa: E402
from presswork.render.book import render_book  # noqa: E402
from presswork.render.xhtml import Links  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "legacy-export-excerpt.txt"
PLAIN_CSS = (
    "@page { size: 6in 9in; margin: 0.75in } html { font-family: Book; font-size: 10.5pt; line-height: 13.5pt }"
    " p { text-align: justify } img { max-width: 100% }"
)


def best_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def child_stage(stage: str, root: Path, out: Path) -> None:
    """Run one print stage (the layout alone, the whole PDF, or a plain WeasyPrint render) and print
    `seconds pages`; the parent measures our memory."""
    from weasyprint import CSS, HTML

    book = load_book(root)
    start = time.perf_counter()
    if stage == "layout":
        layout = lay_out(book, Diagnostics())
        print(f"{time.perf_counter() - start:.2f} {layout.page_count()}")
        return
    if stage == "pdf":
        data = pdf_document(lay_out(book, Diagnostics()))
    else:
        rendered = render_book(book, Links(target=lambda i: f"#{i}", image=lambda p: p.as_posix()), notes=NotePlacement.FOOTNOTES)
        faces = "".join(
            f'@font-face {{ font-family: Book; font-weight: {f.weight}; font-style: {f.style}; '
            f'src: url("{(fonts.FONT_DIR / f.file).as_uri()}") }}'
            for f in fonts.FACES
        )
        body = "\n".join(d.body for d in rendered.documents)
        html = f"<html lang=en><body>{body}</body></html>"
        if stage == "plain-files":  # for the plain render as a command: its input files, then no render here
            out.with_suffix(".html").write_text(html, encoding="utf-8")
            out.with_suffix(".css").write_text(faces + PLAIN_CSS, encoding="utf-8")
            print("0 0")
            return
        data = HTML(string=html, base_url=root.as_uri() + "/").write_pdf(stylesheets=[CSS(string=faces + PLAIN_CSS)])
    seconds = time.perf_counter() - start
    out.write_bytes(data)
    from pypdf import PdfReader

    print(f"{seconds:.2f} {len(PdfReader(out).pages)}")


def plain_command(root: Path, out: Path) -> tuple[float, float, float]:
    """Seconds, peak MB and CPU seconds of `weasyprint plain.html out.pdf` as a user runs it, start-up included,
    on the same text and stylesheet as the plain stage: what the `build pdf` commands compare with."""
    run_child("plain-files", root, out)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "weasyprint", "-u", root.as_uri() + "/", "-s", str(out.with_suffix(".css")),
                             str(out.with_suffix(".html")), str(out)])  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit("weasyprint failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1e3, usage.ru_utime + usage.ru_stime


def run_child(stage: str, root: Path, out: Path) -> tuple[float, int, float]:
    proc = subprocess.Popen([sys.executable, __file__, "--stage", stage, str(root), str(out)], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds, pages = proc.stdout.read().split()
    if status:
        raise SystemExit(f"{stage} stage failed")
    return float(seconds), int(pages), usage.ru_maxrss / 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=50)
    parser.add_argument("--words", type=int, default=180_000)
    parser.add_argument("--notes", type=int, default=850)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF stages (about a minute)")
    parser.add_argument("--pdf-only", action="store_true", help="only the plain render and the PDF rebuilds")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the legacy export excerpt imported as the real book")
    parser.add_argument("--real-only", action="store_true", help="only the corpus excerpt beside the note-heavy synthetic book")
    parser.add_argument("--stage", nargs=3, metavar=("STAGE", "BOOK", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        return child_stage(args.stage[0], Path(args.stage[1]), Path(args.stage[2]))
    with tempfile.TemporaryDirectory() as tmp:
        if args.real_only:  # its books are its own: no default synthetic book
            return real_books(Path(tmp), args.corpus)
        root = Path(tmp) / "book"
        generate(root, chapters=args.chapters, words=args.words, notes=args.notes)
        out = Path(tmp) / "book.epub"
        if args.pdf_only:
            plain_s, plain_pages, plain_mb = run_child("plain", root, Path(tmp) / "plain.pdf")
            print(f"{'plain WeasyPrint render, minimal stylesheet':48s} {plain_s:6.2f} s   peak {plain_mb:7.1f} MB (RSS)   {plain_pages} pages")
            return pdf_rebuilds(root, Path(tmp))
        book = load_book(root)
        chapters = list(book.chapters())
        links = Links(target=lambda ident: f"{book.targets[ident]}.xhtml#{ident}", image=lambda p: "../" + p.as_posix())
        locators = sum(len(e.locators) + sum(len(s.locators) for s in e.subentries.values()) for e in book.index.values())
        print(f"book: {len(chapters)} files, {sum(c.words for c in chapters):,} words, "
              f"{sum(len(c.notes) for c in chapters)} notes, {len(list(book.figures()))} figures, "
              f"{len(book.index)} index entries with {locators} locators")  # fmt: skip
        stages: list[tuple[str, Callable[[], object]]] = [
            ("load (manuscript -> model)", lambda: load_book(root, Diagnostics())),
            ("render (model -> XHTML)", lambda: render_book(book, links)),
            ("epub, no page list (render, fonts, zip, write)",
             lambda: write_atomic(out, EpubBuilder(book, Diagnostics()).build())),
        ]  # fmt: skip
        total = 0.0
        for name, fn in stages:
            seconds = best_time(fn, args.runs)
            if not name.startswith("render"):
                total += seconds
            print(f"{name:48s} {seconds:6.2f} s   peak {peak_memory(fn):7.1f} MB (Python)")
        print(f"{'load + epub, in process':48s} {total:6.2f} s   EPUB {out.stat().st_size / 1e6:.2f} MB")
        if args.no_pdf:
            return
        against_pandoc(root, Path(tmp))
        pdf_s, pdf_pages, pdf_mb = run_child("pdf", root, Path(tmp) / "book.pdf")
        plain_s, plain_pages, plain_mb = run_child("plain", root, Path(tmp) / "plain.pdf")
        bare = Path(tmp) / "bare"
        generate(bare, chapters=args.chapters, words=args.words, notes=args.notes, back_matter=False)
        bare_s, bare_pages, bare_mb = run_child("pdf", bare, Path(tmp) / "bare.pdf")
        print(f"{'pdf (full book: pieces, notes, heads, index)':48s} {pdf_s:6.2f} s   peak {pdf_mb:7.1f} MB (RSS)   {pdf_pages} pages")
        print(f"{'plain WeasyPrint render, minimal stylesheet':48s} {plain_s:6.2f} s   peak {plain_mb:7.1f} MB (RSS)   {plain_pages} pages")
        print(f"{'ratio full / plain':48s} {pdf_s / plain_s:6.2f} x")
        print(f"{'pdf without back matter, marks or index':48s} {bare_s:6.2f} s   peak {bare_mb:7.1f} MB (RSS)   {bare_pages} pages")
        print(f"{'back matter + index marks + index add':48s} {pdf_s - bare_s:6.2f} s")
        print("typesetting of the full book's PDF (presswork proof --report):")
        for line in totals_text(measure(Path(tmp) / "book.pdf")):
            print(f"  {line}")
        pdf_rebuilds(root, Path(tmp))
        real_books(Path(tmp), args.corpus)


def timed_build(root: Path, out: Path, cache: Path, jobs: int) -> tuple[float, float, float]:
    """Seconds, peak resident MB of any one process and CPU seconds of `presswork build pdf --jobs JOBS`:
    wait4 reports the largest of the command and the workers it waited for, and their CPU time summed
    (on a shared machine the CPU time is the steadier figure)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "from presswork.cli import main; main()", "build", "pdf", str(root),
                             "--out", str(out), "--jobs", str(jobs), "-q"],
                            env={**os.environ, "PRESSWORK_CACHE": str(cache)})  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit("build pdf failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1e3, usage.ru_utime + usage.ru_stime


def pdf_rebuilds(root: Path, tmp: Path) -> None:
    """Cold builds with one and two jobs, then rebuilds after edits to a middle chapter, against the
    plain render run as a command (`weasyprint`), as each build is (`presswork build pdf`)."""
    plain_s, plain_mb, _ = plain_command(root, tmp / "plain-command.pdf")
    print(f"{'`weasyprint` command, same text, plain stylesheet':48s} {plain_s:6.2f} s   peak {plain_mb:7.1f} MB (RSS)"
          "   (start-up and import included, like the builds below)")  # fmt: skip
    chapter = middle_chapter(root)
    head, body = chapter.read_text(encoding="utf-8").split("\n\n", 1)
    paragraph = max(body.split("\n\n"), key=len)
    rows = [
        ("`build pdf --jobs 1`, cold cache", lambda: None, 1, "1"),
        ("`build pdf --jobs 2`, cold cache", lambda: None, 2, "2"),
        ("rebuild after a one-word edit (--jobs 2)", lambda: one_word_edit(root), 2, "2"),
        ("rebuild after an edit adding a page (--jobs 2)",
         lambda: chapter.write_text(head + "\n\n" + body + ("\n\n" + paragraph) * 4, encoding="utf-8"), 2, "2"),
    ]  # fmt: skip
    goals = {1: "(goal: no slower than before)", 2: "(goal <= 0.7)", 3: "(goal <= 0.15)", 4: ""}
    for number, (name, edit, jobs, cache) in enumerate(rows, 1):
        edit()
        out = tmp / f"rebuild-{number}"
        seconds, peak, _ = timed_build(root, out, tmp / f"pdf-cache-{cache}", jobs)
        size = next(out.glob("*.pdf")).stat().st_size / 1e6
        print(f"{name:48s} {seconds:6.2f} s   {seconds / plain_s:5.2f} x plain {goals[number]:30s} "
              f"peak {peak:7.1f} MB (RSS, one process)   PDF {size:.1f} MB")  # fmt: skip


def middle_chapter(root: Path) -> Path:
    chapters = sorted((root / "manuscript" / "chapters").glob("*.md"))
    return chapters[len(chapters) // 2]


def one_word_edit(root: Path) -> None:
    """A typesetter's smallest change: one word of the middle chapter's text (after its front matter)."""
    chapter = middle_chapter(root)
    head, body = chapter.read_text(encoding="utf-8").split("\n\n", 1)
    chapter.write_text(head + "\n\n" + body.replace(" the ", " a ", 1), encoding="utf-8")


def real_books(tmp: Path, corpus: Path) -> None:
    """The corpus excerpt and the note-heavy synthetic book side by side: what a page holds and what
    it costs, the plain render, a cold `build pdf --jobs 2` and a one-word edit, with the ratios."""
    books: list[tuple[str, Path]] = []
    if corpus.is_file():
        run_command(["import", "legacy-text", corpus, "--out", tmp / "corpus"], tmp / "import-cache")
        books.append(("corpus excerpt", tmp / "corpus"))
    else:
        print(f"corpus excerpt: skipped (no {corpus})")
    generate(tmp / "note-heavy", note_heavy=True, **NOTE_HEAVY)
    books.append(("note-heavy synthetic", tmp / "note-heavy"))
    columns = [real_book(root, tmp / f"real-{number}") for number, (_, root) in enumerate(books)]
    print("real books: the print PDF (`build pdf`, `watch`) against the `weasyprint` command on the same text")
    print(f"  {'':54s}" + "".join(f"{name:>26s}" for name, _ in books))
    for label in columns[0]:
        print(f"  {label:54s}" + "".join(f"{column[label]:>26s}" for column in columns))


def real_book(root: Path, tmp: Path) -> dict[str, str]:
    """One book's column of `real_books`."""
    tmp.mkdir()
    book = load_book(root)
    notes = [note for chapter in book.chapters() for note in chapter.notes]
    note_words = sum(len(t.content.split()) for note in notes for t in note.tokens if t.type == "inline")
    quotes = sum(1 for c in book.chapters() for t in c.tokens if t.type == "blockquote_open")
    plain_s, plain_mb, plain_cpu = plain_command(root, tmp / "plain.pdf")
    plain_pages = pdf_pages(tmp / "plain.pdf")
    cold_s, cold_mb, cold_cpu = timed_build(root, tmp / "cold", tmp / "cache", 2)
    pages = pdf_pages(next((tmp / "cold").glob("*.pdf")))
    one_word_edit(root)
    edit_s, edit_mb, edit_cpu = timed_build(root, tmp / "edit", tmp / "cache", 2)
    watch_s, watch_mb, watch_cpu = watch_edit(root, tmp / "watch", tmp / "cache")
    return {
        "pages (build pdf / plain render)": f"{pages} / {plain_pages}",
        "notes a page": f"{len(notes) / pages:.2f}",
        "words a note": f"{note_words / max(1, len(notes)):.1f}",
        "figures a page": f"{len(list(book.figures())) / pages:.3f}",
        "block quotations a page": f"{quotes / pages:.2f}",
        "plain render, ms a page": f"{1000 * plain_s / plain_pages:.1f}",
        "`weasyprint` command, same text": f"{plain_s:.2f} s",
        "`build pdf --jobs 2`, cold (goal <= 0.7 x)": f"{cold_s:.2f} s  {cold_s / plain_s:.2f} x",
        "after a one-word edit (goal <= 0.15 x)": f"{edit_s:.2f} s  {edit_s / plain_s:.2f} x",
        "watch: edit saved -> PDF served (<= 0.05 x)": f"{watch_s:.2f} s  {watch_s / plain_s:.3f} x",
        "CPU s: plain / cold / edit / watch edit": f"{plain_cpu:.1f} / {cold_cpu:.1f} / {edit_cpu:.1f} / {watch_cpu:.2f}",
        "CPU ratios: cold / edit / watch edit": f"{cold_cpu / plain_cpu:.2f} / {edit_cpu / plain_cpu:.2f} / {watch_cpu / plain_cpu:.3f}",
        "build CPU a page, ms (cold)": f"{1000 * cold_cpu / pages:.0f}",
        "peak MB, one process (plain/cold/edit/watch; <= 400)": f"{plain_mb:.0f} / {cold_mb:.0f} / {edit_mb:.0f} / {watch_mb:.0f}",
    }


def watch_edit(root: Path, out: Path, cache: Path) -> tuple[float, float, float]:
    """`presswork watch --product pdf --jobs 2` on the book (its pieces already in `cache`): seconds
    from a one-word edit's save to the `Rebuilt` line, which watch prints once the served PDF is in
    place; the CPU seconds the rebuild took in the watch process and its workers; the peak resident
    MB of any of them over the session."""
    proc = subprocess.Popen([sys.executable, "-c", "from presswork.cli import main; main()", "watch", str(root),
                             "--product", "pdf", "--port", "0", "--out", str(out), "--jobs", "2"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PRESSWORK_CACHE": str(cache)})  # fmt: skip
    assert proc.stderr is not None
    try:
        wait_for_line(proc, "Built pdf in ")
        time.sleep(1)  # the watcher is watching
        cpu = process_tree_cpu(proc.pid)
        start = time.perf_counter()
        one_word_edit(root)
        wait_for_line(proc, "Rebuilt pdf in ")
        seconds = time.perf_counter() - start
        return seconds, process_tree_peak(proc.pid), process_tree_cpu(proc.pid) - cpu
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def wait_for_line(proc: subprocess.Popen, start: str) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith(start):
            return
        if line.startswith(("error:", "internal error:")):
            raise SystemExit(f"watch: {line.strip()}")
    raise SystemExit("watch ended before building")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo.extend(parents.get(tree[-1], []))
    return tree


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) the processes of `pid`'s tree have used so far."""
    total = 0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def process_tree_peak(pid: int) -> float:
    """The largest peak resident MB (VmHWM) of any process of `pid`'s tree."""
    peaks = [0.0]
    for each in process_tree(pid):
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1e3 for line in status.splitlines() if line.startswith("VmHWM:")]
    return max(peaks)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def run_command(args: list[str | Path], cache: Path) -> float:
    """Seconds `presswork ARGS` takes as its own process (start-up included), with `cache` as its build cache."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from presswork.cli import main; main()", *map(str, args), "-q"],
                   env={**os.environ, "PRESSWORK_CACHE": str(cache)}, check=True)  # fmt: skip
    return time.perf_counter() - start


def pandoc_epub(root: Path, out: Path) -> float | None:
    """Seconds Pandoc takes to make an EPUB of the chapters' Markdown, concatenated; None without Pandoc."""
    if shutil.which("pandoc") is None:
        return None
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((root / "manuscript" / "chapters").glob("*.md")))
    source = out.with_suffix(".md")
    source.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(["pandoc", str(source), "--metadata", "title=Benchmark", "-o", str(out)], cwd=root, check=True,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def against_pandoc(root: Path, tmp: Path) -> None:
    """The commands a user runs, against Pandoc and against the print layout alone."""
    shared, cold_cache = tmp / "cache", tmp / "cold-cache"
    pdf_s = run_command(["build", "pdf", root, "--out", tmp / "A"], shared)
    warm_s = run_command(["build", "epub", root, "--out", tmp / "B"], shared)
    cold_s = run_command(["build", "epub", root, "--out", tmp / "C"], cold_cache)
    layout_s, layout_pages, _ = run_child("layout", root, tmp / "layout.txt")
    pandoc_s = pandoc_epub(root, tmp / "pandoc.epub")
    print(f"{'`build pdf --out A`':48s} {pdf_s:6.2f} s")
    print(f"{'`build epub --out B` after it (page map cached)':48s} {warm_s:6.2f} s")
    if pandoc_s is None:
        print("pandoc: not installed (apt-get install pandoc, or make system-deps): no comparison")
    else:
        print(f"{'pandoc, EPUB of the same chapters':48s} {pandoc_s:6.2f} s")
        print(f"{'ratio build epub after build pdf / pandoc':48s} {warm_s / pandoc_s:6.2f} x   (goal <= 0.5)")
    print(f"{'`build epub`, cold cache':48s} {cold_s:6.2f} s")
    print(f"{'print layout alone (in a child process)':48s} {layout_s:6.2f} s   {layout_pages} pages")
    print(f"{'cold - warm build epub: the layout it paid for':48s} {cold_s - warm_s:6.2f} s   "
          f"{(cold_s - warm_s) / layout_s:.2f} × the layout (goal: about 1, not 2)")  # fmt: skip


if __name__ == "__main__":
    main()
