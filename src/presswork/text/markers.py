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
         "I006": ("placeholder figure", "placeholder figures")}


def is_placeholder(alt: str) -> bool:
    """An image that stands in for a missing one describes nothing, whatever its alt text says."""
    return bool(_PLACEHOLDER.match(alt))
