"""What a test run prints: a line per test file as it finishes (its counts and seconds) instead of a
row of dots, so that a reader sees which file runs and how long each took and can tell a slow run
from a hang; and one line at the end saying which tests were skipped and why, grouped by reason."""

from __future__ import annotations

import time
from collections import Counter

import pytest

_OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


class FileProgress:
    """`[ 3/52] tests/test_check.py   45 passed  4.0 s`: the file's name when it starts, the rest
    when it ends. Takes the place of pytest's dots at its default and quiet verbosities."""

    def __init__(self, reporter: pytest.TerminalReporter) -> None:
        self.reporter = reporter
        self.files: list[str] = []
        self.file: str | None = None
        self.counts: Counter[str] = Counter()
        self.started = 0.0
        self.running = False

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.files = list(dict.fromkeys(item.location[0] for item in session.items))

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config):
        status = yield
        # No dot or letter while the tests run (the file's line counts them); the summaries after
        # the run ask again, for the word (FAILED, ERROR) they print before a test's name.
        return (status[0], "", "") if self.running else status

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        if location[0] == self.file:
            return
        self._finish()
        self.file, self.counts, self.started = location[0], Counter(), time.monotonic()
        total = len(self.files)
        number = self.files.index(self.file) + 1 if self.file in self.files else 0
        width = max(map(len, self.files), default=0)
        self.reporter.write(f"[{number:>{len(str(total))}}/{total}] {self.file:<{width}}  ", flush=True)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or not report.passed:  # a setup's skip or failure, a teardown's failure
            outcome = "error" if report.failed and report.when != "call" else report.outcome
            if hasattr(report, "wasxfail"):
                outcome = "xfailed" if report.skipped else "xpassed"
            self.counts[outcome] += 1

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session):
        self.running = True
        try:
            return (yield)
        finally:
            self.running = False
            self._finish()

    def _finish(self) -> None:
        if self.file is None:
            return
        summary = ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in _OUTCOMES if self.counts[outcome])
        bad = bool(self.counts["failed"] or self.counts["error"])
        self.reporter.write(f"{summary or 'nothing run':<24} {time.monotonic() - self.started:6.1f} s\n", red=bad, green=not bad)
        self.file = None


@pytest.hookimpl(trylast=True)  # after pytest's terminal reporter is made
def pytest_configure(config: pytest.Config) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and config.get_verbosity() <= 0 and not config.option.collectonly:
        reporter.showfspath = False  # the file's line names it
        config.pluginmanager.register(FileProgress(reporter), "file-progress")


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """`skipped 9 tests — 6: the corpus excerpt is not at …; 3: calibre is not installed`, in one line."""
    reasons = Counter(_skip_reason(report) for report in terminalreporter.stats.get("skipped", []))
    if reasons:
        groups = "; ".join(f"{count}: {reason}" for reason, count in reasons.most_common())
        total = reasons.total()
        terminalreporter.write_line(f"skipped {total} test{'s' * (total != 1)} — {groups}", yellow=True)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")
