"""Word documents in and out: `presswork import docx` and `presswork export docx` (docs/import.md)."""
