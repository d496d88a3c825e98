"""What `presswork init` writes for the author to replace, kept here so that `check` (M005) knows
it without importing a command, and light enough for the CLI to read its defaults at start-up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    """A value `init` writes for the author to replace, and `check` reports (M005) while it is still
    there: it would otherwise reach the title page, the stores' metadata and the ONIX record."""

    keys: tuple[str, ...]  # where it stands in book.yaml; "*" is each item of a list
    value: str
    what: str
    fix: str


TITLE = Placeholder(("title",), "Untitled Book", "the book's title", "write the title, e.g. title: The Pressman's Craft")
AUTHOR = Placeholder(("contributors", "*", "name"), "Anonymous Author", "a contributor's name",
                     "write the author's name as it goes on the title page")  # fmt: skip
PUBLISHER = Placeholder(("publisher", "name"), "Publisher Name", "the publisher's name",
                        "write the imprint's name, or delete publisher: if there is none")  # fmt: skip
PLACE = Placeholder(("publisher", "place"), "City", "the publisher's place", "write the imprint's city, or delete place:")
DESCRIPTION = Placeholder(("description",), "One paragraph about the book for stores and catalogues.",
                          "the description", "write the paragraph stores show about the book")  # fmt: skip
SUBJECT = Placeholder(("subjects", "*"), "Subject", "a subject", "write the book's subjects, e.g. subjects: [Printing — History]")
PART = Placeholder(("contents", "body", "*", "part"), "The First Part", "a part title", "give the part its title")
PLACEHOLDERS = (TITLE, AUTHOR, PUBLISHER, PLACE, DESCRIPTION, SUBJECT, PART)
# The starter files' instructions to the author: `check` reports each line still holding one (M005).
STARTER_TEXT = ("Write the chapter here.", "Replace this text.")
