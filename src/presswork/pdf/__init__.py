"""The PDF engine: the print layout's pieces assembled into one PDF (`assembly.pdf_document`), with
folios printed, the book's font subsets merged and tagged, and one outline and set of destinations.
Beside the layout stage, below the backends: it imports neither `backends/` nor `commands/`."""
