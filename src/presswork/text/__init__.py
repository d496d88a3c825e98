"""Language-level text handling: typography, scripts, dates, ISBNs, collation, the Markdown dialect."""
