"""The check stage: the problems a machine can find in a book, each under a stable code (codes.py),
found on the model the loader made, one module per code prefix."""
