"""`presswork init`: a new book folder that builds as it is, to start from."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..check.placeholders import DESCRIPTION, PART, PLACE, PUBLISHER, STARTER_TEXT, SUBJECT
from ..errors import PressworkError
from ..load.metadata import LANGUAGE_TAG
from ..load.sources import XML_ILLEGAL


_CHAPTER = f"""---
title: The First Chapter
short_title: First Chapter
kind: chapter
---

{STARTER_TEXT[0]} A note goes like this.[^first]

> A block quotation, with its source on the last line.
>
> — Its Author, *Its Work*

## A section heading {{#sec-first}}

Cyrillic text such as [слово]{{lang=ru}} gets its language tag; see [the section above](#sec-first).

[^first]: The note's text, shown at the end of the chapter.
"""

_FOREWORD = f"""---
title: Foreword
kind: foreword
---

Front matter comes before the first chapter. {STARTER_TEXT[1]}
"""


def create_book(directory: Path, title: str, author: str, language: str) -> None:
    _check_options(title, author, language)
    if directory.exists() and any(directory.iterdir()):
        raise PressworkError(f"{directory} already exists and is not empty", None, "choose a new folder name")
    book = {
        "title": title,
        "language": language,
        "contributors": [{"name": author, "role": "author"}],
        "publisher": {"name": PUBLISHER.value, "place": PLACE.value},
        "rights": f"© {author}. All rights reserved.",
        "description": DESCRIPTION.value,
        "subjects": [SUBJECT.value],
        "contents": {
            "front": ["front/foreword.md"],
            "body": [{"part": PART.value, "chapters": ["chapters/01-first-chapter.md"]}],
        },
    }
    files = {
        "manuscript/book.yaml": yaml.safe_dump(book, allow_unicode=True, sort_keys=False),
        "manuscript/front/foreword.md": _FOREWORD,
        "manuscript/chapters/01-first-chapter.md": _CHAPTER,
        "images/README.txt": "Put figures and the cover here (PNG or JPEG), and name them in the manuscript.\n",
        "styles/README.txt": "CSS files here add to presswork's styles; base.css or epub.css here replace ours.\n",
    }
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _check_options(title: str, author: str, language: str) -> None:
    """Refuse, before writing anything, what would give a book that does not build."""
    for option, value in (("--title", title), ("--author", author)):
        if not value.strip():
            raise PressworkError(f"{option} is empty", None, f"give it some text, e.g. {option} 'Some Words'")
        if match := XML_ILLEGAL.search(value):
            raise PressworkError(f"{option} holds the control character U+{ord(match.group()):04X}", None, "remove it")
    if not LANGUAGE_TAG.match(language):
        raise PressworkError(f"--language {language!r} is not a language tag", None, "write e.g. en, en-GB or ru")
