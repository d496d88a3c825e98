"""One error family for everything a user can cause, so the CLI can print it in one line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in the book folder something came from; line is 1-based."""

    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else str(self.file)


class PressworkError(Exception):
    """A problem in the user's input: printed as `file:line: message (hint)`, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, where: Location | None = None, hint: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where or Location()
        self.hint = hint
        self.code = code  # the stable code `presswork check` reports it under, if it has one (see README)

    def __str__(self) -> str:
        return format_problem(self.where, self.message, self.hint)

    def each(self) -> list[PressworkError]:
        """The errors this one stands for, each printed on a line of its own."""
        return [self]


class PressworkErrors(PressworkError):
    """Every error the loader found in one run (it continues past those it can, with a placeholder),
    so that an author fixes them all at once; `book` is what it loaded that way, for `check` alone."""

    def __init__(self, errors: list[PressworkError], book: object | None = None):
        first = errors[0]
        super().__init__(first.message, first.where, first.hint, first.code)
        self.errors, self.book = errors, book

    def __str__(self) -> str:
        return "\n".join(map(str, self.errors))

    def each(self) -> list[PressworkError]:
        return list(self.errors)


def format_problem(where: Location, message: str, hint: str | None) -> str:
    prefix = f"{where}: " if str(where) else ""
    suffix = f" — {hint}" if hint else ""
    return f"{prefix}{message}{suffix}"


@dataclass
class Warning_:
    where: Location
    message: str
    hint: str | None = None
    code: str | None = None  # the stable code `presswork check` reports it under (see README)

    def __str__(self) -> str:
        return format_problem(self.where, self.message, self.hint)


@dataclass
class Diagnostics:
    """Collects warnings during a build; with `strict` the first one becomes an error."""

    strict: bool = False
    warnings: list[Warning_] = field(default_factory=list)
    errors: list[PressworkError] = field(default_factory=list)  # the loader's, continued past (load_book raises them)

    def warn(self, message: str, where: Location | None = None, hint: str | None = None, code: str | None = None) -> None:
        if self.strict:
            raise PressworkError(f"{message} (an error because of --strict)", where, hint)
        self.warnings.append(Warning_(where or Location(), message, hint, code))

    def error(self, error: PressworkError) -> None:
        """An error the loader continues past with a placeholder, so that one run names them all."""
        self.errors.append(error)


SHOWN_OF_A_KIND = 5  # warnings printed of one kind before the rest are counted in one line


def summarised(warnings: list[Warning_]) -> list[str]:
    """The warnings as lines to print, at most SHOWN_OF_A_KIND of a kind (one code, else one hint,
    else one message) and then one line counting the rest: 20,000 characters the font lacks are five
    lines and a count, not 20,000 lines. `presswork check` lists every warning that has a code."""
    kind = [w.code or w.hint or w.message for w in warnings]
    total, seen = Counter(kind), Counter[str]()
    lines = []
    for warning, key in zip(warnings, kind):
        seen[key] += 1
        if seen[key] <= SHOWN_OF_A_KIND:
            lines.append(str(warning))
        if seen[key] == SHOWN_OF_A_KIND < total[key]:
            more = f"… and {total[key] - SHOWN_OF_A_KIND:,} more"
            lines.append(f"{more} {warning.code} warnings like these; `presswork check` lists them all" if warning.code
                         else f"{more} warnings like these; `presswork build -v` lists them all")  # fmt: skip
    return lines


def internal_error_line(exc: Exception) -> str:
    """The one line a bug ends in (the command's, or a preview's rebuild): what, and how to see more."""
    return f"internal error: {type(exc).__name__}: {exc} — please report it; PRESSWORK_DEBUG=1 shows the traceback"
