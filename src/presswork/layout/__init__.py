"""The layout stage: the print book laid out in pieces, and the page map other products take from it."""
