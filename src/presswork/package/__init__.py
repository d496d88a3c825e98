"""The packaging stage: the rendered book wrapped as an EPUB container (package document,
navigation, fonts, zip), shared by the EPUB and Kindle backends."""
