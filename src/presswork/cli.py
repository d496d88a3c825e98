"""The `presswork` command: one line per problem, no tracebacks, exit codes a Makefile can trust."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .backends import BACKENDS
from .backends.options import BuildOptions
from .check.placeholders import AUTHOR, TITLE
from .commands.build import build
from .commands.init import create_book
from .errors import Diagnostics, Location, PressworkError, internal_error_line, summarised
from .files.cache import Cache, default_folder
from .files.folders import default_out
from .files.output import writing_into
from .load.book import load_book
from .pipeline import GROUPS, Pipeline, expand
from .preflight import STANDARDS
from .preview import PREVIEWS
from .text.labels import counted, shortened
from .weasy import check_version, find_libraries_once

# Libraries that log every CSS rule they skip, every glyph they subset, every damage of a PDF they
# read: noise for a user, whose problems presswork reports itself in one line. Quietened when the
# command starts, never on import.
QUIET_LOGGERS = ("weasyprint", "fontTools", "pypdf", "pdfminer")


class LineReporter:
    """Progress as plain lines on standard error, one a stage and one a piece (what a log, a pipe or
    make wants), or none with -q. Used in a `with` block, as the terminal's bar is."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose = quiet, verbose

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def info(self, message: str, step: tuple[int, int] | None = None) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            click.echo(message, err=True)

    def warnings(self, diagnostics: Diagnostics) -> None:
        """Every warning with -v; else a few of each kind and a count of the rest."""
        for line in map(str, diagnostics.warnings) if self.verbose else summarised(diagnostics.warnings):
            click.echo(f"warning: {line}", err=True)


class BarReporter(LineReporter):
    """Progress on a terminal: a stage's line as it begins or ends, and one bar, gone when the
    command ends, for the pieces of a counted stage (print pieces, backends, imported sections)."""

    def __init__(self, verbose: bool, console: Console | None = None):
        super().__init__(quiet=False, verbose=verbose)
        self.console = console or Console(stderr=True)
        self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TimeElapsedColumn(),
                            console=self.console, transient=True)  # fmt: skip
        self.task = self.bar.add_task("", visible=False)

    def __enter__(self) -> Self:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()  # before any warning or error is printed: they stay, the bar goes

    def info(self, message: str, step: tuple[int, int] | None = None) -> None:
        if step is None:  # a stage: its line stays above the bar, which waits for the next counted stage
            self.bar.update(self.task, visible=False)
            self.bar.refresh()  # else the line is printed above a last redraw of the finished bar
            self._line(message)
        else:  # a stage's first step (the bar hidden) starts its clock again
            done, total = step
            change = self.bar.update if self.bar.tasks[0].visible else self.bar.reset
            change(self.task, description=message, completed=done - 1, total=total, visible=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            self._line(message)

    def _line(self, message: str) -> None:
        self.console.print(message, markup=False, highlight=False, emoji=False, soft_wrap=True)


def reporter(quiet: bool, verbose: bool = False) -> LineReporter:
    """The one place that decides how progress shows: nothing with -q, a bar when standard error is
    a terminal, plain lines otherwise."""
    return BarReporter(verbose) if not quiet and sys.stderr.isatty() else LineReporter(quiet, verbose)


class _Commands(click.Group):
    """Every command's failures end as one line: a manuscript problem as `error:`, a bug as
    `internal error:` (exit 70; PRESSWORK_DEBUG=1 shows the traceback)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse an argument no system call can take (a NUL, an unpaired surrogate: a caller's
        bug, never a shell's), before any command passes it to one."""
        for arg in args:
            if "\0" in arg or not _encodable(arg):
                raise click.UsageError(f"the argument {shortened(arg)!r} holds a character no file name or option can have")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            with _sigterm_as_interrupt():
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt as exc:  # its way out ran every cleanup: workers ended, staging folders removed
            click.echo("terminated" if isinstance(exc, Terminated) else "interrupted", err=True)
            sys.exit(143 if isinstance(exc, Terminated) else 130)
        except PressworkError as exc:
            _fail(exc)
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:  # a name given on the command line, or made from one
                _fail(PressworkError(f"{shortened(str(exc.filename))!r}: a file name longer than the system allows", None,
                                     "give a shorter name"))  # fmt: skip
            _internal(exc)
        except Exception as exc:
            _internal(exc)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command runs, so that it stops as Ctrl-C stops it."""


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs in the main thread, SIGTERM unwinds it (the default would end the process
    with its staging folder left behind); the handler before it comes back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def cache_option(command):
    """--cache, for the commands that lay the print book out."""
    return click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Build cache folder [default: $PRESSWORK_CACHE, else $XDG_CACHE_HOME/presswork "
                             "or ~/.cache/presswork].")(command)  # fmt: skip


def jobs_option(command):
    """--jobs, for the commands that lay the print book out."""
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        help="Worker processes laying the print book out, at most one a core "
                             "[default: one a core; 1: no workers].")(command)  # fmt: skip


def open_cache(cache_dir: Path | None, diagnostics: Diagnostics) -> Cache:
    return Cache(cache_dir or default_folder(), diagnostics)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="presswork")
def main() -> None:
    """presswork: turn one manuscript into an EPUB 3, a print-ready PDF, Kindle and Kobo files, a
    tagged screen PDF and a web edition.

    Run it in a book folder (one holding manuscript/book.yaml), or give the folder.
    """
    check_version()  # before any command loads WeasyPrint
    find_libraries_once()
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


@main.command("build", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("args", nargs=-1, metavar="FORMAT... [BOOK_DIR]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: BOOK_DIR/build].")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--marks", is_flag=True, help="PDF: add crop marks (as print.marks: true does).")
@click.option("--require-azw3", is_flag=True, help="Kindle: fail when calibre cannot make the AZW3.")
@cache_option
@jobs_option
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every manuscript file as it is loaded.")
def build_command(args: tuple[str, ...], out_dir: Path | None, strict: bool, marks: bool, require_azw3: bool,
                  cache_dir: Path | None, jobs: int | None, quiet: bool, verbose: bool) -> None:  # fmt: skip
    """Build FORMAT (epub, pdf, kindle, kobo, digital, web; all: epub, pdf and kindle; every: every format) from the book in BOOK_DIR [default: .].

    \b
    Examples:
      presswork build epub
      presswork build pdf --marks
      presswork build kindle --require-azw3
      presswork build all path/to/book --out dist
      presswork build every
    """
    names = tuple(a for a in args if a in BACKENDS or a in GROUPS)
    rest = [a for a in args if a not in names]
    known = ", ".join([*BACKENDS, *GROUPS])
    unknown = [a for a in rest if not Path(a).is_dir()]
    for name in unknown:
        if os.sep in name or "/" in name or Path(name).exists():  # meant as a book folder, not a format
            problem = "a file, not a book folder" if Path(name).exists() else "the book folder does not exist"
            raise PressworkError(problem, Location(Path(name)), "give the folder that holds manuscript/book.yaml")
    if unknown:
        raise click.UsageError(f"unknown format {unknown[0]!r} (formats: {known}; a book folder must exist)")
    if not names:
        raise click.UsageError(f"name at least one format: {known}")
    if len(rest) > 1:
        raise click.UsageError(f"give one book folder, not {len(rest)}")
    root = Path(rest[0]) if rest else Path(".")
    report = reporter(quiet, verbose)
    diagnostics = Diagnostics(strict=strict)
    try:
        with report:
            build(root, expand(names), out_dir or default_out(root, "build"), diagnostics, report,
                  BuildOptions(require_azw3=require_azw3, marks=marks, jobs=jobs), open_cache(cache_dir, diagnostics))  # fmt: skip
    except PressworkError as exc:
        report.warnings(diagnostics)
        _fail(exc)
    report.warnings(diagnostics)


@main.command("check", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="How to print the problems.")
def check_command(book_dir: Path, fmt: str) -> None:
    """Check the manuscript for problems a machine can find (stable codes, file and line, a fix for each).

    Exits 1 when there are errors, 0 when there are only warnings. Ignore codes per book in
    book.yaml: `check: {ignore: [T002, {code: S001, file: manuscript/chapters/05.md}]}`.
    """
    from .check.book import check_book
    from .commands.check import render

    problems = check_book(book_dir)
    click.echo(render(problems, fmt))
    sys.exit(1 if any(p.severity == "error" for p in problems) else 0)


@main.command("proof", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="[default: BOOK_DIR/build/proof].")
@click.option("--resolution", type=click.IntRange(20, 300), default=50, show_default=True, help="Preview resolution (dpi).")
@click.option("--marks", is_flag=True, help="Add crop marks (as print.marks: true does).")
@click.option("--report", "typesetting", is_flag=True,
              help="Also measure the PDF's typesetting (loose lines, ladders, widows, short pages) into typesetting.html.")
@cache_option
@jobs_option
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def proof_command(book_dir: Path, out_dir: Path | None, resolution: int, marks: bool, typesetting: bool,
                  cache_dir: Path | None, jobs: int | None, quiet: bool) -> None:  # fmt: skip
    """Make a review copy in build/proof/: the print PDF marked PROOF with the date, a PNG of every
    page, and contact sheets of spreads; with --report, the typesetting report too."""
    from .commands.proof import make_proof
    from .preflight.typereport import totals_text

    report = reporter(quiet)
    diagnostics = Diagnostics()
    try:
        out = out_dir or default_out(book_dir, "build/proof")
        book = load_book(book_dir, diagnostics)
        with report:
            files, measured = make_proof(book, out, diagnostics, report.info, resolution, BuildOptions(marks=marks, jobs=jobs),
                                         open_cache(cache_dir, diagnostics), typesetting)  # fmt: skip
    except PressworkError as exc:
        report.warnings(diagnostics)
        _fail(exc)
    report.warnings(diagnostics)
    pngs = [f for f in files if f.name.startswith("page-")]
    sheets = [f for f in files if f.name.startswith("contact-sheet-")]
    report.info(f"Wrote {files[0]}, {counted(len(pngs), 'page preview')} and {counted(len(sheets), 'contact sheet')}")
    if measured is not None:
        report.info(f"Typesetting report: {out / 'typesetting.html'}")
        for line in totals_text(measured):
            click.echo(line)


@main.command("diff", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("old")
@click.argument("new")
@click.argument("book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML report [default: BOOK_DIR/build/diff.html when BOOK_DIR is a book folder, else none].")
def diff_command(old: str, new: str, book_dir: Path, out_file: Path | None) -> None:
    """Show what changed between OLD and NEW: two EPUBs, two PDFs, or two git revisions of the
    book in BOOK_DIR. Prints each change in its context (by chapter; by page, for PDFs) and writes a
    word-level HTML diff."""
    from .commands.diff import compare, default_report, write_html

    try:
        target = out_file or default_report(book_dir)
        result = compare(old, new, book_dir, lambda m: click.echo(m, err=True))
    except PressworkError as exc:
        _fail(exc)
    if target is not None:
        with writing_into(target.parent):
            write_html(result, target, f"{old} → {new}")
    click.echo(result.summary())
    click.echo(f"Word-level diff: {target}" if target else
               f"No word-level diff written: {book_dir} is not a book folder (name the report with --out FILE)", err=True)  # fmt: skip


@main.command("marks", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("pdf_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--json", "as_json", is_flag=True, help="Print the marks as JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write the marks as an HTML table.")
@click.option("--apply", "apply_edits", is_flag=True,
              help="Write the unambiguous edits (strike-outs, carets, free text beginning with →) as a patch of the manuscript.")
@click.option("--patch", "patch_file", type=click.Path(dir_okay=False, path_type=Path), help="With --apply: the patch [default: BOOK_DIR/build/marks.patch].")
@click.option("--yes", is_flag=True, help="With --apply: edit the manuscript's files instead of writing a patch.")
@click.option("--strict", is_flag=True,
              help="Refuse a PDF of another build of the book (or one without a source map) instead of placing its marks by their text.")
def marks_command(pdf_file: Path, book_dir: Path, as_json: bool, html_file: Path | None, apply_edits: bool,
                  patch_file: Path | None, yes: bool, strict: bool) -> None:  # fmt: skip
    """List a proofreader's marks on a PDF of the book (highlights, strike-outs, carets, notes, free
    text, ink), one line a mark at the manuscript's file:line:column, with its page and folio; with
    --apply, turn the unambiguous ones into a patch (or, with --yes, edits) of the manuscript."""
    from .commands.marks import apply_marks, as_json as marks_json, find_marks, line, write_html

    if (patch_file or yes) and not apply_edits:
        raise click.UsageError("--patch and --yes go with --apply")
    try:
        found, warning = find_marks(pdf_file, book_dir, Diagnostics(), strict)
        if warning:
            click.echo(f"warning: {warning}", err=True)
        if html_file is not None:
            write_html(found, pdf_file, html_file)
        if apply_edits:
            click.echo(apply_marks(found, pdf_file, book_dir, None if yes else patch_file or book_dir / "build" / "marks.patch"))
            return
    except PressworkError as exc:
        _fail(exc)
    click.echo(marks_json(found) if as_json else "\n".join(line(f, pdf_file) for f in found) or "no marks")


@main.command("preflight", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("pdf_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--standard", "standards", multiple=True, type=click.Choice(sorted(STANDARDS)),
              help="A standard to check against (repeatable) [default: those the file declares].")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON on standard output.")
def preflight_command(pdf_file: Path, standards: tuple[str, ...], as_json: bool) -> None:
    """Check a finished PDF as a printer's preflight would, reading the file alone: one line a
    failure with its page, then notes on what was not checked. Exits 1 when anything fails."""
    from .commands.preflight import failed, render
    from .preflight import declared, preflight

    try:
        chosen = standards or declared(pdf_file)
        results = {standard: preflight(pdf_file, standard) for standard in chosen}
    except PressworkError as exc:
        _fail(exc)
    click.echo(render(results, as_json))
    sys.exit(1 if failed(results) else 0)


class _BookArgument(click.Argument):
    """BOOK_DIR, left out of a subcommand's usage line (`presswork dist upload`, not `dist [BOOK_DIR] upload`)."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return super().get_usage_pieces(ctx) if isinstance(ctx.command, _BookOrCommand) else []


class _BookOrCommand(click.Group):
    """`presswork dist [BOOK_DIR]` makes a bundle, `presswork dist upload …` sends one: a first
    argument that is exactly a subcommand's name is that subcommand (a book folder named so is
    given as ./upload), anything else is the group's own arguments, options after BOOK_DIR too."""

    allow_interspersed_args = True

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            click.Command.parse_args(self, ctx, [])  # the book's options at their defaults, unused
            ctx._protected_args, ctx.args = args[:1], args[1:]
            return ctx.args
        return super().parse_args(ctx, args)


@main.group("dist", cls=_BookOrCommand, invoke_without_command=True, subcommand_metavar="| upload BUNDLE --to URL …",
            context_settings={"help_option_names": ["-h", "--help"]})  # fmt: skip
@click.argument("book_dir", cls=_BookArgument, type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Bundle folder [default: BOOK_DIR/dist].")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--require-azw3", is_flag=True, help="Fail when calibre cannot make the AZW3.")
@cache_option
@jobs_option
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.pass_context
def dist_command(ctx: click.Context, book_dir: Path, out_dir: Path | None, strict: bool, require_azw3: bool,
                 cache_dir: Path | None, jobs: int | None, quiet: bool) -> None:  # fmt: skip
    """Make the distribution bundle dist/<ISBN>/: EPUB, Kindle files and print interior named by
    ISBN, retail cover JPEG, print cover wrap PDF, ONIX 3.0, accessibility report, checksums.
    `presswork dist upload BUNDLE --to URL` delivers a bundle to a distributor's server."""
    from .distribution.bundle import make_bundle

    if ctx.invoked_subcommand is not None:
        return

    report = reporter(quiet)
    diagnostics = Diagnostics(strict=strict)
    try:
        out = out_dir or default_out(book_dir, "dist")
        book = load_book(book_dir, diagnostics)
        with report:
            options = BuildOptions(require_azw3=require_azw3, jobs=jobs)
            folder = make_bundle(Pipeline(book, diagnostics, options, open_cache(cache_dir, diagnostics), report.info), out,
                                 report.info)  # fmt: skip
    except PressworkError as exc:
        report.warnings(diagnostics)
        _fail(exc)
    report.warnings(diagnostics)
    report.info(f"Wrote {folder}: " + ", ".join(sorted(p.name for p in folder.iterdir())))


@dist_command.command("upload", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("bundle", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--to", "url", required=True, metavar="URL",
              help="sftp://[user@]host[:port]/folder or ftps://[user@]host[:port]/folder (no password in it).")  # fmt: skip
@click.option("--known-hosts", type=click.Path(dir_okay=False, path_type=Path), default=Path("~/.ssh/known_hosts"),
              show_default=True, help="sftp: the file holding the server's host key.")  # fmt: skip
@click.option("--identity", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="sftp: a private key file [default: the agent's keys, then ~/.ssh/id_*].")  # fmt: skip
@click.option("--ca-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="ftps: certificate authorities to trust [default: the system's].")  # fmt: skip
@click.option("--insecure-ftp", is_flag=True, help="Allow plain ftp://, which sends the password and files unencrypted.")
@click.option("--retries", type=click.IntRange(0, 20), default=4, show_default=True,
              help="Attempts after a dropped connection, waiting 1, 2, 4 … s.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="List what would go where, and connect to nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def dist_upload_command(bundle: Path, url: str, known_hosts: Path, identity: Path | None, ca_file: Path | None,
                        insecure_ftp: bool, retries: int, dry_run: bool, quiet: bool) -> None:  # fmt: skip
    """Upload the bundle BUNDLE (a dist/<ISBN> folder) to a distributor's server: each file under a
    temporary name, renamed when whole and its SHA-256 checked; an interrupted upload resumes; a
    receipt upload-<time>.json is written beside the bundle. The password comes from
    PRESSWORK_UPLOAD_PASSWORD or ~/.netrc, never the command line.

    \b
    Examples:
      presswork dist upload dist/9780000000002 --to sftp://press@intake.example.com/incoming
      presswork dist upload dist/9780000000002 --to ftps://press@ftp.example.com/onix --dry-run
    """
    from .distribution import upload

    target = upload.parse_target(url, insecure_ftp)
    if dry_run:
        for line in upload.dry_run(bundle, target):
            click.echo(line)
        return
    say = (lambda line: None) if quiet else (lambda line: click.echo(line, err=True))
    connect = upload.connector(target, known_hosts.expanduser(), identity, ca_file)
    receipt = upload.Delivery(target, connect, say, retries).upload(bundle)
    say(f"Uploaded {bundle.name} to {target.url()}; receipt {receipt}")


@main.command("watch", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--product", type=click.Choice(PREVIEWS), default="pdf", show_default=True, help="The product to preview.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 to serve the preview on (0: any free one).")  # fmt: skip
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: BOOK_DIR/build].")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@cache_option
@jobs_option
@click.option("-v", "--verbose", is_flag=True, help="Also print each build's stages.")
def watch_command(book_dir: Path, product: str, port: int, out_dir: Path | None, strict: bool, cache_dir: Path | None,
                  jobs: int | None, verbose: bool) -> None:  # fmt: skip
    """Build PRODUCT from the book in BOOK_DIR, serve it at http://127.0.0.1:PORT/ and build it
    again after every save in manuscript/, images/ or styles/; the page reloads after each
    successful build and shows a failed one's error over the last good product. Ctrl-C stops.

    \b
    Examples:
      presswork watch
      presswork watch --product web --port 0
    """
    from .commands.watch import watch  # watchfiles and the HTTP server load only for a preview

    try:
        watch(book_dir, product, out_dir or default_out(book_dir, "build"), BuildOptions(jobs=jobs), strict, port,
              cache_dir or default_folder(), LineReporter(quiet=not verbose, verbose=verbose),
              lambda line: click.echo(line, err=True))  # fmt: skip
    except KeyboardInterrupt:
        click.echo("Stopped", err=True)


@main.group("import", context_settings={"help_option_names": ["-h", "--help"]})
def import_group() -> None:
    """Turn an existing book into a presswork book folder."""


@import_group.command("legacy-text", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("export", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="New book folder to write.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON on standard output.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (and the JSON report, with --json).")
def import_legacy_command(export: Path, out_dir: Path, as_json: bool, quiet: bool) -> None:
    """Import a legacy plain-text EXPORT (notes, page breaks and tables flattened into the text)
    into a book folder, with an import report (OUT/import-report.md) of what needs an editor."""
    from dataclasses import asdict

    from .legacy.importer import import_legacy, write_report

    progress = reporter(quiet)
    try:
        with progress:
            report = import_legacy(export, out_dir, progress.info)
    except PressworkError as exc:
        _fail(exc)
    write_report(out_dir, report)
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    progress.info(f"Imported {export} into {out_dir}: {report.summary()}. See {out_dir / 'import-report.md'}.")


@import_group.command("docx", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("manuscripts", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="New book folder to write.")
@click.option("--into", "book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="An existing book: read an editor's copy made by `export docx` back as a patch.")  # fmt: skip
@click.option("--apply", is_flag=True, help="With --into: apply the editor's tracked changes to the chapter files.")
@click.option("--accept-changes", "changes", flag_value="accept", help="Take the document's tracked changes.")
@click.option("--reject-changes", "changes", flag_value="reject", help="Leave the document's tracked changes out.")
@click.option("--chapter-style", metavar="STYLE", help="A Word paragraph style that opens a chapter, beside Heading 1.")
@click.option("--part-style", metavar="STYLE", default="Part", show_default=True, help="The Word paragraph style of part titles.")
@click.option("--matter", "matter", multiple=True, metavar="TEXT=KIND",
              help="A heading starting with TEXT is front or back matter of KIND (repeatable).")  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def import_docx_command(manuscripts: tuple[Path, ...], out_dir: Path | None, book_dir: Path | None, apply: bool,
                        changes: str | None, chapter_style: str | None, part_style: str, matter: tuple[str, ...],
                        quiet: bool) -> None:  # fmt: skip
    """Import Word MANUSCRIPTS (.docx, one or several in reading order) into a new book folder (--out),
    with an import report (OUT/import-report.md); or read an editor's copy back into a book (--into).

    \b
    Examples:
      presswork import docx manuscript.docx --out my-book
      presswork import docx ch1.docx ch2.docx --out my-book --accept-changes
      presswork import docx edited.docx --into . --apply
    """
    from .word.importer import Options, import_docx, write_report

    if (out_dir is None) == (book_dir is None):
        raise click.UsageError("give either --out (a new book) or --into (an existing book)")
    if apply and book_dir is None:
        raise click.UsageError("--apply goes with --into")
    kinds = dict(item.split("=", 1) for item in matter if "=" in item)
    if len(kinds) != len(matter):
        raise click.UsageError("--matter takes TEXT=KIND, e.g. --matter 'Historical Note=preface'")
    progress = reporter(quiet)
    try:
        if book_dir is not None:
            from .word.roundtrip import read_back

            if len(manuscripts) != 1:
                raise click.UsageError("--into reads one editor's copy")
            with progress:
                result = read_back(manuscripts[0], book_dir, apply)
            progress.info(result.summary())
            return
        with progress:
            report = import_docx(list(manuscripts), out_dir, Options(changes, chapter_style, part_style, kinds), progress.info)
    except PressworkError as exc:
        _fail(exc)
    write_report(out_dir, report)
    progress.info(f"Imported {', '.join(m.name for m in manuscripts)} into {out_dir}: {report.summary()}. "
                  f"See {out_dir / 'import-report.md'}.")  # fmt: skip


@main.group("export", context_settings={"help_option_names": ["-h", "--help"]})
def export_group() -> None:
    """Write the manuscript in another tool's format, for people who work there."""


@export_group.command("docx", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("book_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .docx file to write.")
def export_docx_command(book_dir: Path, out_file: Path) -> None:
    """Write the manuscript of the book in BOOK_DIR as one Word file for an editor: Word's own styles,
    real footnotes, images, each chapter file marked so that `import docx --into` brings the
    editor's tracked changes back.

    \b
    Examples:
      presswork export docx --out edit.docx
    """
    from .word.export import export_docx

    try:
        count = export_docx(book_dir, out_file)
    except PressworkError as exc:
        _fail(exc)
    click.echo(f"Wrote {out_file}: {counted(count, 'manuscript file')}", err=True)


@main.command("init", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=TITLE.value, show_default=True, help="The new book's title.")
@click.option("--author", default=AUTHOR.value, show_default=True, help="The new book's author.")
@click.option("--language", default="en", show_default=True, help="The book's language (BCP 47 code).")
def init_command(directory: Path, title: str, author: str, language: str) -> None:
    """Create a new book folder in DIRECTORY that builds as it is."""
    try:
        create_book(directory, title=title, author=author, language=language)
    except PressworkError as exc:
        _fail(exc)
    click.echo(f"Created {directory}. Next: presswork build epub {directory}", err=True)


@main.group("catalogue", context_settings={"help_option_names": ["-h", "--help"]})
def catalogue_group() -> None:
    """Build every book of a publisher's list (catalogue.yaml), on this machine or a Dask cluster."""


@catalogue_group.command("build", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("catalogue", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--scheduler", metavar="ADDRESS", help="An existing Dask scheduler, e.g. tcp://host:8786 "
              "[default: a LocalCluster on this machine].")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1), help="LocalCluster worker processes [default: one a core].")
@click.option("--only", multiple=True, metavar="SLUG[,SLUG…]", help="Build only these books (repeatable).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output root [default: the catalogue's `out:`, else build/catalogue beside it].")  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def catalogue_build_command(catalogue: Path, scheduler: str | None, workers: int | None, only: tuple[str, ...],
                            out_dir: Path | None, quiet: bool) -> None:  # fmt: skip
    """Build the products of every book in CATALOGUE into the output root, one Dask task a book,
    skipping books whose inputs have not changed; writes report.html and report.json there.

    \b
    Examples:
      presswork catalogue build catalogue.yaml
      presswork catalogue build catalogue.yaml --only pressmans-craft
      presswork catalogue build catalogue.yaml --scheduler tcp://10.0.0.5:8786
    """
    from .catalogue.spec import read_catalogue
    from .commands.catalogue import build_catalogue  # Dask is imported only when a catalogue is built

    if scheduler and workers:
        raise click.UsageError("--workers sizes the LocalCluster; an existing cluster has the workers started for it")
    progress = reporter(quiet)
    try:
        spec = read_catalogue(catalogue)
        with progress:
            result = build_catalogue(spec, out_dir or spec.out, only, scheduler, workers, progress)
    except PressworkError as exc:
        _fail(exc)
    progress.info(f"Report: {result.report}")
    for line in result.failures:
        click.echo(f"error: {line}", err=True)
    if result.failures:
        sys.exit(1)


def _encodable(arg: str) -> bool:
    try:
        os.fsencode(arg)
    except UnicodeEncodeError:
        return False
    return True


def _internal(exc: Exception) -> None:
    """The one line a bug ends in (called while handling it)."""
    if os.environ.get("PRESSWORK_DEBUG"):
        raise  # noqa: PLE0704 — the exception being handled, with its traceback
    click.echo(internal_error_line(exc), err=True)
    sys.exit(70)


def _fail(exc: PressworkError) -> None:
    for error in exc.each():
        click.echo(f"error: {error}", err=True)
    sys.exit(exc.exit_code)
