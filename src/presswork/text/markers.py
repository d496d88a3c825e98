"""What the legacy importer writes into a manuscript for an editor to resolve, in one place, so
that `check` finds exactly what the importer writes without importing the importer, and `build
--strict` and `dist` refuse a book whose readers would still see it (check/editor.py finds them)."""

from __future__ import annotations

import re

# The class of the editor's marker that lists notes the export gives without a call in the text.
UNCALLED_NOTES_CLASS = "import-note"
UNCALLED_NOTES_LABEL = "Notes the export gives without a call in the text:"
# The text of a note whose call the export has but whose text it lacks.
MISSING_NOTE_TEXT = "The text of this note is missing from the export."
# The importer's stand-in for a lost illustration says so in its alt text; so may an author's.
_PLACEHOLDER = re.compile(r"\s*placeholder\b", re.IGNORECASE)
# What each kind of mark is, singular and plural, by the code `check` reports it under.
KINDS = {"N005": ("note without a call", "notes without a call"), "N006": ("note without its text", "notes without their text"),
         "N007": ("note marker left in the text", "note markers left in the text"),
         "I006": ("placeholder figure", "placeholder figures")}
SUPER_CHARS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
# Note-marker shapes an export writes and a manuscript never means as prose: anywhere, a caret group
# (^{12}, ^{18, 19}) or a linked number ([12.](#)); at a paragraph's start, a note line (a superscript
# number, a call, or a list item numbered like a note: ¹². …, [^12] …, - 12. …, - [12] …).
_RESIDUE_ANYWHERE = re.compile(r"\^\{[^{}\n]{0,60}\}|\[\d{1,3}\.?\]\(#\)")
_RESIDUE_START = re.compile(
    rf"^(?:\\?[-*•]\s+(?:\d{{1,3}}\\?\.|\[\d{{1,3}}\.?\])\s|[{SUPER_CHARS}]{{1,3}}\.?(?=\s+\S)|\[\^\d{{1,3}}\]\.?(?=\s+\S))"
)


def is_placeholder(alt: str) -> bool:
    """An image that stands in for a missing one describes nothing, whatever its alt text says."""
    return bool(_PLACEHOLDER.match(alt))


def note_residue(paragraph: str) -> list[str]:
    """The note markers a paragraph still holds (its text as written): what an import left unread."""
    found = [m.group() for m in _RESIDUE_ANYWHERE.finditer(paragraph)]
    if m := _RESIDUE_START.match(paragraph):
        found.insert(0, m.group().strip())
    return found
