"""Catalogue builds: a publisher's whole list through the same pipeline, one Dask task a book."""
