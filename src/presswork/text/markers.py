"""What the legacy importer writes into a manuscript for an editor to resolve, in one place, so
that `check` finds exactly what the importer writes without importing the importer."""

# The class of the editor's marker that lists notes the export gives without a call in the text.
UNCALLED_NOTES_CLASS = "import-note"
UNCALLED_NOTES_LABEL = "Notes the export gives without a call in the text:"
# The text of a note whose call the export has but whose text it lacks.
MISSING_NOTE_TEXT = "The text of this note is missing from the export."
