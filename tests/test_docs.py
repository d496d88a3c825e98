"""The docs promise only what exists: every `presswork …` command line in README.md and docs/*.md
names real commands and options of the Click CLI, every `make X` a real target, every link between
the pages a real file and heading. A renamed option fails here, not in a reader's terminal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt

from presswork.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_MARKDOWN = MarkdownIt("commonmark").enable("table")
_ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*$")
_QUOTED = re.compile(r"`((?:presswork|make) [^`]*)`")  # a command quoted inside a code block's comment
_WEB = re.compile(r"^(https?:|mailto:)", re.I)
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", re.M)


def command_lines(text: str) -> Iterator[str]:
    """Candidate command lines: each line of a code block, each code span (table cells included),
    and each command quoted in backticks inside a code block; only those that run presswork or make."""
    for token in _MARKDOWN.parse(text):
        if token.type in ("fence", "code_block"):
            for line in token.content.splitlines():
                yield from _command(line.strip().removeprefix("$ "))
                for quoted in _QUOTED.findall(line):
                    yield from _command(quoted)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "code_inline":
                    yield from _command(child.content)


def _command(line: str) -> Iterator[str]:
    words = line.replace("\\|", "|").split()
    while words and _ENV_ASSIGNMENT.match(words[0]):
        words.pop(0)
    if words and words[0] in ("presswork", "make"):
        yield " ".join(words)


def problems(line: str, makefile_targets: set[str]) -> list[str]:
    """What in one command line does not exist; [] when all of it does."""
    line = re.sub(r"\s#\s.*$", "", line)  # a shell comment after the command
    words = [w.strip("[]") for w in line.split()]
    words = [w for w in words if w and w not in ("…", "...")]
    if words[0] == "make":
        return [f"make target {w!r} is not in the Makefile" for w in words[1:]
                if "=" not in w and not w.startswith("-") and w not in makefile_targets]  # fmt: skip
    return _cli_problems(words[1:])


def _cli_problems(words: list[str]) -> list[str]:
    """Walk the Click group: a word may be `a|b` (either command). Groups take the next plain word
    as their subcommand, commands take the rest as arguments; every option must exist on every
    command the line can mean."""
    current: list[tuple[str, click.Command]] = [("presswork", main)]
    found: list[str] = []
    for word in words:
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            found += [f"{path} has no option {name}" for path, command in current if name not in _options(command)]
        elif any(isinstance(command, click.Group) for _, command in current):
            resolved = []
            for path, command in current:
                if not isinstance(command, click.Group):
                    resolved.append((path, command))
                    continue
                for name in word.split("|"):
                    sub = command.commands.get(name)
                    if sub is None and command.invoke_without_command:  # `dist BOOK_DIR`: the group's own argument
                        resolved.append((path, command))
                    elif sub is None:
                        found.append(f"{path} has no command {name!r}")
                    else:
                        resolved.append((f"{path} {name}", sub))
            current = resolved
    return found


def _options(command: click.Command) -> set[str]:
    params = command.get_params(click.Context(command))
    return {opt for p in params if isinstance(p, click.Option) for opt in (*p.opts, *p.secondary_opts)}


def makefile_targets() -> set[str]:
    return set(_MAKE_TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))


def link_problems(page: Path) -> list[str]:
    """Relative links that lead nowhere: a missing file, or a #fragment that is no heading of a page."""
    found = []
    for token in _MARKDOWN.parse(page.read_text(encoding="utf-8")):
        for child in token.children or []:
            href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
            if not href or _WEB.match(href):
                continue
            target, _, fragment = href.partition("#")
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                found.append(f"{page.name}: link {href!r}: no file {target}")
            elif fragment and path.suffix == ".md" and fragment not in heading_anchors(path):
                found.append(f"{page.name}: link {href!r}: no heading #{fragment} in {path.name}")
    return found


def heading_anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as
    hyphens, a repeated one numbered."""
    tokens = _MARKDOWN.parse(page.read_text(encoding="utf-8"))
    anchors: set[str] = set()
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type != "heading_open":
            continue
        text = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in anchors:
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    return anchors


def _lines() -> list[tuple[str, str]]:
    return [(page.relative_to(ROOT).as_posix(), line) for page in PAGES
            for line in command_lines(page.read_text(encoding="utf-8"))]  # fmt: skip


def test_the_docs_exist() -> None:
    assert (ROOT / "docs" / "README.md") in PAGES and len(PAGES) > 10
    commands = {line.split()[1] for _, line in _lines() if line.startswith("presswork ") and len(line.split()) > 1}
    assert {"build", "check", "dist", "import", "catalogue", "watch", "init", "proof", "diff"} <= commands


@pytest.mark.parametrize(("page", "line"), _lines())
def test_every_command_line_in_the_docs_exists(page: str, line: str) -> None:
    assert problems(line, makefile_targets()) == [], f"{page}: `{line}`"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_between_the_pages_resolves(page: Path) -> None:
    assert link_problems(page) == []


def test_the_checker_catches_what_does_not_exist() -> None:
    targets = makefile_targets()
    assert problems("presswork build pdf --out DIR --jobs 2 -q", targets) == []
    assert problems("presswork build|dist … --strict", targets) == []
    assert problems("presswork import legacy-text EXPORT.txt --out DIR [--json]", targets) == []
    assert problems("presswork catalogue build catalogue.yaml --scheduler tcp://10.0.0.5:8786  # a comment --x", targets) == []
    assert problems("presswork --version", targets) == []
    assert problems("presswork build pdf --made-up-option", targets) == ["presswork build has no option --made-up-option"]
    assert problems("presswork check --strict", targets) == ["presswork check has no option --strict"]
    assert problems("presswork build|check … --jobs 2", targets) == ["presswork check has no option --jobs"]
    assert problems("presswork publish BOOK", targets) == ["presswork has no command 'publish'"]
    assert problems("presswork dist path/to/book --strict", targets) == []
    assert problems("presswork dist upload BUNDLE --to URL --dry-run", targets) == []
    assert problems("presswork dist upload BUNDLE --strict", targets) == ["presswork dist upload has no option --strict"]
    assert problems("presswork catalogue make catalogue.yaml", targets) == ["presswork catalogue has no command 'make'"]
    assert problems("make epub BOOK=path/to/book", targets) == []
    assert problems("make publish", targets) == ["make target 'publish' is not in the Makefile"]


def test_the_parser_finds_commands_in_code_blocks_spans_and_tables() -> None:
    text = """A `presswork build pdf --bogus` span and `make bogus`.

| command | what |
|---|---|
| `presswork build\\|dist … --strict` | x |

```sh
PRESSWORK_DEBUG=1 presswork check --format json   # comment
print:
  marks: false   # also `presswork build pdf --marks`
```
"""
    assert list(command_lines(text)) == [
        "presswork build pdf --bogus", "make bogus", "presswork build|dist … --strict",
        "presswork check --format json # comment", "presswork build pdf --marks",
    ]  # fmt: skip


def test_the_link_checker_catches_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A page\n\n## The print: block\n\n[b](b.md) [c](c.md) [here](#the-print-block) [gone](#gone)\n")
    (tmp_path / "b.md").write_text("# B\n")
    assert link_problems(tmp_path / "a.md") == ["a.md: link 'c.md': no file c.md", "a.md: link '#gone': no heading #gone in a.md"]
