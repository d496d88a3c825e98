"""Backends: one module a product, each writing from the rendered book and the artifacts it is handed."""
